"""Query functions for meetings, agendas, action items and decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.agenda_models import ActionItem, Agenda, Decision, Meeting
from storage.models import Program
from storage.read_ahead import MISSING, in_batch, stash, take


def meetings_of(*, session: Session, program_id: int) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.program_id == program_id, Meeting.enabled == True)  # noqa: E712
                             .order_by(Meeting.name)))


def meeting_named(*, session: Session, program_id: int, name: str) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.program_id == program_id,
                                              func.lower(Meeting.name) == name.strip().lower())).first()


def scheduled_meetings(*, session: Session) -> list[tuple[Meeting, Program]]:
    return list(session.exec(select(Meeting, Program).join(Program, Program.id == Meeting.program_id)
                             .where(Meeting.enabled == True)))  # noqa: E712


# The queries an agenda is composed with, built once with bound parameters: building a select (and its
# cache key) on every call costs about as much as running it, and a busy tick composes many agendas.
_OCCURRENCE_AGENDA = select(Agenda).where(Agenda.meeting_id == bindparam("meeting_id"),
                                          Agenda.occurs_at == bindparam("occurs_at"))
_PREVIOUS_AGENDA = (select(Agenda).where(Agenda.meeting_id == bindparam("meeting_id"),
                                         Agenda.occurs_at < bindparam("occurs_at"))
                    .order_by(Agenda.occurs_at.desc()).limit(1))
_OPEN_ACTIONS = (select(ActionItem).where(ActionItem.program_id == bindparam("program_id"), ActionItem.status == "open")
                 .order_by(ActionItem.created_at, ActionItem.number))
_AGENDA_ACTIONS = select(ActionItem).where(ActionItem.agenda_id == bindparam("agenda_id")).order_by(ActionItem.number)
_AGENDA_DECISIONS = select(Decision).where(Decision.agenda_id == bindparam("agenda_id")).order_by(Decision.number)


def ensure_agenda(*, session: Session, meeting: Meeting, occurs_at: datetime, now: datetime) -> Agenda:
    """The agenda row of one occurrence, created once however many callers race for it."""
    return agenda_of_occurrence(session=session, meeting=meeting, occurs_at=occurs_at, now=now)[0]


def agenda_of_occurrence(*, session: Session, meeting: Meeting, occurs_at: datetime,
                         now: datetime) -> tuple[Agenda, bool]:
    """`ensure_agenda`, and whether this call created the row."""
    params = {"meeting_id": meeting.id, "occurs_at": occurs_at}
    read = take(session, "agenda.of_occurrence", (meeting.id, occurs_at))
    if read is not MISSING:
        return read
    agenda = session.exec(_OCCURRENCE_AGENDA, params=params).first()
    if agenda is not None:
        return agenda, False
    if in_batch(session):  # no savepoint: if another process has it, the batch fails and runs one by one
        agenda = Agenda(meeting_id=meeting.id, occurs_at=occurs_at, channel=meeting.channel_id, created_at=now)
        session.add(agenda)
        session.flush()
        return agenda, True
    try:
        with session.begin_nested():
            agenda = Agenda(meeting_id=meeting.id, occurs_at=occurs_at, channel=meeting.channel_id, created_at=now)
            session.add(agenda)
        return agenda, True
    except IntegrityError:
        return session.exec(_OCCURRENCE_AGENDA, params=params).one(), False


def previous_agenda(*, session: Session, agenda: Agenda) -> Agenda | None:
    read = take(session, "agenda.previous", (agenda.meeting_id, agenda.occurs_at))
    if read is not MISSING:
        return read
    return session.exec(_PREVIOUS_AGENDA, params={"meeting_id": agenda.meeting_id,
                                                  "occurs_at": agenda.occurs_at}).first()


def agenda_at(*, session: Session, channel: str, ts: str) -> Agenda | None:
    return session.exec(select(Agenda).where(Agenda.ts == ts, Agenda.channel == channel)).first()


def open_actions(*, session: Session, program_id: int) -> list[ActionItem]:
    read = take(session, "agenda.open_actions", program_id)
    if read is not MISSING:
        return read
    return list(session.exec(_OPEN_ACTIONS, params={"program_id": program_id}))


def actions_of(*, session: Session, agenda_id: int) -> list[ActionItem]:
    read = take(session, "agenda.actions", agenda_id)
    if read is not MISSING:
        return read
    return list(session.exec(_AGENDA_ACTIONS, params={"agenda_id": agenda_id}))


# The same, for the occurrences of a batch of meetings (`read_ahead`), each ordered as above per program,
# meeting or agenda.
_OCCURRENCE_AGENDAS = select(Agenda).where(Agenda.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
                                           Agenda.occurs_at == bindparam("occurs_at"))
_latest = aliased(Agenda)
_PREVIOUS_AGENDAS = select(Agenda).where(
    Agenda.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
    Agenda.occurs_at == select(func.max(_latest.occurs_at)).where(
        _latest.meeting_id == Agenda.meeting_id, _latest.occurs_at < bindparam("occurs_at")).scalar_subquery())
_OPEN_ACTIONS_OF = (select(ActionItem).where(ActionItem.program_id.in_(bindparam("program_ids", expanding=True)),
                                             ActionItem.status == "open")
                    .order_by(ActionItem.created_at, ActionItem.number))
_ACTIONS_OF = (select(ActionItem).where(ActionItem.agenda_id.in_(bindparam("agenda_ids", expanding=True)))
               .order_by(ActionItem.number))


def read_ahead(*, session: Session, occurrences: list[tuple[Meeting, datetime]], now: datetime) -> list[Agenda]:
    """For each (meeting, occurs_at): read its agenda (created if missing), the agenda before it with that
    one's actions, and its program's open actions, with a few statements in all (two more per distinct
    occurs_at), and leave them for `agenda_of_occurrence`, `previous_agenda`, `actions_of` and
    `open_actions` (storage.read_ahead). Only in a batch (`in_batch`): an agenda another process created
    meanwhile fails it. Returns the agendas, in the order of ``occurrences``."""
    if not occurrences:
        return []
    at: dict[datetime, list[int]] = {}
    for meeting, occurs_at in occurrences:
        at.setdefault(occurs_at, []).append(meeting.id)
    found: dict[tuple[int, datetime], Agenda] = {}
    previous: dict[tuple[int, datetime], Agenda] = {}
    for occurs_at, meeting_ids in at.items():
        params = {"meeting_ids": sorted(set(meeting_ids)), "occurs_at": occurs_at}
        for agenda in session.exec(_OCCURRENCE_AGENDAS, params=params):
            found[(agenda.meeting_id, occurs_at)] = agenda
        for agenda in session.exec(_PREVIOUS_AGENDAS, params=params):
            previous[(agenda.meeting_id, occurs_at)] = agenda
    created = set()
    for meeting, occurs_at in occurrences:  # in the order the occurrences would create them, one by one
        if (meeting.id, occurs_at) not in found:
            agenda = Agenda(meeting_id=meeting.id, occurs_at=occurs_at, channel=meeting.channel_id, created_at=now)
            found[(meeting.id, occurs_at)] = agenda
            created.add((meeting.id, occurs_at))
            session.add(agenda)
    session.flush()  # one INSERT for all of them
    for key, agenda in found.items():
        stash(session, "agenda.of_occurrence", key, (agenda, key in created))
    # A meeting's later occurrence in the batch (catch-up) follows the earlier one, composed in this batch:
    # its previous agenda is looked up when it runs, as before, not read ahead.
    earliest: dict[int, datetime] = {}
    for meeting, occurs_at in occurrences:
        earliest[meeting.id] = min(occurs_at, earliest.get(meeting.id, occurs_at))
    previous = {key: agenda for key, agenda in previous.items() if earliest[key[0]] == key[1]}
    for meeting, occurs_at in occurrences:
        if earliest[meeting.id] == occurs_at:
            stash(session, "agenda.previous", (meeting.id, occurs_at), previous.get((meeting.id, occurs_at)))
    actions: dict[int, list[ActionItem]] = {agenda.id: [] for agenda in previous.values()}
    for action in session.exec(_ACTIONS_OF, params={"agenda_ids": sorted(actions) or [0]}):
        actions[action.agenda_id].append(action)
    for agenda_id, rows in actions.items():
        stash(session, "agenda.actions", agenda_id, rows)
    program_ids = sorted({meeting.program_id for meeting, _ in occurrences})
    open_of: dict[int, list[ActionItem]] = {program_id: [] for program_id in program_ids}
    for action in session.exec(_OPEN_ACTIONS_OF, params={"program_ids": program_ids}):
        open_of[action.program_id].append(action)
    for program_id, rows in open_of.items():
        stash(session, "agenda.open_actions", program_id, rows)
    return [found[(meeting.id, occurs_at)] for meeting, occurs_at in occurrences]


def decisions_of(*, session: Session, agenda_id: int) -> list[Decision]:
    return list(session.exec(_AGENDA_DECISIONS, params={"agenda_id": agenda_id}))
