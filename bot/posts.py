"""A listener's own posts and edits, sent through the outbox like everything else: queued under a key of
their own and sent at once; what Slack refuses for now is retried by the drain, and an uncertain post is
looked up by its key before it is posted again. An edit drops the older unsent edits of the same message
(the newest carries the whole message)."""

from __future__ import annotations

import secrets

from slack_sdk import WebClient

from bot.deps import Deps
from bot.notifier import drain_outbox
from storage import outbox


def edit_message(client: WebClient, deps: Deps, *, of: str, team_id: str, program_id: int | None, channel: str,
                 ts: str, text: str, blocks: list[dict]) -> None:
    """Edit the message posted under outbox key ``of`` (at ``channel``/``ts``) to ``text`` and ``blocks``."""
    prefix = f"{of}:edit:"
    key = prefix + secrets.token_hex(8)
    with deps.session() as session:
        outbox.enqueue(session=session, key=key, team_id=team_id, method="chat.update", now=deps.clock.now(),
                       program_id=program_id, payload={"channel": channel, "ts": ts, "text": text, "blocks": blocks})
        outbox.drop_older_edits(session=session, prefix=prefix, keep=key)
    drain_outbox(deps, client, keys=[key], limit=1)


def post_message(client: WebClient, deps: Deps, *, key: str, team_id: str, channel: str, text: str,
                 program_id: int | None = None, blocks: list[dict] | None = None) -> None:
    """Post ``text`` (and ``blocks``, when given) to ``channel`` (a person's id for a DM) once, under ``key``."""
    payload: dict = {"channel": channel, "text": text}
    if blocks:
        payload["blocks"] = blocks
    with deps.session() as session:
        outbox.enqueue(session=session, key=key, team_id=team_id, method="chat.postMessage", now=deps.clock.now(),
                       program_id=program_id, payload=payload)
    drain_outbox(deps, client, keys=[key], limit=1)
