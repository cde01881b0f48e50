"""Who a dependency (`D-n`) is asked of: the other side of the handshake, beside the record itself.

The record lives in the requesting program (raid_item); this row says who provides it — a person, or
a program (its leads answer) — so either side's lists find it with one indexed query."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel


class DependencyParty(SQLModel, table=True):
    __tablename__ = "dependency_party"
    __table_args__ = (
        Index("ix_dependency_provider_program", "provider_program_id"),
        Index("ix_dependency_provider_user", "team_id", "provider_user_id"),
    )

    item_id: int = Field(sa_column=Column(Integer, ForeignKey("raid_item.id", ondelete="CASCADE"), primary_key=True))
    team_id: str = Field(max_length=32)
    requester_program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"),
                                                       nullable=False))
    # Asked of a program (its home channel): its leads answer. Asked of a person: they do.
    provider_program_id: Optional[int] = Field(default=None, sa_column=Column(
        Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=True))
    provider_user_id: Optional[str] = Field(default=None, max_length=32)
