"""Records from conversation: message shortcuts ("Log as blocker", …) open the kind's modal prefilled
with the message, its link and its author as owner; thread replies that start with a kind's prefix
(`blocker:`, `risk:`, `action:`, `decision:`) become records with the reply as their source."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.records import record_modal
from bot.deps import Deps
from bot.records.registry import BY_THREAD_PREFIX
from bot.records.spec import KindSpec
from bot.services.dates import date_context
from bot.services.errors import UserError
from bot.services.program_settings import settings_of
from handlers.members import user_timezone
from handlers.records.common import ensure_user
from handlers.records.create import create_record
from storage.models import Program

PREFIX = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, BY_THREAD_PREFIX), key=len, reverse=True))
                    + r")\s*:\s*", re.I)


def prefixed_kind(text: str) -> tuple[KindSpec, str] | None:
    """The kind a reply names by its prefix, and the rest of the reply."""
    match = PREFIX.match(text or "")
    if match is None:
        return None
    return BY_THREAD_PREFIX[match.group(1).lower()], text[match.end():]


def _permalink(client: WebClient, channel: str, ts: str) -> str:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError:
        return ""


def capture_from_thread(client: WebClient, deps: Deps, program: Program, event: dict, spec: KindSpec, text: str,
                        details: dict | None = None, inbox_id: str | None = None):
    """A prefixed thread reply as a record; a mistake is answered in the thread, only to its author."""
    user_id = event["user"]
    tz = user_timezone(client, deps, program.team_id, user_id)
    example = spec.example.replace(f"{spec.command} ", f"{spec.name}: ", 1)
    try:
        with date_context(lambda: settings_of(program).sprints):  # `action: … by end of sprint`
            draft = spec.grammar(text, tz, deps.clock.now())
        ensure_user(client, draft.owner_id, example)
    except UserError as error:
        client.chat_postEphemeral(channel=event["channel"], user=user_id, thread_ts=event.get("thread_ts"),
                                  text=UserError(error.problem, example).reply_text())
        return None
    item, reply = create_record(client, deps, program, spec, draft, user_id, details=details, inbox_id=inbox_id,
                                source_link=_permalink(client, event["channel"], event["ts"]))
    client.chat_postEphemeral(channel=event["channel"], user=user_id, thread_ts=event.get("thread_ts"), text=reply)
    return item


def shortcut_listener(spec: KindSpec):
    def on_shortcut(ack: Ack, body: dict, client: WebClient, context: dict[str, Any]) -> None:
        ack()
        deps = context["deps"]
        channel = (body.get("channel") or {}).get("id", "")
        message = body.get("message") or {}
        link = _permalink(client, channel, message.get("ts", ""))
        tz = user_timezone(client, deps, (body.get("team") or {}).get("id", ""), body["user"]["id"])
        prefill = {"title": " ".join((message.get("text") or "").split())[:500], "owner": message.get("user")}
        view = record_modal(spec, {"channel_id": channel, "source_link": link}, tz, prefill=prefill)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    on_shortcut.__name__ = f"on_log_{spec.name}"
    return on_shortcut
