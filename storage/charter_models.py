"""The program charter, kept as versions: every save adds a row, the newest version is the charter."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _utc

SECTION_MAX = 2000  # each section, as typed (plain text; escaped on the way out)


class Charter(SQLModel, table=True):
    """One version of a program's charter: its five sections as typed, who saved it and when."""

    __tablename__ = "charter"
    __table_args__ = (
        UniqueConstraint("program_id", "version", name="uq_charter_version"),
        UniqueConstraint("inbox_id", name="uq_charter_inbox_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    version: int  # 1, 2, …: the highest is the program's charter
    scope: str = Field(default="", max_length=SECTION_MAX)
    goals: str = Field(default="", max_length=SECTION_MAX)
    deliverables: str = Field(default="", max_length=SECTION_MAX)
    out_of_scope: str = Field(default="", max_length=SECTION_MAX)
    success_measures: str = Field(default="", max_length=SECTION_MAX)
    author_id: str = Field(max_length=32)
    at: datetime = _utc()
    # The inbound request (bot/inbox) that saved it: a request handled again after a crash saves once.
    inbox_id: Optional[str] = Field(default=None, max_length=80)
