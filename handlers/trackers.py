"""`/tpm connect github <owner/repo>` and `/tpm connect jira <KEY> [jql: …]`: leads link the channel's program
to where its work lives. The words are read before the ack; the one API call that checks the credential and
the repository or project is made after it, and the outcome is the reply."""

from __future__ import annotations

from bot.blocks.trackers import connected_text, connections_text
from bot.services import trackers
from handlers.commands.router import CommandCall
from handlers.programs import existing_program_here, program_here
from handlers.setup_modal import ensure_lead


def connect_command(call: CommandCall) -> None:
    if not call.text.strip():  # `/tpm connect`: what the program is connected to (reads only)
        call.ack()
        program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
        with call.deps.session() as session:
            rows = trackers.connections_of(session=session, program=program)
        call.respond(text=connections_text(program, rows), response_type="ephemeral", replace_original=False)
        return
    request = trackers.parse_connect(call.text)
    call.ack()
    program = program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                           channel_name=call.channel_name, user_id=call.user_id)
    ensure_lead(program, call.user_id)
    checked = trackers.check(call.deps.settings, request)
    with call.deps.session() as session:
        connected = trackers.connect(session=session, program=program, request=request, checked=checked,
                                     user_id=call.user_id, now=call.deps.clock.now())
    call.respond(text=connected_text(program, connected, call.user_id), response_type="in_channel",
                 replace_original=False)
