"""Stand-up tables: per-program settings, one run per day with its snapshot, answers with history."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.models import _json, _utc

DEFAULT_QUESTIONS = ["What did you do yesterday?", "What will you do today?", "Anything blocking you?"]


class StandupConfig(SQLModel, table=True):
    __tablename__ = "standup_config"

    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), primary_key=True))
    enabled: bool = Field(default=True)
    local_time: str = Field(default="09:30", max_length=5)  # each participant's own wall clock
    days: list[int] = _json(lambda: [0, 1, 2, 3, 4])
    questions: list[str] = _json(lambda: list(DEFAULT_QUESTIONS))
    participants: list[str] = _json(list)
    mode: str = Field(default="dm", max_length=8)  # dm | thread
    reminder_minutes: int = Field(default=60)
    cutoff: str = Field(default="11:30", max_length=5)  # the program's wall clock
    digest_channel_id: str = Field(default="", max_length=32)
    updated_at: datetime = _utc()


class StandupRun(SQLModel, table=True):
    """One program day: the questions and roster as they were, and the digest's one message."""

    __tablename__ = "standup_run"
    __table_args__ = (UniqueConstraint("program_id", "day", name="uq_standup_run_day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    day: str = Field(max_length=10)  # YYYY-MM-DD in the program's timezone
    questions: list[str] = _json(list)
    roster: list[str] = _json(list)
    cutoff_at: Optional[datetime] = _utc(nullable=True)
    digest_channel: Optional[str] = Field(default=None, max_length=32)
    digest_ts: Optional[str] = Field(default=None, max_length=32)
    prompt_channel: Optional[str] = Field(default=None, max_length=32)  # thread mode: the prompt message
    prompt_ts: Optional[str] = Field(default=None, max_length=32)
    created_at: datetime = _utc()


class StandupAnswer(SQLModel, table=True):
    """An answer (or a skip). Re-answering the same day supersedes the earlier row, which is kept. At most
    one row per (run, person) is current: a partial UNIQUE index says so to the database itself."""

    __tablename__ = "standup_answer"
    __table_args__ = (Index("ix_answer_run_user", "run_id", "user_id", "superseded"),
                      Index("uq_answer_current", "run_id", "user_id", unique=True,
                            sqlite_where=text("NOT superseded"), postgresql_where=text("NOT superseded")))

    id: Optional[int] = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("standup_run.id", ondelete="CASCADE"), nullable=False))
    user_id: str = Field(max_length=32)
    yesterday: str = Field(default="", max_length=3000)
    today: str = Field(default="", max_length=3000)
    blockers: str = Field(default="", max_length=3000)
    skipped: bool = Field(default=False)
    skip_reason: str = Field(default="", max_length=500)
    late: bool = Field(default=False)
    source: str = Field(default="command", max_length=16)  # command | modal | dm | thread
    superseded: bool = Field(default=False)
    answered_at: datetime = _utc()


class OutOfOffice(SQLModel, table=True):
    """A stretch of days someone is out of office, inclusive, as dates in their own zone: `/standup ooo`
    adds one, `/standup back` ends it early. Kept afterwards, so a past week is judged by who was out then
    (`Member.ooo_until` is only the current one, for prompts)."""

    __tablename__ = "out_of_office"
    __table_args__ = (Index("ix_ooo_member", "team_id", "user_id", "last_day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    first_day: str = Field(max_length=10)  # YYYY-MM-DD in the member's zone
    last_day: str = Field(max_length=10)  # YYYY-MM-DD, inclusive
    until: datetime = _utc()  # the instant they said they are back
    created_at: datetime = _utc()
