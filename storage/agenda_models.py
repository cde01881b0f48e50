"""Meeting tables: recurring meetings and the agenda posted before each occurrence. What a meeting
records in its agenda's thread (action items, decisions) are records (storage/raid_models.py `Item`)
that name the agenda in ``details.agenda_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
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
    covered: dict = _json(dict)  # {"blockers": [ids], "risks": [ids], "actions": [ids]}: record ids
    created_at: datetime = _utc()
