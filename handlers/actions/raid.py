"""Buttons on an item's canonical message: Resolve/Close, Reopen, Reassign, Edit."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.raid import ITEM_SNOOZE, build_item_modal
from bot.ids import Action
from bot.services import raid
from bot.services.errors import UserError
from bot.services.escalations import SNOOZE_CHOICES
from bot.services.timezones import zone
from handlers.guard import guarded
from handlers.raid_common import ensure_user, load_item, refresh_item_message
from storage.raid_models import Item


def _item_id(body: dict, action: dict) -> int:
    if action.get("value"):
        return int(action["value"])
    return int(action["block_id"].rsplit(".", 1)[-1])


def _apply(body: dict, action: dict, client: WebClient, context: dict[str, Any], change) -> None:
    deps = context["deps"]
    item, program = load_item(deps, _item_id(body, action), (body.get("team") or {}).get("id", ""))
    with deps.session() as session:
        item = session.get(Item, item.id)
        change(session, item, program, body["user"]["id"], deps.clock.now())
    refresh_item_message(client, deps, item, program, actor=body["user"]["id"])


def on_resolve(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _apply(body, action, client, context, lambda s, item, program, actor, now: raid.resolve(
        session=s, program=program, item=item, actor=actor, now=now))


def on_reopen(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _apply(body, action, client, context, lambda s, item, program, actor, now: raid.reopen(
        session=s, program=program, item=item, actor=actor, now=now))


def on_reassign(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    owner = action.get("selected_user")
    ensure_user(client, owner, "/blocker assign B-7 @dana")
    _apply(body, action, client, context, lambda s, item, program, actor, now: raid.assign(
        session=s, program=program, item=item, actor=actor, owner_id=owner, now=now))


def on_snooze(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    choice = (action.get("selected_option") or {}).get("value", "")
    if choice not in ITEM_SNOOZE:
        raise UserError(f"Snooze for {choice!r}? Pick 1 day, 3 days or 1 week.", "Snooze… 3 days")
    _apply(body, action, client, context, lambda s, item, program, actor, now: raid.snooze(
        session=s, program=program, item=item, actor=actor, now=now, until=now + SNOOZE_CHOICES[choice]))


def on_edit(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    item, program = load_item(deps, _item_id(body, action), (body.get("team") or {}).get("id", ""))
    raid.ensure_may_change(item, program, body["user"]["id"])
    tz = program.timezone

    def day(at):
        return at.astimezone(zone(tz)).date().isoformat() if at else None

    view = build_item_modal(item.kind, {"item_id": item.id}, title=item.title, owner=item.owner_id,
                            severity=item.severity or "medium", due=day(item.due_at),
                            probability=item.probability or 3, impact=item.impact or 3, review=day(item.review_at),
                            mitigation=item.mitigation, editing=item.key)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.action(Action.RAID_RESOLVE.value)(guarded(on_resolve))
    app.action(Action.RAID_REOPEN.value)(guarded(on_reopen))
    app.action(Action.RAID_REASSIGN.value)(guarded(on_reassign))
    app.action(Action.RAID_EDIT.value)(guarded(on_edit))
    app.action(Action.RAID_SNOOZE.value)(guarded(on_snooze))
