"""The record tables: every kind of record (blockers, risks, action items, decisions, …) shares one
table, keyed per program (B-7, R-3, A-2, DEC-4), with its history beside it."""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _json, _utc


class ItemCounter(SQLModel, table=True):
    """The last number handed out per program and kind: keys are never reused."""

    __tablename__ = "item_counter"

    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), primary_key=True))
    kind: str = Field(sa_column=Column(String(16), primary_key=True))
    last_number: int = Field(default=0)


class Item(SQLModel, table=True):
    """A record of any kind. Columns serve the kinds that have the field; `details` holds what only one
    kind has (a decision's rationale and deciders)."""

    __tablename__ = "raid_item"
    __table_args__ = (
        UniqueConstraint("program_id", "kind", "number", name="uq_item_key"),
        UniqueConstraint("inbox_id", name="uq_raid_item_inbox_id"),
        Index("ix_item_open", "program_id", "kind", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=16)  # a KindSpec's name: blocker | risk | action | decision | …
    number: int
    key: str = Field(default="", max_length=24)  # "B-7": the kind's prefix and the number, as shown
    title: str = Field(max_length=500)
    owner_id: str = Field(max_length=32)
    reporter_id: str = Field(max_length=32)
    status: str = Field(default="open", max_length=16)  # "open", or one of the kind's closed statuses
    severity: Optional[str] = Field(default=None, max_length=16)  # blockers
    probability: Optional[int] = Field(default=None)  # risks, 1-5
    impact: Optional[int] = Field(default=None)  # risks, 1-5
    mitigation: str = Field(default="", max_length=2000)
    due_at: Optional[datetime] = _utc(nullable=True)  # blockers
    review_at: Optional[datetime] = _utc(nullable=True)  # risks
    source_link: str = Field(default="", max_length=500)
    message_channel: Optional[str] = Field(default=None, max_length=32)
    message_ts: Optional[str] = Field(default=None, max_length=32)
    close_note: str = Field(default="", max_length=1000)
    closed_by: Optional[str] = Field(default=None, max_length=32)
    details: dict = _json(dict)
    version: int = Field(default=0)  # bumped by every change: the canonical message's edits follow it
    # The inbound request that created it (bot/inbox): a re-processed request finds its record again.
    inbox_id: Optional[str] = Field(default=None, max_length=80)
    snoozed_until: Optional[datetime] = _utc(nullable=True)  # no escalation opens (or climbs) until then
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    closed_at: Optional[datetime] = _utc(nullable=True)

    @property
    def score(self) -> int | None:
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class ItemEvent(SQLModel, table=True):
    """History of an item: who changed what, when."""

    __tablename__ = "raid_item_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("raid_item.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=32)  # created | resolved | reopened | assigned | updated | closed
    changes: dict = _json(dict)
    at: datetime = _utc()


class ItemRow(namedtuple("ItemColumns", [column.key for column in Item.__table__.columns])):
    """A record read only to be shown (a tick's batch of reports and agendas): its columns as a plain,
    immutable tuple, without the ORM's per-object state, which costs more than the query for thousands
    of rows. It answers what `Item` answers (`score`, `is_open`). Make one with `ItemRow._make(row)`."""

    __slots__ = ()
    score = Item.__dict__["score"]
    is_open = Item.__dict__["is_open"]


ITEM_COLUMNS = tuple(Item.__table__.columns[name] for name in ItemRow._fields)  # the order ItemRow reads
