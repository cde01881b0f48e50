"""Exactly-once ledgers: Slack event ids already handled, and claimed scheduled occurrences."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Occurrence, ProcessedEvent
from storage.rows import insert_values


def first_delivery(*, session: Session, event_id: str, now: datetime) -> bool:
    """Record ``event_id``; True the first time it is seen, False for a retry of the same event."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, received_at=now))
        return True
    except IntegrityError:
        return False


def forget_events_before(*, session: Session, cutoff: datetime) -> int:
    result = session.exec(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
    return result.rowcount or 0


def claim_occurrence(
    *, session: Session, kind: str, scope: str, due_at: datetime, now: datetime, status: str = "claimed",
    savepoint: bool = True, detail: str = "",
) -> Occurrence | None:
    """Claim one occurrence of scheduled work. None when another run (or process) already has it.

    Inside a savepoint the caller owns (``savepoint=False``), a taken key raises IntegrityError instead,
    and the caller's savepoint rolls back: one savepoint per occurrence, not two. That row is written
    by one INSERT … RETURNING id, not through the session's unit of work (a flush per occurrence is
    most of a claim's cost), so the occurrence returned is not in the session: a later change to its
    ``detail`` is saved with `record_detail`."""
    occurrence = Occurrence(kind=kind, scope=scope, due_at=due_at, claimed_at=now, status=status, detail=detail)
    if not savepoint:
        occurrence.id = session.execute(_CLAIM, insert_values(occurrence)).scalar_one()
        return occurrence
    try:
        with session.begin_nested():
            session.add(occurrence)
        return occurrence
    except IntegrityError:
        return None


_TABLE = Occurrence.__table__
_CLAIM = insert(_TABLE).returning(_TABLE.c.id)


# Matched back by key, not by order: a RETURNING in parameter order would have SQLite insert row by row.
_CLAIM_MANY = insert(_TABLE).returning(_TABLE.c.id, _TABLE.c.kind, _TABLE.c.scope, _TABLE.c.due_at)


def claim_occurrences(*, session: Session, now: datetime,
                      claims: list[tuple[str, str, datetime, str, str]]) -> list[Occurrence]:
    """Claim many occurrences, each (kind, scope, due_at, status, detail), with one INSERT … RETURNING id
    (a page of rows at a time), each written with its outcome as `claim_occurrence` with ``savepoint=False``
    writes one. A taken key raises IntegrityError for all of them: the caller's savepoint rolls back."""
    occurrences = [Occurrence(kind=kind, scope=scope, due_at=due_at, claimed_at=now, status=status, detail=detail)
                   for kind, scope, due_at, status, detail in claims]
    if not occurrences:
        return []
    rows = [insert_values(occurrence) for occurrence in occurrences]
    ids = {(kind, scope, due_at): occurrence_id
           for occurrence_id, kind, scope, due_at in session.execute(_CLAIM_MANY, rows)}
    for occurrence in occurrences:
        occurrence.id = ids[(occurrence.kind, occurrence.scope, occurrence.due_at)]
    return occurrences


def record_detail(*, session: Session, occurrence: Occurrence) -> None:
    """Save the detail a job left on an occurrence claimed with ``savepoint=False`` (one UPDATE, only if any)."""
    if occurrence.detail:
        session.execute(update(_TABLE).where(_TABLE.c.id == occurrence.id).values(detail=occurrence.detail))


def claimed_keys(*, session: Session, kind: str, start: datetime, end: datetime) -> set[tuple[str, datetime]]:
    """(scope, due_at) of the occurrences of ``kind`` already claimed in (start, end]: one query per job and
    tick, so a repeated tick skips them without trying (and failing) to insert each."""
    rows = session.exec(select(Occurrence.scope, Occurrence.due_at).where(
        Occurrence.kind == kind, Occurrence.due_at > start, Occurrence.due_at <= end))
    return {(scope, due_at) for scope, due_at in rows}


def occurrences(*, session: Session, kind: str | None = None, since: datetime | None = None) -> list[Occurrence]:
    query = select(Occurrence)
    if kind is not None:
        query = query.where(Occurrence.kind == kind)
    if since is not None:
        query = query.where(Occurrence.due_at >= since)
    return list(session.exec(query.order_by(Occurrence.due_at, Occurrence.id)))


EVENT_MEMORY = timedelta(days=2)
