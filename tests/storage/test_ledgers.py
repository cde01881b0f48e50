"""The exactly-once ledgers, on real SQLite and PostgreSQL, including from competing threads."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from storage.engine import session_scope
from storage.ledger import claim_occurrence, first_delivery, forget_events_before, occurrences
from storage.models import Program
from storage.outbox import by_key, due_messages, enqueue
from storage.programs import add_program, ensure_workspace, program_for_channel, upsert_member

T = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def test_event_ids_are_handled_once(engine):
    with session_scope(engine) as session:
        assert first_delivery(session=session, event_id="Ev1", now=T) is True
        assert first_delivery(session=session, event_id="Ev1", now=T) is False
        assert first_delivery(session=session, event_id="Ev2", now=T + timedelta(days=3)) is True
    with session_scope(engine) as session:
        assert forget_events_before(session=session, cutoff=T + timedelta(days=1)) == 1
        assert first_delivery(session=session, event_id="Ev2", now=T) is False


def test_an_occurrence_is_claimed_once_even_by_racing_threads(engine):
    def claim(_):
        with session_scope(engine) as session:
            return claim_occurrence(session=session, kind="digest", scope="program:1", due_at=T, now=T) is not None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(claim, range(16)))
    assert results.count(True) == 1
    with session_scope(engine) as session:
        rows = occurrences(session=session, kind="digest")
        assert len(rows) == 1 and rows[0].due_at == T and rows[0].due_at.tzinfo is not None


def test_outbox_idempotency_key_and_due_order(engine):
    with session_scope(engine) as session:
        first = enqueue(session=session, key="k1", team_id="T1", method="chat.postMessage",
                        payload={"channel": "C1", "text": "a"}, now=T)
        assert first is not None and first.channel == "C1"
        assert enqueue(session=session, key="k1", team_id="T1", method="chat.postMessage",
                       payload={"channel": "C1", "text": "again"}, now=T) is None
        enqueue(session=session, key="k2", team_id="T1", method="chat.postMessage",
                payload={"channel": "C2", "text": "later"}, now=T + timedelta(minutes=5))
    with session_scope(engine) as session:
        assert [m.idempotency_key for m in due_messages(session=session, now=T)] == ["k1"]
        assert by_key(session=session, key="k1").payload == {"channel": "C1", "text": "a"}


def test_one_program_per_channel(engine):
    def program(name):
        return Program(team_id="T1", channel_id="C1", name=name, leads=["U1"], escalation_channel_id="C1",
                       timezone="UTC", created_by="U1", created_at=T, updated_at=T)

    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T1", now=T)
        created, was_new = add_program(session=session, program=program("first"))
        assert was_new
        again, was_new = add_program(session=session, program=program("second"))
        assert not was_new and again.id == created.id and again.name == "first"
    with session_scope(engine) as session:
        assert len(session.exec(select(Program)).all()) == 1
        assert program_for_channel(session=session, team_id="T1", channel_id="C1").leads == ["U1"]


def test_member_upsert_refreshes_timezone(engine):
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T1", now=T)
        upsert_member(session=session, team_id="T1", user_id="U1", timezone="Europe/Berlin", display_name="a", now=T)
    with session_scope(engine) as session:
        member = upsert_member(session=session, team_id="T1", user_id="U1", timezone="Asia/Tokyo",
                               display_name="a", now=T + timedelta(days=1))
        assert member.timezone == "Asia/Tokyo" and member.tz_refreshed_at == T + timedelta(days=1)


def test_naive_datetime_is_refused_by_the_database_layer(engine):
    with pytest.raises(Exception, match="naive"):
        with session_scope(engine) as session:
            ensure_workspace(session=session, team_id="T1", now=datetime(2026, 1, 1))
