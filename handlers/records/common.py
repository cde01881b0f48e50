"""What every record surface shares: the program here, the author's zone, checking people, and a change
applied, its message synced through the outbox, and the person told what is true."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.text import channel as channel_mention
from bot.deps import Deps
from bot.records import message
from bot.records.registry import spec_of
from bot.services.errors import UserError
from handlers.escalation_sync import sync_escalation
from handlers.members import user_timezone
from storage.models import Program
from storage.raid_models import Item


def ensure_user(client: WebClient, user_id: str | None, example: str) -> None:
    """A person who can own a record: in this workspace, active, not a bot."""
    if user_id is None:
        return
    try:
        info = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") == "user_not_found":
            raise UserError(f"<@{user_id}> isn't a user in this workspace, so they can't own it.", example) from exc
        raise
    if info.get("deleted") or info.get("is_bot"):
        raise UserError(f"<@{user_id}> can't own items (deactivated or a bot). Mention a teammate.", example)


def load(deps: Deps, item_id: int, team_id: str) -> tuple[Item, Program]:
    with deps.session() as session:
        item = session.get(Item, item_id)
        program = session.get(Program, item.program_id) if item else None
    if item is None or program is None or program.team_id != team_id:
        raise UserError("That item no longer exists.", "/blocker list all")
    return item, program


Change = Callable[..., Item]


def change_and_sync(client: WebClient, deps: Deps, item_id: int, program: Program, change: Change, *,
                    actor: str, new_owner: bool = False) -> tuple[Item, bool]:
    """Apply ``change(session, item, now)`` and queue the record's message in the same transaction, then
    send it; a new owner (``new_owner``) is told by DM. Returns the record and whether its message is in
    Slack now."""
    now = deps.clock.now()
    with deps.session() as session:
        item = session.get(Item, item_id)
        change(session, item, now)
        session.flush()
        queued = message.queue_sync(session=session, program=program, item=item, now=now,
                                    new_owner_by=actor if new_owner else None)
        message.claim(session=session, queued=queued, now=now)
    message.send(deps, client, item, queued)
    if new_owner and item.owner_id != actor:
        user_timezone(client, deps, program.team_id, item.owner_id)  # their reminders follow their zone
    follow_escalation(client, deps, item, actor=actor)
    return item, queued.posted


def follow_escalation(client: WebClient, deps: Deps, item: Item, actor: str | None) -> None:
    """A kind with escalation rules: its escalation follows every change (opens, climbs, ends)."""
    if spec_of(item).escalates:
        sync_escalation(client, deps, item.id, actor=actor)


def delivery_note(posted: bool, program: Program) -> str:
    """Only what is true: if Slack did not take the message yet, say it will follow."""
    if posted:
        return ""
    return f" Slack didn't take its message in {channel_mention(program.channel_id)} yet; I'll post it as soon as it does."
