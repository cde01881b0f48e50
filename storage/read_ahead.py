"""Rows a scheduled job read ahead for all of a tick's due occurrences at once, and the batch they run in.

The busiest tick composes a digest, a report and an agenda per program. Read program by program, that is
a dozen small queries each, and on a networked database each one costs a round trip: a job's ``prefetch``
reads the same rows for every program with one query per kind of row, and leaves them here, in the job's
session, for the composition code to take instead of querying.

Each entry is taken once (`take`), by the occurrence it was read for, so nothing read ahead is served
again later in the transaction, after the occurrence may have changed it. Whatever is not taken is
dropped with the session. If the batch fails, `forget_read_ahead` drops it all before the occurrences
run again one by one, reading as they always did."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

_READ = "read_ahead"
_BATCHED = "read_ahead.batched"
MISSING: Any = object()


def stash(session: Session, what: str, key: Hashable, value: Any) -> None:
    """Leave ``value`` for the one caller that will ask for (what, key)."""
    session.info.setdefault(_READ, {})[(what, key)] = value


def take(session: Session, what: str, key: Hashable) -> Any:
    """The value stashed for (what, key), removed; MISSING if none (the caller then queries as usual)."""
    return session.info.get(_READ, {}).pop((what, key), MISSING)


def cache(session: Session, what: str) -> dict:
    """A dict kept for the session's transaction, dropped with what was read ahead if the batch fails."""
    return session.info.setdefault(_READ, {}).setdefault((what, None), {})


def forget_read_ahead(session: Session) -> None:
    session.info.pop(_READ, None)


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Mark the occurrences run inside as one batch. A row that may be created concurrently by another
    process (a day's run, an occurrence's agenda) is then inserted without a savepoint of its own: if
    another process has it, the error fails the batch, and the occurrences run again one by one, each
    taking the other process's row as usual."""
    session.info[_BATCHED] = True
    try:
        yield
    finally:
        session.info.pop(_BATCHED, None)


def in_batch(session: Session) -> bool:
    return bool(session.info.get(_BATCHED))
