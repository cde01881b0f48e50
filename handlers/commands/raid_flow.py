"""What every command shares: the program of the channel it was typed in (bound on first use) and an
ephemeral reply to the person who typed it."""

from __future__ import annotations

import json

from handlers.commands.router import CommandCall
from handlers.programs import program_here
from storage.models import Program


def program_of(call: CommandCall) -> Program:
    return program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                        channel_name=call.channel_name, user_id=call.user_id)


def reply(call: CommandCall, text: str, blocks: list[dict] | None = None) -> None:
    call.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def metadata_of(view: dict) -> dict:
    return json.loads(view.get("private_metadata") or "{}")
