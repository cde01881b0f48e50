"""The inbox's SQL: a request written down before it is acknowledged, claimed again if whoever was handling
it died, and marked done when its listener finishes (see bot/inbox.py).

A row is ``received`` while some process handles it: ``owner`` names that process and ``lease_until`` is
how long the others leave it alone. A process that finds a row whose lease has run out, or whose owner it
knows to be dead (a process of its own host that is gone), takes it over (`claim`): the row gets the new
owner, a new lease and one more attempt. PostgreSQL skips rows another process has locked meanwhile;
SQLite's BEGIN IMMEDIATE makes each claim transaction run alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Insert, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import InboundRequest

_TABLE = InboundRequest.__table__
KEEP_FINISHED = timedelta(days=1)  # a finished request's key is remembered this long (retries come within minutes)


@lru_cache(maxsize=4)
def _insert_unless_known(dialect: str) -> Insert | None:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING id: one statement for a new request and for a retry."""
    module = {"sqlite": sqlite, "postgresql": postgresql}.get(dialect)
    if module is None:
        return None
    return module.insert(_TABLE).on_conflict_do_nothing(index_elements=[_TABLE.c.key]).returning(_TABLE.c.id)


def record(*, session: Session, key: str, team_id: str, kind: str, mode: str, content_type: str, body: str,
           owner: str, now: datetime, lease: timedelta) -> int | None:
    """Write a request down, held by ``owner`` for ``lease``; its id, or None if ``key`` is known already
    (a retry of a request recorded before)."""
    values = {"key": key, "team_id": team_id, "kind": kind, "mode": mode, "content_type": content_type,
              "body": body, "status": "received", "owner": owner, "attempts": 1, "lease_until": now + lease,
              "received_at": now, "done_at": None, "last_error": ""}
    statement = _insert_unless_known(session.get_bind().dialect.name)
    if statement is None:
        try:
            with session.begin_nested():
                row = InboundRequest(**values)
                session.add(row)
            return row.id
        except IntegrityError:
            return None
    return session.execute(statement, values).scalar_one_or_none()


def claim(*, session: Session, now: datetime, lease: timedelta, owner: str, dead_owners: list[str] = (),
          key: str | None = None, skip_ids: list[int] = ()) -> InboundRequest | None:
    """Take over the oldest unfinished request whose lease has run out or whose owner is one of
    ``dead_owners`` (or only the one with ``key``), for ``lease``; None if there is none."""
    abandoned = InboundRequest.lease_until <= now
    if dead_owners:
        abandoned = or_(abandoned, InboundRequest.owner.in_(list(dead_owners)))
    query = (select(InboundRequest).where(InboundRequest.status == "received", abandoned)
             .order_by(InboundRequest.id).limit(1))
    if key is not None:
        query = query.where(InboundRequest.key == key)
    if skip_ids:
        query = query.where(InboundRequest.id.not_in(list(skip_ids)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.exec(query).first()
    if row is None:
        return None
    row.owner = owner
    row.attempts += 1
    row.lease_until = now + lease
    session.add(row)
    session.flush()
    return row


def owners_in_flight(*, session: Session, now: datetime) -> list[str]:
    """Who holds the unfinished requests whose lease still runs (a dead one's can be taken over at once)."""
    query = (select(InboundRequest.owner).where(InboundRequest.status == "received",
                                                InboundRequest.lease_until > now).distinct())
    return list(session.exec(query))


def finish(*, session: Session, request_id: int, now: datetime, status: str = "done", error: str = "") -> bool:
    """The request is done (or given up, ``failed``): it is not dispatched again, and its body is let go
    (the key stays, so a late retry is still recognised). False if it was finished already."""
    result = session.exec(
        update(InboundRequest)
        .where(InboundRequest.id == request_id, InboundRequest.status == "received")
        .values(status=status, done_at=now, body="", last_error=error[:500])
    )
    return (result.rowcount or 0) == 1


def postpone(*, session: Session, request_id: int, until: datetime, error: str) -> bool:
    """The request failed on Slack's side: left unfinished, for any process to take up again once ``until``
    has passed (as it would a dead owner's). False if it was finished meanwhile."""
    result = session.exec(
        update(InboundRequest)
        .where(InboundRequest.id == request_id, InboundRequest.status == "received")
        .values(lease_until=until, last_error=error[:500])
    )
    return (result.rowcount or 0) == 1


def forget_finished_before(*, session: Session, cutoff: datetime) -> int:
    """Let go of requests finished before ``cutoff`` (long past any retry of theirs)."""
    result = session.exec(delete(InboundRequest).where(InboundRequest.done_at < cutoff))
    return result.rowcount or 0


def by_id(*, session: Session, request_id: int) -> InboundRequest | None:
    return session.get(InboundRequest, request_id)
