"""Item keys: per program and kind, handed out once even by racing threads."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from storage.engine import session_scope
from storage.models import Program
from storage.programs import add_program, ensure_workspace
from storage.raid import next_number

T = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def make_program(engine, channel):
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T1", now=T)
        program, _ = add_program(session=session, program=Program(
            team_id="T1", channel_id=channel, name=channel, leads=["U1"], escalation_channel_id=channel,
            timezone="UTC", created_by="U1", created_at=T, updated_at=T))
        return program.id


def test_numbers_are_unique_under_concurrency_and_per_program(engine):
    apollo, gemini = make_program(engine, "C1"), make_program(engine, "C2")

    def take(_):
        with session_scope(engine) as session:
            return next_number(session=session, program_id=apollo, kind="blocker")

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(take, range(24)))
    assert sorted(numbers) == list(range(1, 25))
    with session_scope(engine) as session:
        assert next_number(session=session, program_id=gemini, kind="blocker") == 1
        assert next_number(session=session, program_id=apollo, kind="risk") == 1
