"""SQLModel tables. Alembic (storage/migrations) owns the schema; these classes describe it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import JSONDoc, UTCDateTime


def _utc(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(default_factory) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSONDoc, nullable=False))


class Workspace(SQLModel, table=True):
    """One Slack workspace (team)."""

    __tablename__ = "workspace"

    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    created_at: datetime = _utc()


class Program(SQLModel, table=True):
    """A body of work bound to one Slack channel, its home."""

    __tablename__ = "program"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_program_channel"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: str = Field(sa_column=Column(String(32), ForeignKey("workspace.team_id"), nullable=False))
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    leads: list[str] = _json(list)
    escalation_channel_id: str = Field(max_length=32)
    timezone: str = Field(max_length=64)
    working_days: list[int] = _json(lambda: [0, 1, 2, 3, 4])
    holiday_region: Optional[str] = Field(default=None, max_length=16)
    settings: dict = _json(dict)  # sections of bot.services.program_settings.ProgramSettings
    created_by: str = Field(max_length=32)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    archived_at: Optional[datetime] = _utc(nullable=True)  # archived: kept, answers, runs no schedule

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Member(SQLModel, table=True):
    """A Slack user we know of, with the timezone Slack reports for them."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_member_user"),
        Index("ix_member_timezone", "timezone"),  # every tick asks which zones exist, from the index alone
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: str = Field(sa_column=Column(String(32), ForeignKey("workspace.team_id"), nullable=False))
    user_id: str = Field(max_length=32)
    display_name: str = Field(default="", max_length=255)
    timezone: str = Field(max_length=64)
    tz_refreshed_at: datetime = _utc()
    ooo_until: Optional[datetime] = _utc(nullable=True)
    is_deleted: bool = Field(default=False)


class ProcessedEvent(SQLModel, table=True):
    """Slack Events API deliveries already handled, so a retry with the same event_id is dropped."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _utc(index=True)


class Occurrence(SQLModel, table=True):
    """One occurrence of scheduled work, claimed before anything is sent: the UNIQUE key makes it once."""

    __tablename__ = "occurrence"
    __table_args__ = (UniqueConstraint("kind", "scope", "due_at", name="uq_occurrence"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=48)
    scope: str = Field(max_length=128)
    due_at: datetime = _utc()
    claimed_at: datetime = _utc()
    status: str = Field(default="claimed", max_length=16)  # claimed | done | missed | failed
    detail: str = Field(default="", max_length=500)


class OutboundMessage(SQLModel, table=True):
    """The outbound queue: what the bot must post on its own, with an idempotency key."""

    __tablename__ = "outbound_message"
    __table_args__ = (
        Index("ix_outbound_due", "status", "next_attempt_at"),
        Index("ix_outbound_posted", "channel", "result_ts"),  # a thread reply finds the message it answers
        Index("ix_outbound_target", "target", "result_ts"),  # a failure finds when its target last worked
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    team_id: str = Field(max_length=32)
    method: str = Field(max_length=48)  # chat.postMessage | chat.update | chat.postEphemeral | ...
    channel: str = Field(default="", max_length=32)  # once posted, where Slack put it (a DM's D… id)
    target: str = Field(default="", max_length=32)  # where it was addressed (a person's id for a DM); never changes
    payload: dict = _json(dict)
    # pending -> sending (claimed by one sender until next_attempt_at, its lease) -> sent | dead
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _utc()
    last_error: str = Field(default="", max_length=500)
    result_ts: Optional[str] = Field(default=None, max_length=32)
    occurrence_id: Optional[int] = Field(
        default=None, sa_column=Column(ForeignKey("occurrence.id", ondelete="SET NULL"), nullable=True)
    )
    program_id: Optional[int] = Field(default=None)  # whose leads hear of a permanent failure (no FK: a hint)
    created_at: datetime = _utc()
    sent_at: Optional[datetime] = _utc(nullable=True)


class TickMark(SQLModel, table=True):
    """The latest instant scheduled work has been looked at, so a tick after downtime knows what it missed."""

    __tablename__ = "tick_mark"

    name: str = Field(primary_key=True, max_length=32)
    at: datetime = _utc()

class InboundRequest(SQLModel, table=True):
    """The inbox: a command, interaction or event written down before it is acknowledged, so an ack is a
    promise. ``key`` is the same for every delivery of one request (Slack's retries included); ``body``
    is the raw request, kept until it is done, to dispatch it again if the process handling it died."""

    __tablename__ = "inbound_request"
    __table_args__ = (
        Index("ix_inbound_open", "status", "lease_until"),  # the unfinished ones, whose lease has run out
        Index("ix_inbound_done", "done_at"),  # finished ones are forgotten after a day
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # event:<team>:<event_id> | trigger:<team>:<trigger_id> | body:<sha256>
    team_id: str = Field(default="", max_length=32)
    kind: str = Field(max_length=64)  # "command /blocker", "block_actions", "event message", ...
    mode: str = Field(default="http", max_length=16)  # http | socket_mode: how it is dispatched again
    content_type: str = Field(default="", max_length=100)
    body: str = Field(default="")  # unbounded; emptied once done
    # received (being handled by ``owner`` until ``lease_until``) -> done | failed
    status: str = Field(default="received", max_length=16)
    owner: str = Field(default="", max_length=120)  # host:pid:start of the process handling it
    attempts: int = Field(default=1)
    lease_until: datetime = _utc()
    received_at: datetime = _utc()
    done_at: Optional[datetime] = _utc(nullable=True)
    last_error: str = Field(default="", max_length=500)


import storage.raid_models  # noqa: E402,F401  (registers the RAID tables)
import storage.standup_models  # noqa: E402,F401  (registers the stand-up tables)
import storage.escalation_models  # noqa: E402,F401  (registers the escalation table)
import storage.agenda_models  # noqa: E402,F401  (registers the meeting and agenda tables)
import storage.file_models  # noqa: E402,F401  (registers the uploaded-file table)
import storage.charter_models  # noqa: E402,F401  (registers the charter table)
import storage.channel_models  # noqa: E402,F401  (registers the channel facts table)
import storage.dependency_models  # noqa: E402,F401  (registers the dependency party table)
import storage.tracker_models  # noqa: E402,F401  (registers the tracker tables)
