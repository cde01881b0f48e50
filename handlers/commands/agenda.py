"""`/agenda`: post the next meeting's agenda now, by name, list the meetings, set one up."""

from __future__ import annotations

from bot.services.errors import UserError
from bot.services.meetings import describe_schedule, describe_start, meeting_zone, next_occurrence
from handlers.agenda_flow import choose_meeting, post_agenda_now
from handlers.commands.raid_flow import program_of, reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import existing_program_here
from handlers.views.agenda_setup import open_meeting_setup
from storage.agendas import meeting_named, meetings_of

router = CommandRouter("/agenda", "meeting agendas", "/agenda Weekly sync")


@router.bare(usage="/agenda", summary="post the agenda of the program's next meeting now")
def agenda_next(call: CommandCall) -> None:
    call.ack()
    _post(call, "")


@router.free_text(usage="/agenda <meeting name>", summary="post that meeting's next agenda now")
def agenda_named(call: CommandCall) -> None:
    call.ack()
    _post(call, call.text)


def _post(call: CommandCall, name: str) -> None:
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    meeting, start = choose_meeting(call.deps, program, name)
    post_agenda_now(call.client, call.deps, program, meeting, start)
    when = describe_start(start, meeting_zone(meeting, program))
    reply(call, f":white_check_mark: The agenda for *{meeting.name}* ({when}) is up to date in <#{meeting.channel_id}>.")


@router.sub("setup", usage="/agenda setup [meeting name]",
            summary="set up a recurring meeting (name, days, time, lead time, channel); with a name: edit it")
def agenda_setup(call: CommandCall) -> None:
    call.ack()
    program = program_of(call)
    meeting = None
    if call.text:
        with call.deps.session() as session:
            meeting = meeting_named(session=session, program_id=program.id, name=call.text)
        if meeting is None:
            raise UserError(f"There is no meeting called “{call.text}” to edit. Create it with `/agenda setup`.",
                            "/agenda setup Weekly sync")
    open_meeting_setup(call.client, call.trigger_id, program, call.user_id, meeting)


@router.sub("list", usage="/agenda list", summary="this program's meetings and when each agenda goes out next")
def agenda_list(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    with call.deps.session() as session:
        meetings = meetings_of(session=session, program_id=program.id)
    if not meetings:
        reply(call, f"{program.name} has no meetings yet. Set one up with `/agenda setup`.")
        return
    lines = [f"*Meetings of {program.name}*"]
    for meeting in meetings:
        start = next_occurrence(meeting, program, call.deps.clock.now())
        upcoming = f" · next {describe_start(start, meeting_zone(meeting, program))}" if start else ""
        lines.append(f"• *{meeting.name}*: {describe_schedule(meeting, program)}{upcoming}")
    reply(call, "\n".join(lines)[:3000])
