"""Trackers: a program's connection to a GitHub repository or a Jira project, the webhook deliveries
received (each once, by its delivery id), and the links between a record and what it stands for in a
tracker (the blocker a failing workflow opened)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class TrackerConnection(SQLModel, table=True):
    """One tracker per program and kind of tracker; a repository or project feeds one program."""

    __tablename__ = "tracker_connection"
    __table_args__ = (
        UniqueConstraint("program_id", "tracker", name="uq_tracker_connection_program"),
        UniqueConstraint("tracker", "target", name="uq_tracker_connection_target"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    tracker: str = Field(max_length=16)  # github | jira
    target: str = Field(max_length=200)  # "owner/repo" (lower case) | a Jira project key (upper case)
    display: str = Field(default="", max_length=200)  # as the tracker spells it ("Acme/Web")
    query: str = Field(default="", max_length=2000)  # Jira: the JQL that narrows the project
    default_branch: str = Field(default="", max_length=255)  # GitHub: as of connecting
    connected_by: str = Field(max_length=32)
    connected_at: datetime = _utc()


class TrackerDelivery(SQLModel, table=True):
    """A webhook delivery, written down before it is answered and processed once (``processed_at``)."""

    __tablename__ = "tracker_delivery"
    __table_args__ = (UniqueConstraint("tracker", "delivery_id", name="uq_tracker_delivery"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    tracker: str = Field(max_length=16)
    delivery_id: str = Field(max_length=100)  # X-GitHub-Delivery
    event: str = Field(max_length=64)  # X-GitHub-Event
    connection_id: int = Field(sa_column=Column(Integer, ForeignKey("tracker_connection.id", ondelete="CASCADE"),
                                                nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    received_at: datetime = _utc()
    processed_at: Optional[datetime] = _utc(nullable=True)


class TrackerLink(SQLModel, table=True):
    """A record standing for something in a tracker (``external_key``: `workflow:<repo>:<workflow id>`)."""

    __tablename__ = "tracker_link"
    __table_args__ = (UniqueConstraint("program_id", "external_key", name="uq_tracker_link"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(sa_column=Column(Integer, ForeignKey("program.id", ondelete="CASCADE"), nullable=False))
    external_key: str = Field(max_length=300)
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("raid_item.id", ondelete="CASCADE"), nullable=False))
    last_event_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # the run it last heard of (run id × 1000 + attempt)
