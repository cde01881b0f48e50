"""What `/blocker` and `/risk` share: capture from one line, the bare-command modal, lifecycle by key."""

from __future__ import annotations

import json

from bot.blocks.raid import build_created_reply, build_item_modal
from bot.services import raid
from bot.services.dates import When
from bot.services.raid_grammar import parse_blocker, parse_risk
from handlers.commands.router import CommandCall
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.raid_common import ensure_user, post_item_message, refresh_item_message
from storage.models import Program
from storage.raid_models import Item


def program_of(call: CommandCall) -> Program:
    return program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                        channel_name=call.channel_name, user_id=call.user_id)


def reply(call: CommandCall, text: str, blocks: list[dict] | None = None) -> None:
    call.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def capture(call: CommandCall, kind: str, example: str) -> None:
    """`/blocker <text>` or `/risk <text>`: parse in the author's timezone, store, post, confirm."""
    call.ack()
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    now = call.deps.clock.now()
    draft = parse_blocker(call.text, tz, now) if kind == "blocker" else parse_risk(call.text, tz, now)
    ensure_user(call.client, draft.owner_id, example)
    program = program_of(call)
    with call.deps.session() as session:
        create = raid.create_blocker if kind == "blocker" else raid.create_risk
        item = create(session=session, program=program, draft=draft, author_id=call.user_id, now=now)
    when: When | None = draft.due if kind == "blocker" else draft.review
    post_item_message(call.client, call.deps, item, program)
    reply(call, build_created_reply(item, tz, when.describe() if when else None))


def open_modal(call: CommandCall, kind: str) -> None:
    call.ack()
    program = program_of(call)
    metadata = {"program_id": program.id, "channel_id": program.channel_id}
    call.client.views_open(trigger_id=call.trigger_id, view=build_item_modal(kind, metadata))


def change(call: CommandCall, kind: str, action: str) -> Item:
    """resolve/close/reopen by key, with an optional note; edits the canonical message."""
    call.ack()
    key, _, note = call.text.partition(" ")
    program = program_of(call)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        item = raid.find_item(session=session, program=program, kind=kind, key=key)
        if action == "reopen":
            raid.reopen(session=session, program=program, item=item, actor=call.user_id, now=now)
        else:
            raid.resolve(session=session, program=program, item=item, actor=call.user_id, now=now, note=note.strip())
    refresh_item_message(call.client, call.deps, item, program, actor=call.user_id)
    reply(call, f":white_check_mark: {item.key} is now {item.status}.")
    return item


def metadata_of(view: dict) -> dict:
    return json.loads(view.get("private_metadata") or "{}")
