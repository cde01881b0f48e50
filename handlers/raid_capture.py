"""`blocker: …` and `risk: …` replies in a stand-up (or agenda) thread become items, with the reply as source."""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.raid import build_created_reply
from bot.deps import Deps
from bot.services import raid
from bot.services.errors import UserError
from bot.services.raid_grammar import BLOCKER_EXAMPLE, RISK_EXAMPLE, parse_blocker, parse_risk
from handlers.members import user_timezone
from handlers.raid_common import ensure_user, post_item_message
from storage.models import Program

PREFIX = re.compile(r"^\s*(blocker|risk)\s*:\s*", re.I)


def capture_from_thread(client: WebClient, deps: Deps, program: Program, event: dict) -> None:
    match = PREFIX.match(event.get("text", ""))
    kind = match.group(1).lower()
    user_id = event["user"]
    tz = user_timezone(client, deps, program.team_id, user_id)
    now = deps.clock.now()
    text = event["text"][match.end():]
    try:
        draft = parse_blocker(text, tz, now) if kind == "blocker" else parse_risk(text, tz, now)
        ensure_user(client, draft.owner_id, BLOCKER_EXAMPLE if kind == "blocker" else RISK_EXAMPLE)
    except UserError as error:
        client.chat_postEphemeral(channel=event["channel"], user=user_id, thread_ts=event.get("thread_ts"),
                                  text=error.reply_text().replace("Example: `/", "Example: `", 1)
                                  .replace(f"`{kind} ", f"`{kind}: ", 1))
        return
    try:
        link = client.chat_getPermalink(channel=event["channel"], message_ts=event["ts"])["permalink"]
    except SlackApiError:
        link = ""
    with deps.session() as session:
        create = raid.create_blocker if kind == "blocker" else raid.create_risk
        item = create(session=session, program=program, draft=draft, author_id=user_id, now=now, source_link=link)
    post_item_message(client, deps, item, program)
    when = draft.due if kind == "blocker" else draft.review
    client.chat_postEphemeral(channel=event["channel"], user=user_id, thread_ts=event.get("thread_ts"),
                              text=build_created_reply(item, tz, when.describe() if when else None))
