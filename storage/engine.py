"""Engine and session factories. Nothing is created at import time."""

from __future__ import annotations

import json

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys and a busy timeout and is safe to use
    across threads; PostgreSQL goes through psycopg 3, with a pool of ``pool_size`` connections kept
    and ``max_overflow`` more opened when they are all taken."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_deserializer=_json_loads,
            **({} if database in ("", ":memory:") else {"pool_size": pool_size, "max_overflow": max_overflow}),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if database in ("", ":memory:"):
            event.listen(engine, "begin", _sqlite_begin)
        else:
            turns = _turns_for(str(Path(database).resolve()))
            event.listen(engine, "begin", lambda connection: _sqlite_begin_in_turn(connection, turns))
            event.listen(engine, "checkin", lambda _dbapi, record: _end_turn(record, turns))
            event.listen(engine, "invalidate", lambda _dbapi, record, _exc: _end_turn(record, turns))
        return engine
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def _json_loads(text: str):
    """JSON columns as SQLite stores them (text): most records' documents are empty, and a tick reads
    thousands of them, so the empty one is not parsed."""
    return {} if text == "{}" else json.loads(text)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class _Turns:
    """One process's transactions on one SQLite file take turns here before BEGIN IMMEDIATE, urgent ones
    (`urgent`) first. SQLite's own busy handler is no queue: a waiting writer sleeps and polls, so under a
    burst of listeners a request's one INSERT before its ack could wait seconds for the write lock
    (bench/burst.py). Only the processes, not every thread, then contend for the file's lock."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._holder: int | None = None  # the thread whose transaction holds the turn
        self._urgent = 0  # urgent transactions waiting

    def take(self, urgent: bool) -> bool:
        """Wait for the turn (a thread holding it already goes on: a nested session); True if taken. After
        the busy timeout it goes on regardless, and SQLite's own lock decides, as it always did."""
        me = threading.get_ident()
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        with self._changed:
            if self._holder == me:
                return False
            self._urgent += urgent
            try:
                while self._holder is not None or (self._urgent and not urgent):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
            finally:
                self._urgent -= urgent
            self._holder = me
            return True

    def give_back(self) -> None:
        with self._changed:
            self._holder = None
            self._changed.notify_all()


_TURNS: dict[str, _Turns] = {}
_TURNS_LOCK = threading.Lock()
_urgency = threading.local()


def _turns_for(path: str) -> _Turns:
    with _TURNS_LOCK:
        return _TURNS.setdefault(path, _Turns())


@contextmanager
def urgent() -> Iterator[None]:
    """Transactions begun inside go before the others waiting on the same SQLite file in this process (the
    inbox's INSERT before an ack). Nothing on PostgreSQL, where writers do not take turns."""
    _urgency.on = True
    try:
        yield
    finally:
        _urgency.on = False


def _sqlite_begin_in_turn(connection, turns: _Turns) -> None:
    record = connection.connection._connection_record
    hurry = bool(getattr(_urgency, "on", False))
    if not record.info.get("tpmbot_turn") and turns.take(hurry):
        record.info["tpmbot_turn"] = True
    _sqlite_begin_soon(connection)  # one thread per process waits here: the one whose turn it is


def _sqlite_begin_soon(connection) -> None:
    """BEGIN IMMEDIATE, trying again every millisecond while another process writes: SQLite's busy handler
    backs off to 100 ms sleeps, far longer than the other process's transaction takes, and its turn
    (and every transaction of this process queued behind it) would sleep as long."""
    dbapi = connection.connection.dbapi_connection
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    dbapi.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.001)  # the other process's write lock: its transactions take a few ms
    finally:
        dbapi.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _end_turn(record, turns: _Turns) -> None:
    """A connection back in the pool (its transaction committed or rolled back) gives its turn back."""
    if record is not None and record.info.pop("tpmbot_turn", False):
        turns.give_back()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session per unit of work: committed on success, rolled back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
