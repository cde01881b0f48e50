"""The settings message's "Change settings" button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import Action
from bot.services.errors import UserError
from handlers.guard import guarded
from handlers.setup_modal import ensure_lead, open_setup_modal
from storage.models import Program


def on_open_setup(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    with deps.session() as session:
        program = session.get(Program, int(action.get("value") or 0))
    if program is None or program.team_id != (body.get("team") or {}).get("id"):
        raise UserError("That program no longer exists. Type `/tpm setup` in its channel.", "/tpm setup")
    ensure_lead(program, body["user"]["id"])
    open_setup_modal(client, body["trigger_id"], program)


def register(app: App) -> None:
    app.action(Action.HELP_OPEN_SETUP.value)(guarded(on_open_setup))
