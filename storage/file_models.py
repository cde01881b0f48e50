"""Files the bot has uploaded to Slack, by content: the same picture is uploaded once per workspace and its
file id used again (in image blocks, ``slack_file``)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _utc


class UploadedFile(SQLModel, table=True):
    __tablename__ = "uploaded_file"
    __table_args__ = (UniqueConstraint("team_id", "digest", name="uq_uploaded_file_digest"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    digest: str = Field(max_length=64)  # sha256 of what the picture shows (bot.charts: chart_digest)
    file_id: str = Field(max_length=32)  # Slack's F… id
    filename: str = Field(default="", max_length=255)
    size: int = Field(default=0)  # bytes uploaded
    created_at: datetime = _utc()
