"""Buttons on an escalation card: Acknowledge, Resolve/Close, Snooze for…, Reassign. Each records who
and when, and every card of the escalation (and the item's own message) is edited in place."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import Action
from bot.services import escalations, raid
from bot.services.errors import UserError
from handlers.escalation_sync import sync_escalation
from handlers.guard import guarded
from handlers.raid_common import ensure_user, refresh_item_message
from storage.escalation_models import Escalation
from storage.models import Program
from storage.raid_models import Item


def _escalation_id(action: dict) -> int:
    if action.get("value"):
        return int(action["value"])
    return int(action["block_id"].rsplit(".", 1)[-1])


def _load(deps, action: dict, body: dict) -> tuple[Escalation, Item, Program]:
    team_id = (body.get("team") or {}).get("id", "")
    with deps.session() as session:
        escalation = session.get(Escalation, _escalation_id(action))
        item = session.get(Item, escalation.item_id) if escalation else None
        program = session.get(Program, item.program_id) if item else None
    if escalation is None or item is None or program is None or program.team_id != team_id:
        raise UserError("That escalation no longer exists.", "/tpm escalations")
    return escalation, item, program


def _on_card(body: dict, action: dict, client: WebClient, context: dict[str, Any], change) -> None:
    deps = context["deps"]
    _, item, _ = _load(deps, action, body)
    actor = body["user"]["id"]
    now = deps.clock.now()
    sync_escalation(client, deps, item.id, actor=actor,
                    change=lambda session, escalation, item, program: change(escalation, item, program, actor, now))


def on_acknowledge(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _on_card(body, action, client, context, lambda escalation, item, program, actor, now: escalations.acknowledge(
        escalation, item=item, program=program, actor=actor, now=now))


def on_snooze(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    choice = (action.get("selected_option") or {}).get("value", "")
    _on_card(body, action, client, context, lambda escalation, item, program, actor, now: escalations.snooze(
        escalation, item=item, program=program, actor=actor, now=now, choice=choice))


def on_resolve(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    _, item, program = _load(deps, action, body)
    actor = body["user"]["id"]
    with deps.session() as session:
        item = session.get(Item, item.id)
        raid.resolve(session=session, program=program, item=item, actor=actor, now=deps.clock.now(),
                     note="resolved from its escalation")
    refresh_item_message(client, deps, item, program, actor=actor)


def on_reassign(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    _, item, program = _load(deps, action, body)
    actor, owner = body["user"]["id"], action.get("selected_user")
    ensure_user(client, owner, "/blocker assign B-7 @dana")
    now = deps.clock.now()
    with deps.session() as session:
        item = session.get(Item, item.id)
        raid.assign(session=session, program=program, item=item, actor=actor, owner_id=owner, now=now)
    # The new owner starts the ladder again from their own DM.
    sync_escalation(client, deps, item.id, actor=actor,
                    change=lambda session, escalation, item, program: escalations.restart_ladder(escalation, now=now))
    refresh_item_message(client, deps, item, program, actor=actor)


def register(app: App) -> None:
    app.action(Action.ESCALATION_ACK.value)(guarded(on_acknowledge))
    app.action(Action.ESCALATION_RESOLVE.value)(guarded(on_resolve))
    app.action(Action.ESCALATION_SNOOZE.value)(guarded(on_snooze))
    app.action(Action.ESCALATION_REASSIGN.value)(guarded(on_reassign))
