"""Escalations: one row per item that ever crossed a rule. It is live while open, acknowledged or
snoozed; a new crossing after it ended starts a new round on the same row (``round`` counts them)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.models import _json, _utc

LIVE = ("open", "acknowledged", "snoozed")


class Escalation(SQLModel, table=True):
    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_live", "program_id", "status"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("raid_item.id", ondelete="CASCADE"), nullable=False,
                                          unique=True))
    rule: str = Field(max_length=32)  # critical_blocker | blocker_past_sla | risk_score | risk_review_overdue
    reason: str = Field(default="", max_length=300)
    status: str = Field(default="open", max_length=16)  # open | acknowledged | snoozed | resolved | cleared
    level: int = Field(default=0)  # 0 detected, 1 owner told, 2 leads told, 3 escalation channel
    round: int = Field(default=1)
    revision: int = Field(default=0)  # bumps on every change, so each card edit is queued once
    opened_at: datetime = _utc()
    level_at: datetime = _utc()  # when the current rung was reached (the ladder's clock)
    posts: list[str] = _json(list)  # outbound-queue keys of the cards posted for this round
    acknowledged_by: Optional[str] = Field(default=None, max_length=32)
    acknowledged_at: Optional[datetime] = _utc(nullable=True)
    snoozed_by: Optional[str] = Field(default=None, max_length=32)
    snoozed_until: Optional[datetime] = _utc(nullable=True)
    ended_by: Optional[str] = Field(default=None, max_length=32)
    ended_at: Optional[datetime] = _utc(nullable=True)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE
