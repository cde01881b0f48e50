"""Query functions for charters: the newest version of one program or of many, a program's versions,
and saving the next version."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.charter_models import Charter
from storage.models import Program
from storage.read_ahead import MISSING, stash, take


def latest(*, session: Session, program_id: int) -> Charter | None:
    read = take(session, "charter.latest", program_id)
    if read is not MISSING:
        return read
    return session.exec(select(Charter).where(Charter.program_id == program_id)
                        .order_by(Charter.version.desc()).limit(1)).first()


def latest_of(*, session: Session, program_ids: list[int]) -> dict[int, Charter]:
    """The newest version of each program's charter that has one (one query)."""
    if not program_ids:
        return {}
    newest = (select(Charter.program_id, func.max(Charter.version).label("version"))
              .where(Charter.program_id.in_(program_ids)).group_by(Charter.program_id).subquery())
    rows = session.exec(select(Charter).join(newest, (Charter.program_id == newest.c.program_id)
                                             & (Charter.version == newest.c.version)))
    return {row.program_id: row for row in rows}


def read_ahead(*, session: Session, program_ids: list[int]) -> None:
    """Stash each program's charter (or None) for ``latest`` (a tick's batch of status reports)."""
    found = latest_of(session=session, program_ids=program_ids)
    for program_id in program_ids:
        stash(session, "charter.latest", program_id, found.get(program_id))


def versions(*, session: Session, program_id: int, limit: int = 200) -> list[Charter]:
    """The program's charter versions, newest first."""
    return list(session.exec(select(Charter).where(Charter.program_id == program_id)
                             .order_by(Charter.version.desc()).limit(limit)))


def by_inbox(*, session: Session, inbox_id: str) -> Charter | None:
    return session.exec(select(Charter).where(Charter.inbox_id == inbox_id)).first()


def lock_program(*, session: Session, program_id: int) -> None:
    """Serialise charter saves of one program on its row until the transaction ends (`FOR UPDATE` on
    PostgreSQL; SQLite's single writer does it there)."""
    session.exec(select(Program.id).where(Program.id == program_id).with_for_update()).first()


def add_version(*, session: Session, charter: Charter) -> Charter:
    """Store ``charter`` as the program's next version (the caller holds `lock_program`)."""
    current = session.exec(select(func.max(Charter.version)).where(Charter.program_id == charter.program_id)).one()
    charter.version = (current or 0) + 1
    session.add(charter)
    session.flush()
    return charter
