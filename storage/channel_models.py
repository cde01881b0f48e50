"""What Slack said about a channel, kept for the features that must know who may read a program's record
without asking Slack on the spot (the portfolio, its weekly digest): whether the channel is private and,
for a private one, its members. Refreshed when stale (bot/channel_directory.py), as the member table is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _json, _utc


class ChannelFact(SQLModel, table=True):
    __tablename__ = "channel_fact"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_channel_fact"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(sa_column=Column(String(32), ForeignKey("workspace.team_id"), nullable=False))
    channel_id: str = Field(max_length=32)
    visible: bool = Field(default=True)  # False: Slack says it does not exist for the bot (deleted, or private without it)
    is_private: bool = Field(default=True)  # not known to be public: private, the safe side
    members: list[str] = _json(list)  # a private channel's members; empty for a public one (everyone may read it)
    checked_at: datetime = _utc()
