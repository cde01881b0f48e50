"""Opening the `/tpm setup` modal, from the command or the settings message's button."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from bot.blocks.programs import build_setup_modal
from bot.blocks.text import user
from bot.services.errors import NotAllowed
from bot.services.programs import setup_form_of
from storage.models import Program


def ensure_lead(program: Program, user_id: str) -> None:
    if program.leads and user_id not in program.leads:
        leads = ", ".join(user(u) for u in program.leads)
        raise NotAllowed(f"Only the program's leads ({leads}) can change its settings. Ask one of them, "
                         "or see them with `/tpm settings`.")


def setup_metadata(program: Program) -> str:
    return json.dumps({"program_id": program.id, "channel_id": program.channel_id})


def open_setup_modal(client: WebClient, trigger_id: str, program: Program) -> None:
    client.views_open(trigger_id=trigger_id, view=build_setup_modal(program, setup_form_of(program),
                                                                     setup_metadata(program)))
