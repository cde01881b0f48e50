"""The Done button on an agenda's action items: owner, whoever recorded it, or a program lead."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import Action
from bot.services.agendas import agenda_for_message, complete_action
from bot.services.errors import UserError
from handlers.agenda_flow import refresh_agenda
from handlers.guard import guarded
from storage.agenda_models import ActionItem
from storage.models import Program


def on_action_done(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    team_id = (body.get("team") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    message_ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts", "")
    with deps.session() as session:
        item = session.get(ActionItem, int(action.get("value") or 0))
        program = session.get(Program, item.program_id) if item else None
        if item is None or program is None or program.team_id != team_id:
            raise UserError("That action item no longer exists.")
        complete_action(session=session, program=program, action=item, actor=body["user"]["id"], now=deps.clock.now())
        pressed_on = agenda_for_message(session=session, channel=channel, ts=message_ts)
        agendas = list(dict.fromkeys(a for a in (item.agenda_id, pressed_on.id if pressed_on else None) if a))
    for agenda_id in agendas:
        refresh_agenda(client, deps, agenda_id)


def register(app: App) -> None:
    app.action(Action.AGENDA_ACTION_DONE.value)(guarded(on_action_done))
