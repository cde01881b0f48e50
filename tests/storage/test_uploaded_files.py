"""Uploads by content: one row per team and digest, the first recorded file id stands."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from sqlmodel import select

from storage.engine import session_scope
from storage.file_models import UploadedFile
from storage.uploads import file_for, forget_file, remember_file

T = datetime(2026, 12, 3, 9, tzinfo=timezone.utc)
DIGEST = "a" * 64


def remember(engine, file_id, team="T1", digest=DIGEST):
    with session_scope(engine) as session:
        return remember_file(session=session, team_id=team, digest=digest, file_id=file_id, filename="r.png",
                             size=10, now=T)


def test_the_first_file_recorded_for_a_digest_stands(engine):
    assert remember(engine, "F0FIRST0001") == "F0FIRST0001"
    assert remember(engine, "F0LATER0002") == "F0FIRST0001"  # a racing uploader adopts the first id
    assert remember(engine, "F0OTHER0003", team="T2") == "F0OTHER0003"  # per workspace
    assert remember(engine, "F0OTHER0004", digest="b" * 64) == "F0OTHER0004"
    with session_scope(engine) as session:
        assert file_for(session=session, team_id="T1", digest=DIGEST) == "F0FIRST0001"
        assert file_for(session=session, team_id="T3", digest=DIGEST) is None
        assert len(session.exec(select(UploadedFile)).all()) == 3


def test_racing_writers_agree_on_one_file(engine):
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda n: remember(engine, f"F0RACE{n:05d}"), range(12)))
    assert len(set(ids)) == 1
    with session_scope(engine) as session:
        assert len(session.exec(select(UploadedFile)).all()) == 1


def test_a_forgotten_file_is_uploaded_again(engine):
    remember(engine, "F0FIRST0001")
    with session_scope(engine) as session:
        forget_file(session=session, team_id="T1", file_id="F0FIRST0001")
    assert remember(engine, "F0AGAIN0002") == "F0AGAIN0002"
