"""Concurrent stand-up answers: exactly one current answer per (run, person), and no roster update lost.

Threads answer 40 (run, person) pairs at once, each pair three times, none of the people on the runs'
rosters yet (so every first answer appends to a roster). On PostgreSQL this left several current answers
for 7–11 of the 40 pairs and dropped roster appends; SQLite, which takes its write lock at BEGIN, never did."""

import threading
from collections import Counter
from datetime import date, datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import pytest

from bot.services.standups import Update, ensure_run, record_answer, record_skip
from storage.engine import session_scope
from storage.models import Program
from storage.programs import add_program, ensure_workspace
from storage.standup_models import StandupAnswer, StandupConfig, StandupRun

T = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
RUNS, PEOPLE, TIMES, THREADS = 4, 10, 3, 8


def runs(engine) -> list[int]:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        program, _ = add_program(session=session, program=Program(
            team_id="T", channel_id="C1", name="p", leads=["U0"], escalation_channel_id="C1",
            timezone="Europe/Berlin", created_by="U0", created_at=T, updated_at=T))
        config = StandupConfig(program_id=program.id, participants=["U0"], digest_channel_id="C1", updated_at=T)
        session.add(config)
        ids = []
        for n in range(RUNS):
            run = ensure_run(session=session, program=program, day=date(2026, 12, 1 + n), now=T, config=config)
            session.flush()
            ids.append(run.id)
        return ids


def test_concurrent_answers_leave_one_current_answer_each_and_every_roster_append(engine):
    run_ids = runs(engine)
    # A pair's three answers sit side by side, so three different threads give them at about the same time.
    work = [(run_id, f"U{p:02d}", n) for run_id in run_ids for p in range(PEOPLE) for n in range(TIMES)]
    barrier, errors, lock = threading.Barrier(THREADS), [], threading.Lock()

    def worker(index: int) -> None:
        barrier.wait()
        for run_id, user, n in work[index::THREADS]:
            try:
                with session_scope(engine) as session:
                    run = session.get(StandupRun, run_id)
                    if n == 1:
                        record_skip(session=session, run=run, user_id=user, reason="dentist", now=T)
                    else:
                        record_answer(session=session, run=run, user_id=user, update=Update(today=f"{user} {n}"),
                                      source="command", now=T)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                with lock:
                    errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(engine) as session:
        rows = session.exec(select(StandupAnswer)).all()
        rosters = {run.id: run.roster for run in session.exec(select(StandupRun))}
    current = Counter((row.run_id, row.user_id) for row in rows if not row.superseded)
    assert len(rows) == RUNS * PEOPLE * TIMES  # history kept: every answer is a row
    assert len(current) == RUNS * PEOPLE and set(current.values()) == {1}, [p for p, c in current.items() if c > 1]
    for run_id in run_ids:
        assert sorted(rosters[run_id]) == ["U0", *[f"U{p:02d}" for p in range(PEOPLE)]]


def test_the_database_refuses_a_second_current_answer(engine):
    [run_id, *_] = runs(engine)
    with session_scope(engine) as session:
        session.add(StandupAnswer(run_id=run_id, user_id="U1", today="a", answered_at=T))
    with pytest.raises(IntegrityError):
        with session_scope(engine) as session:
            session.add(StandupAnswer(run_id=run_id, user_id="U1", today="b", answered_at=T))
    with session_scope(engine) as session:  # superseded rows are history: as many as need be
        session.add(StandupAnswer(run_id=run_id, user_id="U1", today="c", superseded=True, answered_at=T))
        session.add(StandupAnswer(run_id=run_id, user_id="U1", today="d", superseded=True, answered_at=T))
