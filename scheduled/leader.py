"""Exactly one process runs the scheduler, however many `tpmbot serve` processes (and workers) share a
database.

PostgreSQL: the leader holds a session-level advisory lock on a dedicated connection (outside the
pool). If the leader dies, PostgreSQL ends its session and frees the lock; every other process tries
again every TPMBOT_LEADER_RETRY_SECONDS and one of them takes over. A leader that loses its
connection stands down at once (its lock is gone with the session).

SQLite: one host is assumed (SQLite is a file); an exclusive ``flock`` next to the database file plays
the lock's part, so several processes or gunicorn workers on that host still elect one scheduler.
Even if two schedulers did run, the occurrence ledger and the outbox lease keep every send once: the
lock avoids the wasted work, it is not what makes sends exactly-once."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from bot.config import Settings

log = logging.getLogger(__name__)

ADVISORY_KEY = int.from_bytes(b"tpmbotsc", "big")  # one bigint for "the tpmbot scheduler"
APPLICATION_NAME = "tpmbot-scheduler"


class LeaderLock(Protocol):
    def try_acquire(self) -> bool: ...

    def alive(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLock:
    def __init__(self, url: str) -> None:
        self._engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.execute(text("SELECT set_config('application_name', :name, false)"),
                                     {"name": f"{APPLICATION_NAME}:{os.getpid()}"})
        got = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        return bool(got)

    def alive(self) -> bool:
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means the session (and its lock) may be gone
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # ends the session: the lock goes with it
            except Exception:  # noqa: BLE001 - already broken
                pass
            self._connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = None

    def try_acquire(self) -> bool:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._path, "a")  # noqa: SIM115 - held open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def alive(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class NoLock:
    """An in-memory database belongs to one process: it always leads."""

    def try_acquire(self) -> bool:
        return True

    def alive(self) -> bool:
        return True

    def release(self) -> None:
        pass


def lock_for(settings: Settings) -> LeaderLock:
    url = settings.database_url
    if url.startswith("postgresql"):
        return PostgresLock(url.replace("postgresql://", "postgresql+psycopg://", 1))
    path = settings.sqlite_path()
    return FileLock(Path(f"{path}.scheduler.lock")) if path is not None else NoLock()


class Leadership:
    """Becomes the leader when it can, runs ``start()``'s scheduler while leading, stops it on losing."""

    def __init__(self, lock: LeaderLock, start: Callable[[], object], retry_seconds: float) -> None:
        self._lock = lock
        self._start = start
        self._retry = retry_seconds
        self._scheduler = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tpmbot-leader", daemon=True)

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    def start(self) -> "Leadership":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._stand_down()

    def _loop(self) -> None:
        wait = 0.0
        while not self._stop.wait(wait):
            wait = self._retry
            try:
                self._step()
            except Exception:  # noqa: BLE001 - the database may be down; try again next round
                log.exception("scheduler leadership check failed; retrying in %.0f s", self._retry)
                self._stand_down()

    def _step(self) -> None:
        if self._scheduler is None:
            if self._lock.try_acquire():
                self._scheduler = self._start()
                log.info("scheduler leader: process %d runs the scheduler", os.getpid())
        elif not self._lock.alive():
            log.warning("scheduler leader: lost the lock; process %d stands down", os.getpid())
            self._stand_down()

    def _stand_down(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        self._lock.release()


def lead_scheduler(deps, client) -> Leadership:
    """Start competing for the scheduler: the usual entry point of every serving process."""
    from scheduled.scheduler import start_scheduler

    return Leadership(lock_for(deps.settings), lambda: start_scheduler(deps, client),
                      deps.settings.tpmbot_leader_retry_seconds).start()
