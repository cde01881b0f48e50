"""Edits of a message the bot posted (a digest, an agenda), sent through the outbox like everything else:
queued under their own key, the older unsent edits of the same message dropped (the newest carries the
whole message), and sent at once; what Slack refuses for now is retried by the drain."""

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
