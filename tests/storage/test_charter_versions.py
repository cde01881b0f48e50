"""Charter versions on SQLite and PostgreSQL: each save is the next version, the newest is the charter,
a request handled twice saves once, saves racing each other each get their own version, and App Home
reads every led program's charter with one query."""

import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.services.charter import CharterForm, charter_history, current_charter, save_charter
from bot.services.errors import NotAllowed
from storage.charters import latest_of
from storage.engine import session_scope
from storage.models import Program
from storage.programs import add_program, ensure_workspace
from tests.querycount import counting

T = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def new_program(engine, channel="C1") -> int:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        program, _ = add_program(session=session, program=Program(
            team_id="T", channel_id=channel, name=channel, leads=["U0", "U1"], escalation_channel_id=channel,
            timezone="Europe/Berlin", created_by="U0", created_at=T, updated_at=T))
        return program.id


def save(engine, program_id, author="U0", at=T, inbox_id=None, **sections):
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        saved = save_charter(session=session, program=program, form=CharterForm(**sections), author_id=author,
                             now=at, inbox_id=inbox_id)
        return saved.charter.version, saved.changed, saved.new


def test_versions_history_and_the_current_charter(engine):
    program_id = new_program(engine)
    assert save(engine, program_id, scope="s", goals="g") == (1, ("Scope", "Goals"), True)
    assert save(engine, program_id, "U1", T + timedelta(days=1), scope="s", goals="g2", deliverables="d") == (
        2, ("Goals", "Deliverables"), True)
    assert save(engine, program_id, scope="s", goals="g2", deliverables="d") == (2, (), False)  # unchanged
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        current = current_charter(session, program)
        changes, total = charter_history(session, program)
    assert (current.version, current.goals, current.author_id) == (2, "g2", "U1")
    assert total == 2 and [(c.version, c.author_id, c.sections) for c in changes] == [
        (2, "U1", ("Goals", "Deliverables")), (1, "U0", ("Scope", "Goals"))]


def test_a_request_handled_again_saves_once_and_non_leads_save_nothing(engine):
    program_id = new_program(engine)
    assert save(engine, program_id, inbox_id="req-1", scope="s") == (1, ("Scope",), True)
    assert save(engine, program_id, inbox_id="req-1", scope="s") == (1, ("Scope",), True)  # the same version
    with pytest.raises(NotAllowed, match="Only the program's leads"):
        save(engine, program_id, author="U9", scope="mine")
    with session_scope(engine) as session:
        assert charter_history(session, session.get(Program, program_id))[1] == 1


def test_saves_racing_each_other_each_get_a_version(engine):
    program_id = new_program(engine)
    errors, barrier = [], threading.Barrier(6)

    def one(n):
        try:
            barrier.wait()
            save(engine, program_id, inbox_id=f"race-{n}", scope=f"scope {n}")
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(engine) as session:
        changes, total = charter_history(session, session.get(Program, program_id))
    assert total == 6 and sorted(c.version for c in changes) == [1, 2, 3, 4, 5, 6]


def test_the_latest_charter_of_many_programs_is_one_query(engine):
    ids = [new_program(engine, f"C{n}") for n in range(5)]
    for n, program_id in enumerate(ids[:4]):
        for version in range(n + 1):
            save(engine, program_id, scope=f"{program_id} v{version + 1}")
    with session_scope(engine) as session, counting(engine) as statements:
        found = latest_of(session=session, program_ids=ids)
    assert len(statements) == 1
    assert {p: c.scope for p, c in found.items()} == {p: f"{p} v{n + 1}" for n, p in enumerate(ids[:4])}
