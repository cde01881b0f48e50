"""The digest is composed with a fixed number of queries, however large the team or long the history."""

from datetime import date, datetime, timedelta, timezone

from bot.services.standup_digest import digest_payload
from bot.services.standups import Update, ensure_run, record_answer
from storage.engine import session_scope
from storage.models import Member, Program
from storage.programs import add_program, ensure_workspace
from storage.standup_models import StandupConfig
from tests.querycount import counting

T = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)


def team(engine, channel: str, size: int, days: int) -> tuple[int, int]:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        program, _ = add_program(session=session, program=Program(
            team_id="T", channel_id=channel, name=channel, leads=["U0"], escalation_channel_id=channel,
            timezone="Europe/Berlin", created_by="U0", created_at=T, updated_at=T))
        users = [f"U{channel}{i:03d}" for i in range(size)]
        config = StandupConfig(program_id=program.id, participants=users, digest_channel_id=channel, updated_at=T)
        session.add(config)
        for i, user in enumerate(users):
            session.add(Member(team_id="T", user_id=user, timezone="Europe/Berlin", tz_refreshed_at=T,
                               ooo_until=T + timedelta(days=30) if i % 10 == 0 else None))
        for back in range(days, -1, -1):
            now = T - timedelta(days=back)
            run = ensure_run(session=session, program=program, day=date(2026, 12, 1) - timedelta(days=back),
                             now=now, config=config)
            session.flush()
            for user in users[: size - 2]:
                record_answer(session=session, run=run, user_id=user, update=Update(today="x", blockers="keys"),
                              source="command", now=now)
        return program.id, run.id


def queries_for_digest(engine, program_id: int, run_id: int) -> int:
    from storage.standup_models import StandupRun

    with session_scope(engine) as session:
        program, run = session.get(Program, program_id), session.get(StandupRun, run_id)
        with counting(engine) as statements:
            payload = digest_payload(session=session, program=program, run=run, now=T)
        assert payload["blocks"]
        return len(statements)


def test_digest_query_count_does_not_grow_with_team_or_history(engine):
    small = queries_for_digest(engine, *team(engine, "CSMALL", size=5, days=3))
    large = queries_for_digest(engine, *team(engine, "CLARGE", size=50, days=30))
    assert small == large <= 4  # 4th: the program's open dependencies, both ways
