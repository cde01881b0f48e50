"""Shared steps of the blocker and risk listeners: checking an owner is a real user, posting and
editing an item's one canonical message, and loading an item for a button or modal."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.raid import build_item_message, item_text
from bot.deps import Deps
from bot.services.errors import UserError
from handlers.escalation_sync import sync_escalation
from storage.models import Program
from storage.raid_models import Item


def ensure_user(client: WebClient, user_id: str | None, example: str) -> None:
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


def post_item_message(client: WebClient, deps: Deps, item: Item, program: Program) -> None:
    """Post the item's canonical message in the program channel and remember where it is; a new item
    that crosses an escalation rule (a critical blocker) is escalated at once."""
    response = client.chat_postMessage(channel=program.channel_id, text=item_text(item),
                                       blocks=build_item_message(item, program.timezone),
                                       unfurl_links=False)
    with deps.session() as session:
        stored = session.get(Item, item.id)
        stored.message_channel, stored.message_ts = response["channel"], response["ts"]
        session.add(stored)
    item.message_channel, item.message_ts = response["channel"], response["ts"]
    sync_escalation(client, deps, item.id, actor=item.reporter_id)


def refresh_item_message(client: WebClient, deps: Deps, item: Item, program: Program,
                         actor: str | None = None) -> None:
    """Every change edits the one canonical message (or posts it, if it never was) and the item's
    escalation cards."""
    if item.message_channel and item.message_ts:
        client.chat_update(channel=item.message_channel, ts=item.message_ts, text=item_text(item),
                           blocks=build_item_message(item, program.timezone))
        sync_escalation(client, deps, item.id, actor=actor)
    else:
        post_item_message(client, deps, item, program)


def load_item(deps: Deps, item_id: int, team_id: str) -> tuple[Item, Program]:
    with deps.session() as session:
        item = session.get(Item, item_id)
        program = session.get(Program, item.program_id) if item else None
    if item is None or program is None or program.team_id != team_id:
        raise UserError("That item no longer exists.", "/blocker list all")
    return item, program
