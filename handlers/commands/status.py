"""`/status`: post the program's status report now; `/status schedule` sets the weekly one."""

from __future__ import annotations

import re


from bot.notifier import drain_outbox
from bot.services.errors import UserError
from bot.services.program_settings import update_settings
from bot.services.status_report import SCHEDULE_EXAMPLE, parse_schedule, schedule_of
from handlers.commands.raid_flow import program_of, reply
from bot.channel_lookup import ensure_destination
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import existing_program_here
from handlers.setup_modal import ensure_lead
from scheduled.status_jobs import queue_report
from storage.models import Program

router = CommandRouter("/status", "the weekly program status report", "/status")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


@router.bare(usage="/status", summary="post the status report now: RAG, top risks, ageing blockers, KPIs")
def status_now(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    with call.deps.session() as session:
        key = queue_report(session, program, call.deps.clock.now(), channel=program.channel_id)
    drain_outbox(call.deps, call.client, keys=[key])


@router.sub("schedule", usage="/status schedule <day> <HH:MM> [#channel] | off",
            summary="when and where the weekly report is posted (the program's timezone)")
def status_schedule(call: CommandCall) -> None:
    match = CHANNEL.search(call.text)
    schedule = parse_schedule(CHANNEL.sub(" ", call.text).split(), match.group(1) if match else None)
    call.ack()
    program = program_of(call)
    ensure_lead(program, call.user_id)
    if schedule.channel:
        _ensure_may_post_there(call, program, schedule.channel)
    with call.deps.session() as session:
        update_settings(session=session, program=program, section="status_report", now=call.deps.clock.now(),
                        **schedule.__dict__)
    reply(call, f":white_check_mark: The weekly status report of {program.name}: {schedule.describe(program)}.")


@router.sub("when", usage="/status when", summary="when and where the weekly report is posted")
def status_when(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    reply(call, f"The weekly status report of {program.name}: {schedule_of(program).describe(program)}.")


def _ensure_may_post_there(call: CommandCall, program: Program, channel: str) -> None:
    """The destination rule (bot/services/destinations.py): the bot is in the channel, and a private
    program's report never goes to a public channel."""
    ensure_destination(call.client, program.channel_id, channel, "status", SCHEDULE_EXAMPLE)