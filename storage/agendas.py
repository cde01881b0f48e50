"""Query functions for meetings and agendas, and for the records (action items, decisions) a meeting
recorded in its agenda's thread: records of the program whose ``details.agenda_id`` names the agenda.
JSON lookups differ between SQLite and PostgreSQL, so the link is filtered in Python, over the
program's records of those kinds created since the agenda was (nothing is recorded in an agenda's
thread before the agenda exists): one query, bounded by the time since the meeting, not by history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.agenda_models import Agenda, Meeting
from storage.models import Program
from storage.raid_models import Item
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
_RECORDS_SINCE = (select(Item).where(Item.program_id == bindparam("program_id"),
                                     Item.kind.in_(bindparam("kinds", expanding=True)),
                                     Item.created_at >= bindparam("since"))
                  .order_by(Item.number, Item.id))


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


def _linked(items, agenda_ids) -> dict[int, list[Item]]:
    found: dict[int, list[Item]] = {agenda_id: [] for agenda_id in agenda_ids}
    for item in items:
        agenda_id = (item.details or {}).get("agenda_id")
        if agenda_id in found:
            found[agenda_id].append(item)
    return found


def records_of(*, session: Session, program_id: int, agendas: list[Agenda], kinds: tuple[str, ...]) -> dict[int, list[Item]]:
    """The program's records of ``kinds`` recorded in each agenda's thread, by agenda id, each list by number
    (one query for all of them, none for what was read ahead)."""
    found: dict[int, list[Item]] = {}
    missing = []
    for agenda in agendas:
        read = take(session, "agenda.records", (agenda.id, kinds))
        if read is MISSING:
            missing.append(agenda)
        else:
            found[agenda.id] = read
    if missing:
        rows = session.exec(_RECORDS_SINCE, params={"program_id": program_id, "kinds": list(kinds),
                                                    "since": min(a.created_at for a in missing)})
        found.update(_linked(rows, [a.id for a in missing]))
    return found


# The same, for the occurrences of a batch of meetings (`read_ahead`), each ordered as above per program,
# meeting or agenda.
_OCCURRENCE_AGENDAS = select(Agenda).where(Agenda.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
                                           Agenda.occurs_at == bindparam("occurs_at"))
_latest = aliased(Agenda)
_PREVIOUS_AGENDAS = select(Agenda).where(
    Agenda.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
    Agenda.occurs_at == select(func.max(_latest.occurs_at)).where(
        _latest.meeting_id == Agenda.meeting_id, _latest.occurs_at < bindparam("occurs_at")).scalar_subquery())
# Each program's records since the earliest of the given agendas of its meetings: one statement for all,
# the bound computed once per program (a derived table), not per record.
_first_agenda = (select(Meeting.program_id.label("program_id"), func.min(Agenda.created_at).label("since"))
                 .select_from(Agenda).join(Meeting, Meeting.id == Agenda.meeting_id)
                 .where(Agenda.id.in_(bindparam("agenda_ids", expanding=True)))
                 .group_by(Meeting.program_id).subquery())
_RECORDS_SINCE_OF = (select(Item).join(_first_agenda, (_first_agenda.c.program_id == Item.program_id)
                                       & (Item.created_at >= _first_agenda.c.since))
                     .where(Item.kind.in_(bindparam("kinds", expanding=True)))
                     .order_by(Item.number, Item.id))


def read_ahead(*, session: Session, occurrences: list[tuple[Meeting, datetime]], now: datetime,
               kinds: tuple[str, ...]) -> list[Agenda]:
    """For each (meeting, occurs_at): read its agenda (created if missing), the agenda before it, and the
    records of ``kinds`` recorded in both (`records_of`), with a few statements in all (two more per
    distinct occurs_at), and leave them for `agenda_of_occurrence`, `previous_agenda` and `records_of`
    (storage.read_ahead). Only in a batch (`in_batch`): an agenda another process created meanwhile fails
    it. Returns the agendas, in the order of ``occurrences``."""
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
    # The records of each previous agenda, and of each occurrence's agenda that existed already (one that
    # is new has none: nothing can have been recorded in a thread not posted yet).
    linked = {agenda.id: agenda for agenda in previous.values()}
    linked.update({agenda.id: agenda for key, agenda in found.items() if key not in created})
    rows = session.exec(_RECORDS_SINCE_OF, params={"kinds": list(kinds), "agenda_ids": sorted(linked)}) \
        if linked else []
    for agenda_id, items in _linked(rows, list(linked)).items():
        stash(session, "agenda.records", (agenda_id, kinds), items)
    return [found[(meeting.id, occurs_at)] for meeting, occurs_at in occurrences]
