"""Agenda steps shared by `/agenda`, thread replies and the Done button: post an occurrence's agenda
(once, through the outbound queue) and keep its one message up to date by editing it."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.posts import edit_message
from bot.notifier import drain_outbox
from bot.services.agendas import agenda_key, agenda_payload, posted_at, queue_agenda
from bot.services.errors import UserError
from bot.services.meetings import next_occurrence
from storage.agenda_models import Agenda, Meeting
from storage.agendas import meeting_named, meetings_of
from storage.models import Program
from storage.outbox import by_key


def choose_meeting(deps: Deps, program: Program, name: str) -> tuple[Meeting, object]:
    """The named meeting (or, without a name, the one that comes next) and its next start."""
    now = deps.clock.now()
    with deps.session() as session:
        meetings = meetings_of(session=session, program_id=program.id)
        named = meeting_named(session=session, program_id=program.id, name=name) if name else None
    if not meetings:
        raise UserError(f"{program.name} has no meetings yet. Set one up first.", "/agenda setup")
    if name and (named is None or not named.enabled):
        known = ", ".join(f"“{m.name}”" for m in meetings)
        raise UserError(f"There is no meeting called “{name}” here. Meetings: {known}.", f"/agenda {meetings[0].name}")
    candidates = [named] if named else meetings
    upcoming = [(start, meeting) for meeting in candidates
                if (start := next_occurrence(meeting, program, now)) is not None]
    if not upcoming:
        raise UserError("No upcoming occurrence in the next two months (holidays or no days set).", "/agenda setup")
    start, meeting = min(upcoming, key=lambda pair: (pair[0], pair[1].name))
    return meeting, start


def post_agenda_now(client: WebClient, deps: Deps, program: Program, meeting: Meeting, occurs_at) -> Agenda:
    """The same message the schedule posts: queued and sent once, edited if it is already out."""
    now = deps.clock.now()
    with deps.session() as session:
        agenda, queued = queue_agenda(session=session, program=program, meeting=meeting, occurs_at=occurs_at, now=now,
                                      retry_failed=True)
        key = queued.idempotency_key if queued is not None else None
    if key is not None:
        drain_outbox(deps, client)
        with deps.session() as session:
            agenda = session.get(Agenda, agenda.id)
            posted_at(session=session, agenda=agenda)
            message = by_key(session=session, key=key)
        if message.status == "dead":
            raise UserError(f"Slack refused the agenda in <#{agenda.channel}> ({message.last_error}). If I'm not "
                            "in that channel, invite me with `/invite @tpmbot`, then run this again.", "/agenda")
    else:
        refresh_agenda(client, deps, agenda.id)
    return agenda


def refresh_agenda(client: WebClient, deps: Deps, agenda_id: int) -> None:
    """Edit the agenda's message in place with the record as it is now (nothing to do before it is out)."""
    with deps.session() as session:
        agenda = session.get(Agenda, agenda_id)
        where = posted_at(session=session, agenda=agenda) if agenda else None
        if where is None:
            return
        meeting = session.get(Meeting, agenda.meeting_id)
        program = session.get(Program, meeting.program_id)
        payload = agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda,
                                 now=deps.clock.now())
    edit_message(client, deps, of=agenda_key(agenda), team_id=program.team_id, program_id=program.id,
                 channel=where[0], ts=where[1], text=payload["text"], blocks=payload["blocks"])
