"""The outbound queue's claims: a lease per sender, taken over only once it runs out, with attempts
as the fencing token; and the tick mark that only moves forward."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from storage.engine import session_scope
from storage.outbox import claim_next, enqueue, finish
from storage.tick_marks import advance_tick, last_tick

T = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=2)


def queue(engine, count: int) -> None:
    with session_scope(engine) as session:
        for i in range(count):
            enqueue(session=session, key=f"k{i}", team_id="T1", method="chat.postMessage",
                    payload={"channel": "C1", "text": str(i)}, now=T)


def claim(engine, now=T):
    with session_scope(engine) as session:
        return claim_next(session=session, now=now, lease=LEASE)


def test_a_lease_keeps_others_out_until_it_runs_out_and_fences_the_late_holder(engine):
    queue(engine, 1)
    first, in_flight = claim(engine)
    assert (first.status, first.attempts, in_flight, first.next_attempt_at) == ("sending", 1, False, T + LEASE)
    assert claim(engine, T + LEASE - timedelta(seconds=1)) is None
    second, in_flight = claim(engine, T + LEASE)  # the first holder died (or hangs)
    assert (second.id, second.attempts, in_flight) == (first.id, 2, True)  # in flight: look before posting
    with session_scope(engine) as session:
        assert finish(session=session, message_id=first.id, attempt=1, status="sent", result_ts="1.1") is False
        assert finish(session=session, message_id=second.id, attempt=2, status="sent", result_ts="2.2") is True
        assert finish(session=session, message_id=second.id, attempt=2, status="dead") is False  # only once
    assert claim(engine, T + timedelta(days=1)) is None


def test_racing_claims_take_each_message_exactly_once(engine):
    queue(engine, 40)

    def claim_all(_):
        taken = []
        while (claimed := claim(engine)) is not None:
            taken.append(claimed[0].idempotency_key)
        return taken

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(claim_all, range(6)))
    everything = [key for taken in results for key in taken]
    assert sorted(everything) == sorted(f"k{i}" for i in range(40))


def test_the_tick_mark_only_moves_forward(engine):
    with session_scope(engine) as session:
        assert last_tick(session=session) is None
        advance_tick(session=session, at=T)
    with session_scope(engine) as session:
        advance_tick(session=session, at=T - timedelta(hours=1))
        assert last_tick(session=session) == T
        advance_tick(session=session, at=T + timedelta(minutes=1))
    with session_scope(engine) as session:
        assert last_tick(session=session) == T + timedelta(minutes=1)
