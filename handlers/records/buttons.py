"""Buttons on a record's canonical message (and in DMs to its owner): its closing verbs, Reopen,
Reassign, Snooze and Edit. Every change is confirmed to the person who made it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.records import ITEM_SNOOZE, changed_reply, record_modal
from bot.ids import Action
from bot.records import service
from bot.records.permissions import ensure_may_change
from bot.records.registry import spec_of
from bot.services.errors import UserError
from bot.services.escalations import SNOOZE_CHOICES
from handlers.events.home import publish_home
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.records.common import change_and_sync, delivery_note, ensure_user, load


def _item_id(action: dict) -> int:
    value = action.get("value") or action["block_id"].rsplit(".", 1)[-1]
    return int(value.split(":", 1)[0])


def _team(body: dict) -> str:
    return (body.get("team") or {}).get("id", "")


def _apply(body: dict, action: dict, client: WebClient, context: dict[str, Any], respond: Respond | None, change,
           what, new_owner: bool = False) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    item, program = load(deps, _item_id(action), _team(body))
    item, posted = change_and_sync(client, deps, item.id, program,
                                   lambda s, stored, now: change(s, stored, program, actor, now),
                                   actor=actor, new_owner=new_owner)
    if (body.get("view") or {}).get("type") == "home":  # pressed in App Home: the new state is the answer
        publish_home(client, deps, program.team_id, actor)
    elif respond is not None:
        respond(text=changed_reply(item, what(item)) + delivery_note(posted, program), response_type="ephemeral",
                replace_original=False)


def on_close(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    verb = (action.get("value") or "").partition(":")[2] or None
    _apply(body, action, client, context, respond, lambda s, item, program, actor, now: service.close(
        session=s, program=program, item=item, actor=actor, now=now, verb=verb),
        lambda item: f"is now {spec_of(item).status_label(item.status)}")


def on_reopen(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _apply(body, action, client, context, respond, lambda s, item, program, actor, now: service.reopen(
        session=s, program=program, item=item, actor=actor, now=now), lambda item: "is open again")


def on_reassign(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any],
                respond: Respond) -> None:
    ack()
    owner = action.get("selected_user")
    ensure_user(client, owner, "/blocker assign B-7 @dana")
    _apply(body, action, client, context, respond, lambda s, item, program, actor, now: service.assign(
        session=s, program=program, item=item, actor=actor, owner_id=owner, now=now),
        lambda item: f"is now owned by <@{item.owner_id}>", new_owner=True)


def on_snooze(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    choice = (action.get("selected_option") or {}).get("value", "")
    if choice not in ITEM_SNOOZE:
        raise UserError(f"Snooze for {choice!r}? Pick 1 day, 3 days or 1 week.", "Snooze… 3 days")
    _apply(body, action, client, context, respond, lambda s, item, program, actor, now: service.snooze(
        session=s, program=program, item=item, actor=actor, now=now, until=now + SNOOZE_CHOICES[choice]),
        lambda item: f"is snoozed for {ITEM_SNOOZE[choice]}")


def on_edit(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    item, program = load(deps, _item_id(action), _team(body))
    ensure_may_change(item, program, body["user"]["id"])
    tz = user_timezone(client, deps, program.team_id, body["user"]["id"])
    client.views_open(trigger_id=body["trigger_id"], view=record_modal(spec_of(item), {"item_id": item.id}, tz,
                                                                       item=item))


def register(app: App) -> None:
    import re

    app.action(Action.RAID_RESOLVE.value)(guarded(on_close))
    app.action(re.compile(re.escape(Action.RECORD_CLOSE.value) + r"\.\w+"))(guarded(on_close))
    app.action(Action.RAID_REOPEN.value)(guarded(on_reopen))
    app.action(Action.RAID_REASSIGN.value)(guarded(on_reassign))
    app.action(Action.RAID_EDIT.value)(guarded(on_edit))
    app.action(Action.RAID_SNOOZE.value)(guarded(on_snooze))
