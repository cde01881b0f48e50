"""`/tpm`: help, settings and set-up of the channel's program."""

from __future__ import annotations

from bot.blocks.help import build_help, help_fallback_text
from bot.blocks.programs import build_settings, settings_text
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import ensure_bound, program_here
from handlers.setup_modal import ensure_lead, open_setup_modal

router = CommandRouter("/tpm", "the program this channel is home to", "/tpm setup")


def _program(call: CommandCall):
    return program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                        channel_name=call.channel_name, user_id=call.user_id)


@router.sub("help", usage="/tpm help", summary="what tpmbot does and every command")
def tpm_help(call: CommandCall) -> None:
    from handlers.commands import help_sections

    sections = help_sections()
    call.ack(text=help_fallback_text(sections), blocks=build_help(sections))
    ensure_bound(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                 channel_name=call.channel_name, user_id=call.user_id)


@router.bare(usage="/tpm", summary="same as /tpm help")
def tpm_bare(call: CommandCall) -> None:
    tpm_help(call)


@router.sub("setup", usage="/tpm setup", summary="set up this channel's program: name, leads, escalations, timezone, days")
def tpm_setup(call: CommandCall) -> None:
    call.ack()
    program = _program(call)
    ensure_lead(program, call.user_id)
    open_setup_modal(call.client, call.trigger_id, program)


@router.sub("settings", usage="/tpm settings", summary="show this program's settings")
def tpm_settings(call: CommandCall) -> None:
    call.ack()
    program = _program(call)
    call.respond(text=settings_text(program), blocks=build_settings(program), response_type="ephemeral",
                 replace_original=False)
