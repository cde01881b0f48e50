"""A tick runs each job's due occurrences as one batch: a fixed number of statements however many programs
are due (on PostgreSQL, where each is a round trip), and a failing occurrence is still rolled back alone."""

from datetime import timedelta

import pytest
from sqlalchemy import select

import bot.services.standup_digest as standup_digest
from bench.busiest_tick import TICK, build
from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from scheduled.tick import run_due
from storage.engine import make_engine, session_scope
from storage.models import Occurrence, OutboundMessage
from storage.standup_models import StandupRun
from tests.conftest import _fresh_postgres_database
from tests.querycount import counting

# SQLite writes each new row the ORM needs the id of (a run, an agenda, a message) with a statement of its
# own; its statements cost no round trip.
SQLITE_ROWS_PER_PROGRAM = 5


@pytest.fixture
def another_database_url(empty_database_url, tmp_path):
    if empty_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'another.db'}"
    else:
        yield from _fresh_postgres_database()


def busiest_tick_statements(url: str, programs: int) -> int:
    build(url, programs, members=3, days=8)
    engine = make_engine(url)
    try:
        with counting(engine) as statements:
            report = run_due(Deps(Settings(_env_file=None), engine, FixedClock(TICK)), TICK)
        assert report.failed == 0 and len(report.ran) == 3 * programs + 1  # digests, reports, agendas, a sweep
        return len(statements)
    finally:
        engine.dispose()


def test_the_busiest_tick_takes_as_many_statements_for_six_programs_as_for_two(empty_database_url,
                                                                               another_database_url):
    few = busiest_tick_statements(empty_database_url, 2)
    many = busiest_tick_statements(another_database_url, 6)
    allowed = SQLITE_ROWS_PER_PROGRAM * 4 if empty_database_url.startswith("sqlite") else 0
    assert many - few <= allowed, (few, many)


def tick_with_dependencies(url: str, programs: int) -> tuple[int, int, int, int]:
    """The busiest tick with 5 open dependencies a program between random pairs: (statements, messages it
    queued, escalation cards among them, dependencies the digests, agendas and reports listed)."""
    build(url, programs, members=3, days=8, dependencies=5)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            before = set(session.execute(select(OutboundMessage.id)).scalars())
        with counting(engine) as statements:
            report = run_due(Deps(Settings(_env_file=None), engine, FixedClock(TICK)), TICK)
        assert report.failed == 0 and "dependency.escalated" in {kind for kind, _, _ in report.ran}  # the sweep told them
        with session_scope(engine) as session:
            queued = [m for m in session.execute(select(OutboundMessage)).scalars() if m.id not in before]
        listed = sum(str(m.payload.get("blocks")).count("*D-") for m in queued
                     if m.payload.get("text", "").startswith(("Stand-up digest", "Agenda for", "Status of")))
        cards = sum(1 for m in queued if m.idempotency_key.startswith("escalation:"))
        return len(statements), len(queued), cards, listed
    finally:
        engine.dispose()


def test_dependencies_in_the_busiest_tick_cost_no_statement_per_program(empty_database_url, another_database_url):
    """Digests, agendas and reports list each program's open dependencies both ways, and the sweep escalates
    and tells the side asked: one query for a batch, however many programs."""
    few, few_queued, few_cards, few_listed = tick_with_dependencies(empty_database_url, 2)
    many, many_queued, many_cards, many_listed = tick_with_dependencies(another_database_url, 6)
    assert many_listed > few_listed > 0  # both sides of each dependency, in all three
    # Each escalation card the sweep queues is an INSERT … ON CONFLICT of its own (the sweep's, not the
    # dependencies'); on SQLite so is every new row that needs its id (a run, an agenda, a message).
    allowed = (2 * 4 + many_queued - few_queued) if empty_database_url.startswith("sqlite") else many_cards - few_cards
    assert many - few <= allowed, (few, many, few_queued, many_queued, few_cards, many_cards)


def test_a_digest_that_fails_in_a_batch_is_rolled_back_alone_and_runs_next_tick(empty_database_url, monkeypatch):
    build(empty_database_url, 4, members=3, days=3)
    engine = make_engine(empty_database_url)
    deps = Deps(Settings(_env_file=None), engine, FixedClock(TICK))
    compose = standup_digest.build_digest

    def failing(name, day, state, **more):
        if name == "program 2":
            raise RuntimeError("composing failed")
        return compose(name, day, state, **more)

    monkeypatch.setattr(standup_digest, "build_digest", failing)
    report = run_due(deps, TICK)
    assert report.failed == 1 and len(report.ran) == 3 * 4
    with session_scope(engine) as session:
        digests = session.execute(select(OutboundMessage.program_id).where(
            OutboundMessage.idempotency_key.like("standup.digest:%"), OutboundMessage.created_at >= TICK)).scalars()
        assert sorted(digests) == [1, 2, 4]  # program 2 is the third: ids start at 1
        today = session.execute(select(StandupRun.program_id).where(StandupRun.day == "2026-12-04")).scalars()
        assert sorted(today) == [1, 2, 4]  # its run went with its failed occurrence
        assert session.execute(select(Occurrence.scope).where(Occurrence.kind == "standup.digest",
                                                              Occurrence.scope == "3")).first() is None
    monkeypatch.setattr(standup_digest, "build_digest", compose)
    report = run_due(deps, TICK + timedelta(minutes=1))  # the next minute's tick: a window past the digest's
    assert [(kind, scope) for kind, scope, _ in report.ran] == [("standup.digest", "3")] and report.failed == 0
    engine.dispose()
