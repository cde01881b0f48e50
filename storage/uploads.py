"""Queries for files uploaded to Slack (storage/file_models.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.file_models import UploadedFile


def file_for(*, session: Session, team_id: str, digest: str) -> str | None:
    """The Slack file id already uploaded for this content in this workspace, if any."""
    return session.exec(select(UploadedFile.file_id).where(
        UploadedFile.team_id == team_id, UploadedFile.digest == digest)).first()


def remember_file(*, session: Session, team_id: str, digest: str, file_id: str, filename: str, size: int,
                  now: datetime) -> str:
    """Record ``file_id`` as the upload of ``digest``; the id that stands: another process that uploaded
    the same content first keeps its row, and its id is returned (so every post uses one file)."""
    try:
        with session.begin_nested():
            session.add(UploadedFile(team_id=team_id, digest=digest, file_id=file_id, filename=filename[:255],
                                     size=size, created_at=now))
        return file_id
    except IntegrityError:
        return file_for(session=session, team_id=team_id, digest=digest) or file_id


def forget_file(*, session: Session, team_id: str, file_id: str) -> None:
    """Slack no longer has the file (deleted by someone): the next post uploads the picture again."""
    for row in session.exec(select(UploadedFile).where(UploadedFile.team_id == team_id,
                                                       UploadedFile.file_id == file_id)):
        session.delete(row)
