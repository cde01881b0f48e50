"""How far scheduled work has been looked at: the latest tick instant, only ever moved forward."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import TickMark

SCHEDULE = "schedule"


def last_tick(*, session: Session, name: str = SCHEDULE) -> datetime | None:
    mark = session.get(TickMark, name)
    return mark.at if mark is not None else None


def advance_tick(*, session: Session, at: datetime, name: str = SCHEDULE) -> None:
    """Move the mark to ``at`` unless it is already later (ticks may run out of order or at once).
    The usual case is one UPDATE; the first tick ever inserts the row."""
    moved = session.exec(update(TickMark).where(TickMark.name == name, TickMark.at < at).values(at=at))
    if moved.rowcount or session.get(TickMark, name) is not None:
        return
    try:
        with session.begin_nested():
            session.add(TickMark(name=name, at=at))
    except IntegrityError:  # another tick inserted it first: move it if ours is later
        session.exec(update(TickMark).where(TickMark.name == name, TickMark.at < at).values(at=at))
