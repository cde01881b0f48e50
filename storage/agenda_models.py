"""Meeting tables: recurring meetings, the agenda posted before each occurrence, and the minimal
action items and decisions recorded in an agenda's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _json, _utc


class Meeting(SQLModel, table=True):
    """A recurring meeting of a program: its agenda is posted ``lead_minutes`` before each occurrence."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_meeting_name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    name: str = Field(max_length=80)
    weekdays: list[int] = _json(lambda: [0])
    local_time: str = Field(default="10:00", max_length=5)
    timezone: Optional[str] = Field(default=None, max_length=64)  # None: the program's timezone
    lead_minutes: int = Field(default=60)
    channel_id: str = Field(max_length=32)
    enabled: bool = Field(default=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class Agenda(SQLModel, table=True):
    """One occurrence's agenda: where it was posted and what it listed (so the next one can carry over)."""

    __tablename__ = "agenda"
    __table_args__ = (UniqueConstraint("meeting_id", "occurs_at", name="uq_agenda_occurrence"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False))
    occurs_at: datetime = _utc()  # when the meeting starts
    channel: str = Field(max_length=32)
    ts: Optional[str] = Field(default=None, max_length=32, index=True)
    covered: dict = _json(dict)  # {"blockers": [ids], "risks": [ids], "actions": [ids]}
    created_at: datetime = _utc()


class ActionItem(SQLModel, table=True):
    """`A-n`: something someone will do by a date, recorded from a meeting (minimal for now)."""

    __tablename__ = "action_item"
    __table_args__ = (
        UniqueConstraint("program_id", "number", name="uq_action_key"),
        Index("ix_action_open", "program_id", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    number: int
    text: str = Field(max_length=500)
    owner_id: str = Field(max_length=32)
    due_at: Optional[datetime] = _utc(nullable=True)
    status: str = Field(default="open", max_length=16)  # open | done
    agenda_id: Optional[int] = Field(default=None, sa_column=Column(
        Integer, ForeignKey("agenda.id", ondelete="SET NULL"), nullable=True, index=True))
    source_channel: Optional[str] = Field(default=None, max_length=32)
    source_ts: Optional[str] = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = _utc()
    done_by: Optional[str] = Field(default=None, max_length=32)
    done_at: Optional[datetime] = _utc(nullable=True)

    @property
    def key(self) -> str:
        return f"A-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Decision(SQLModel, table=True):
    """`DEC-n`: what was decided, by whom, when, and where (minimal for now)."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("program_id", "number", name="uq_decision_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    number: int
    text: str = Field(max_length=1000)
    decided_by: str = Field(max_length=32)
    decided_at: datetime = _utc()
    agenda_id: Optional[int] = Field(default=None, sa_column=Column(
        Integer, ForeignKey("agenda.id", ondelete="SET NULL"), nullable=True, index=True))
    source_channel: Optional[str] = Field(default=None, max_length=32)
    source_ts: Optional[str] = Field(default=None, max_length=32)

    @property
    def key(self) -> str:
        return f"DEC-{self.number}"
