"""Meeting agendas: each occurrence's agenda is posted its meeting's lead time before the start (the
meeting's local time, DST-correct, skipping the program's holidays). The occurrence is claimed in the
ledger and the message queued under the agenda's key, so it is sent once; when `/agenda` already posted
it, the scheduled run edits that message with what is current instead."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.deps import Deps
from bot.services.agendas import (
    AGENDA_ITEM_KINDS, MEETING_KINDS, agenda_key, agenda_payload, posted_at, queue_agenda, read_ahead_dependencies,
    sprint_window,
)
from bot.services.meetings import occurrences
from scheduled.jobs import Due, hold
from storage.agenda_models import Meeting
from storage.agendas import read_ahead, scheduled_meetings
from storage.raid import read_ahead_open_items, read_ahead_sprint_items
from storage.models import Occurrence, Program
from storage.outbox import enqueue, read_ahead_keys

AGENDA_KIND = "agenda.post"


class AgendaPosts:
    kind = AGENDA_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        found = []
        for meeting, program in hold(session, scheduled_meetings(session=session)):
            if program.is_archived:
                continue
            lead = timedelta(minutes=meeting.lead_minutes)
            for starts in occurrences(meeting, program, start + lead, end + lead):
                found.append(Due(self.kind, str(meeting.id), starts - lead,
                                 {"meeting_id": meeting.id, "occurs_at": starts.isoformat()}))
        return found

    def prefetch(self, session: Session, deps: Deps, items: list[Due]) -> None:
        """Read what the agendas of ``items`` need, for all of them at once (see storage.read_ahead)."""
        meetings = [(session.get(Meeting, item.data["meeting_id"]), datetime.fromisoformat(item.data["occurs_at"]))
                    for item in items]
        meetings = [(meeting, occurs_at) for meeting, occurs_at in meetings if meeting is not None and meeting.enabled]
        agendas = read_ahead(session=session, occurrences=meetings, now=deps.clock.now(), kinds=MEETING_KINDS)
        read_ahead_keys(session=session, keys=[agenda_key(agenda) for agenda in agendas])
        read_ahead_open_items(session=session, program_ids=sorted({m.program_id for m, _ in meetings}),
                              kinds=AGENDA_ITEM_KINDS)
        read_ahead_dependencies(session=session, occurrences=meetings)
        windows = []  # planning and retro agendas: their sprint's records
        for meeting, occurs_at in meetings:
            program = session.get(Program, meeting.program_id)
            window = sprint_window(program, meeting, occurs_at) if program is not None else None
            if window is not None:
                windows.append((program.id, window[1], window[2]))
        read_ahead_sprint_items(session=session, windows=windows)

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        meeting = session.get(Meeting, due.data["meeting_id"])
        if meeting is None or not meeting.enabled:
            occurrence.detail = "meeting no longer scheduled"
            return
        program = session.get(Program, meeting.program_id)
        now = deps.clock.now()
        agenda, queued = queue_agenda(session=session, program=program, meeting=meeting,
                                      occurs_at=datetime.fromisoformat(due.data["occurs_at"]), now=now,
                                      occurrence_id=occurrence.id)
        if queued is not None:
            return
        where = posted_at(session=session, agenda=agenda)
        if where is None:
            occurrence.detail = "agenda already queued"
            return
        payload = agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=now)
        enqueue(session=session, key=f"{self.kind}:{occurrence.id}:update", team_id=program.team_id,
                method="chat.update", payload={"channel": where[0], "ts": where[1], "text": payload["text"],
                                               "blocks": payload["blocks"]},
                now=now, occurrence_id=occurrence.id, program_id=program.id)
        occurrence.detail = "agenda posted earlier by /agenda: refreshed in place"
