"""`/tpm charter`: open the charter modal (anyone may read it there; leads save), post the charter in
the channel (`show`), or list its changes (`history`)."""

from __future__ import annotations

import json

from bot.blocks.charter import charter_blocks, charter_modal, charter_text, history_blocks, history_text
from bot.services.charter import charter_history, current_charter, form_of, is_lead
from bot.services.errors import UserError
from handlers.commands.router import CommandCall
from handlers.programs import existing_program_here, program_here

USAGE = "/tpm charter [show|history]"


def charter_command(call: CommandCall) -> None:
    word = call.text.strip().lower()
    if word not in ("", "edit", "show", "history"):
        raise UserError(f"`/tpm charter {call.text.strip()[:40]}`? Use `/tpm charter` to edit it, `/tpm charter show` "
                        "to post it here, or `/tpm charter history` for its changes.", "/tpm charter show")
    call.ack()
    if word == "show":
        show_charter(call)
    elif word == "history":
        show_history(call)
    else:
        open_charter(call)


def open_charter(call: CommandCall) -> None:
    program = program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                           channel_name=call.channel_name, user_id=call.user_id)
    with call.deps.session() as session:
        charter = current_charter(session, program)
    metadata = json.dumps({"program_id": program.id, "channel_id": program.channel_id})
    call.client.views_open(trigger_id=call.trigger_id, view=charter_modal(
        program, form_of(charter), metadata, may_edit=is_lead(program, call.user_id), charter=charter))


def show_charter(call: CommandCall) -> None:
    """Posted in the channel, for everyone, through the command's reply."""
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    with call.deps.session() as session:
        charter = current_charter(session, program)
    call.respond(text=charter_text(charter, program), blocks=charter_blocks(charter, program),
                 response_type="in_channel" if charter else "ephemeral", replace_original=False)


def show_history(call: CommandCall) -> None:
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    with call.deps.session() as session:
        changes, total = charter_history(session, program)
    call.respond(text=history_text(program, total), blocks=history_blocks(program, changes, total),
                 response_type="ephemeral", replace_original=False)
