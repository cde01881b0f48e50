"""The Done button on an agenda's action items: closes the action record through the record core (its
owner, its reporter or a program lead may), syncs the record's own message, and edits the agendas that
show it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import Action
from bot.records import service
from bot.services.agendas import action_for_button, agenda_for_message
from bot.services.errors import UserError
from handlers.agenda_flow import refresh_agenda
from handlers.guard import guarded
from handlers.records.common import change_and_sync
from storage.models import Program

DONE = "done"  # the action kind's closing verb


def on_action_done(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps, actor = context["deps"], body["user"]["id"]
    team_id = (body.get("team") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    message_ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts", "")
    with deps.session() as session:
        item = action_for_button(session=session, value=action.get("value") or "", channel=channel, ts=message_ts)
        program = session.get(Program, item.program_id) if item else None
        pressed_on = agenda_for_message(session=session, channel=channel, ts=message_ts)
        pressed_id = pressed_on.id if pressed_on else None
    if item is None or program is None or program.team_id != team_id:
        raise UserError("That action item no longer exists.")
    item, _ = change_and_sync(client, deps, item.id, program, lambda s, stored, now: service.close(
        session=s, program=program, item=stored, actor=actor, now=now, verb=DONE), actor=actor)
    for agenda_id in dict.fromkeys(a for a in ((item.details or {}).get("agenda_id"), pressed_id) if a):
        refresh_agenda(client, deps, agenda_id)


def register(app: App) -> None:
    app.action(Action.AGENDA_ACTION_DONE.value)(guarded(on_action_done))
