"""Query functions for workspaces, programs and members (keyword-only session, plain values in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Member, Program, Workspace


def ensure_workspace(*, session: Session, team_id: str, now: datetime, name: str = "") -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        try:
            with session.begin_nested():
                workspace = Workspace(team_id=team_id, name=name, created_at=now)
                session.add(workspace)
        except IntegrityError:
            workspace = session.get(Workspace, team_id)
    return workspace


def program_for_channel(*, session: Session, team_id: str, channel_id: str) -> Program | None:
    return session.exec(
        select(Program).where(Program.team_id == team_id, Program.channel_id == channel_id)
    ).first()


def add_program(*, session: Session, program: Program) -> tuple[Program, bool]:
    """Insert ``program`` unless its channel already has one; return (the channel's program, created)."""
    try:
        with session.begin_nested():
            session.add(program)
        return program, True
    except IntegrityError:
        existing = program_for_channel(session=session, team_id=program.team_id, channel_id=program.channel_id)
        assert existing is not None
        return existing, False


def not_archived() -> ColumnElement[bool]:
    """The clause every scheduled job's query of programs carries: an archived program runs no schedule."""
    return Program.archived_at.is_(None)


def active_programs(*, session: Session) -> list[Program]:
    """Every program whose schedules run (not archived), in id order."""
    return list(session.exec(select(Program).where(not_archived()).order_by(Program.id)))


def set_archived(*, session: Session, program_id: int, archived_at: datetime | None, now: datetime) -> Program:
    """Archive the program (``archived_at`` an instant) or resume it (None); returns the stored row."""
    program = session.get(Program, program_id)
    program.archived_at = archived_at
    program.updated_at = now
    session.add(program)
    return program


def programs_by_id(*, session: Session, program_ids: list[int]) -> dict[int, Program]:
    """These programs, by id: one query for any number (none if all are in the session already)."""
    return {p.id: p for p in session.exec(select(Program).where(Program.id.in_(sorted(set(program_ids)) or [0])))}


def programs_in(*, session: Session, team_id: str) -> list[Program]:
    return list(session.exec(select(Program).where(Program.team_id == team_id).order_by(Program.id)))


def get_member(*, session: Session, team_id: str, user_id: str) -> Member | None:
    return session.exec(select(Member).where(Member.team_id == team_id, Member.user_id == user_id)).first()


def upsert_member(
    *, session: Session, team_id: str, user_id: str, timezone: str, display_name: str, now: datetime,
    is_deleted: bool = False,
) -> Member:
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    if member is None:
        member = Member(team_id=team_id, user_id=user_id, timezone=timezone, display_name=display_name,
                        tz_refreshed_at=now, is_deleted=is_deleted)
        try:
            with session.begin_nested():
                session.add(member)
            return member
        except IntegrityError:
            member = get_member(session=session, team_id=team_id, user_id=user_id)
    member.timezone = timezone
    member.display_name = display_name
    member.tz_refreshed_at = now
    member.is_deleted = is_deleted
    session.add(member)
    return member
