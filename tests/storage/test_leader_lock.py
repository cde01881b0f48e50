"""Scheduler leadership on each backend: one leader at a time; a leader whose lock goes away stands down
and another takes over (PostgreSQL: its session is killed; SQLite: it stops)."""

import time

from sqlalchemy import text

from scheduled.leader import ADVISORY_KEY, Leadership, lock_for


class FakeScheduler:
    def __init__(self) -> None:
        self.running = True

    def shutdown(self, wait: bool = False) -> None:
        self.running = False


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)  # polling background threads


def test_one_leader_and_a_takeover_when_its_lock_is_lost(engine, settings):
    schedulers: dict[str, list[FakeScheduler]] = {"a": [], "b": []}

    def candidate(name: str) -> Leadership:
        def start():
            schedulers[name].append(FakeScheduler())
            return schedulers[name][-1]
        return Leadership(lock_for(settings), start, retry_seconds=0.05).start()

    a, b = candidate("a"), candidate("b")
    try:
        wait_until(lambda: a.leading or b.leading)
        time.sleep(0.3)  # several retry rounds: the other one must still be waiting
        assert [a.leading, b.leading].count(True) == 1
        leader, follower = (a, b) if a.leading else (b, a)
        first = schedulers["a" if leader is a else "b"][0]
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:  # the leader's database session dies
                connection.execute(text(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' "
                    "AND l.granted AND l.classid::bigint = :high AND l.objid::bigint = :low AND l.database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"),
                    {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF})
        else:
            leader.stop()
        wait_until(lambda: follower.leading)
        wait_until(lambda: not first.running)  # the old leader's scheduler was shut down
        time.sleep(0.3)
        assert not (leader.leading and follower.leading)
    finally:
        a.stop()
        b.stop()
