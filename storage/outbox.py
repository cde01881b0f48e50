"""The outbound queue: messages the bot posts on its own, each sent once.

A sender takes one due row at a time (`claim_next`): the row becomes ``sending`` and its
``next_attempt_at`` becomes the sender's lease. The claim commits before the Slack call, so no lock
is held while talking to Slack. Another sender can only take the row again once the lease has run out
(its holder died); ``attempts`` is the fencing token that stops a late holder from overwriting the
new one's result (`finish`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Insert, bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import OutboundMessage
from storage.read_ahead import MISSING, stash, take
from storage.rows import insert_values


def enqueue(
    *, session: Session, key: str, team_id: str, method: str, payload: dict, now: datetime,
    occurrence_id: int | None = None, program_id: int | None = None, new_key: bool = False,
) -> OutboundMessage | None:
    """Queue a call; None if a message with the same idempotency key is already queued or sent. Unless
    ``new_key``, the message returned is written already and not in the session (see _insert_unless_queued).
    ``new_key``: the key names something just created (a new occurrence's id), so it cannot be taken and
    no savepoint is needed to find out (the message is added to the caller's transaction as it is)."""
    message = OutboundMessage(
        idempotency_key=key, team_id=team_id, method=method, channel=str(payload.get("channel", "")),
        target=str(payload.get("channel", "")),
        payload=payload, next_attempt_at=now, created_at=now, occurrence_id=occurrence_id,
        program_id=program_id,
    )
    taken = take(session, "outbox.taken", key) if not new_key else MISSING
    if taken is True:
        return None
    if new_key or taken is False:
        # A new key, or one the batch has just read free (`read_ahead_keys`): added as it is, and written
        # with the session's next flush, many rows to a statement. Should another process take the key
        # meanwhile, that flush fails the batch, and its occurrences run one by one.
        session.add(message)
        return message
    statement = _insert_unless_queued(session.get_bind().dialect.name)
    if statement is None:
        try:
            with session.begin_nested():
                session.add(message)
            return message
        except IntegrityError:
            return None
    session.flush()  # what the caller added first is written first, as a savepoint would: the row may refer to it
    inserted = session.execute(statement, insert_values(message)).first()
    if inserted is None:
        return None
    message.id = inserted[0]
    return message


_TABLE = OutboundMessage.__table__


@lru_cache(maxsize=4)
def _insert_unless_queued(dialect: str) -> Insert | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, on the backends that have it.

    A taken key is then skipped by the database itself: no savepoint (two statements and a flush) to
    recover from the error, and on PostgreSQL no aborted transaction either. The message returned to
    the caller is not in the session: its row is written, there is nothing left to flush."""
    module = {"sqlite": sqlite, "postgresql": postgresql}.get(dialect)
    if module is None:
        return None
    return (module.insert(_TABLE).on_conflict_do_nothing(index_elements=[_TABLE.c.idempotency_key])
            .returning(_TABLE.c.id))


def due_messages(*, session: Session, now: datetime, limit: int = 100) -> list[OutboundMessage]:
    query = (
        select(OutboundMessage)
        .where(OutboundMessage.status == "pending", OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(limit)
    )
    return list(session.exec(query))


def claim_next(*, session: Session, now: datetime, lease: timedelta,
               keys: list[str] | None = None) -> tuple[OutboundMessage, bool] | None:
    """Take the next due message for sending, for ``lease``; (message, was it in flight before?).

    Due means pending and due, or ``sending`` with an expired lease (its sender died mid-way, maybe
    after Slack accepted the post). PostgreSQL skips rows another sender has locked; SQLite's
    BEGIN IMMEDIATE makes each claim transaction run alone."""
    query = (
        select(OutboundMessage)
        .where(OutboundMessage.status.in_(("pending", "sending")), OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(1)
    )
    if keys is not None:
        query = query.where(OutboundMessage.idempotency_key.in_(keys))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = session.exec(query).first()
    if message is None:
        return None
    in_flight = message.status == "sending"
    message.status = "sending"
    message.attempts += 1
    message.next_attempt_at = now + lease
    session.add(message)
    session.flush()
    return message, in_flight


def finish(*, session: Session, message_id: int, attempt: int, **changes) -> bool:
    """Record the outcome of attempt ``attempt``; False if the lease was lost to another sender meanwhile."""
    result = session.exec(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.status == "sending",
               OutboundMessage.attempts == attempt)
        .values(**changes)
    )
    return (result.rowcount or 0) == 1


_BY_KEY = select(OutboundMessage).where(OutboundMessage.idempotency_key == bindparam("key"))  # built once: hot


def by_key(*, session: Session, key: str) -> OutboundMessage | None:
    read = take(session, "outbox.by_key", key)
    if read is not MISSING:
        return read
    return session.exec(_BY_KEY, params={"key": key}).first()


_BY_KEYS = select(OutboundMessage).where(OutboundMessage.idempotency_key.in_(bindparam("keys", expanding=True)))


def read_ahead_keys(*, session: Session, keys: list[str]) -> None:
    """Which of ``keys`` are queued already, read with one query and left for `by_key` and `enqueue` to take
    (storage.read_ahead): a batch of scheduled messages is then queued without a statement each."""
    found = {message.idempotency_key: message for message in session.exec(_BY_KEYS, params={"keys": keys or [""]})}
    for key in keys:
        stash(session, "outbox.by_key", key, found.get(key))
        stash(session, "outbox.taken", key, key in found)


def sent_message_at(*, session: Session, channel: str, ts: str) -> OutboundMessage | None:
    """The queued message that was posted as (channel, ts), if the bot posted it through the queue (its
    edits, queued too, carry the same ts: the post is the one that says what the message is)."""
    return session.exec(select(OutboundMessage).where(OutboundMessage.channel == channel,
                                                      OutboundMessage.result_ts == ts,
                                                      OutboundMessage.method == "chat.postMessage")).first()


def last_posted_id(*, session: Session, target: str) -> int | None:
    """The newest queued message Slack accepted for ``target`` (a channel, or a person's DM): when it last worked."""
    return session.exec(select(func.max(OutboundMessage.id)).where(
        OutboundMessage.target == target, OutboundMessage.result_ts.is_not(None))).one()


def drop_older_edits(*, session: Session, prefix: str, keep: str) -> None:
    """Unsent edits of the same message queued before ``keep``: the newest edit carries the whole message,
    so sending an older one after it would put old text back."""
    session.exec(update(OutboundMessage)
                 .where(OutboundMessage.idempotency_key.like(prefix + "%"),
                        OutboundMessage.idempotency_key != keep, OutboundMessage.status == "pending")
                 .values(status="superseded"))


def refresh_unsent(*, session: Session, key: str, payload: dict) -> None:
    """A post not yet sent (nor being sent) goes out with the newest content instead."""
    session.exec(update(OutboundMessage)
                 .where(OutboundMessage.idempotency_key == key, OutboundMessage.status == "pending")
                 .values(payload=payload))


def claim_keys(*, session: Session, keys: list[str], now: datetime, lease: timedelta) -> list[OutboundMessage]:
    """Claim, in the transaction that queued them, the pending messages with these keys: the caller sends
    them right after it commits, with no claim transaction of its own. Held as `claim_next` holds them (a
    lease, `attempts` the fencing token), so a caller that dies before sending leaves them to any drain."""
    query = select(OutboundMessage).where(OutboundMessage.idempotency_key.in_(keys or [""]),
                                          OutboundMessage.status == "pending").order_by(OutboundMessage.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = list(session.exec(query))
    for message in claimed:
        message.status, message.attempts, message.next_attempt_at = "sending", message.attempts + 1, now + lease
        session.add(message)
    session.flush()
    return claimed


def last_sent_with_prefix(*, session: Session, prefix: str, program_ids: list[int]) -> dict[int, datetime]:
    """When a message whose key starts with ``prefix`` was last sent, per program (one query). The key's
    prefix is matched as a range of the unique key's index (``prefix`` ≤ key < the next prefix), which both
    SQLite and PostgreSQL read from the index whatever the collation, as they would not a LIKE."""
    if not program_ids or not prefix:
        return {}
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = session.exec(
        select(OutboundMessage.program_id, func.max(OutboundMessage.sent_at))
        .where(OutboundMessage.idempotency_key >= prefix, OutboundMessage.idempotency_key < after,
               OutboundMessage.status == "sent", OutboundMessage.program_id.in_(sorted(set(program_ids))))
        .group_by(OutboundMessage.program_id))
    return {program_id: at for program_id, at in rows if program_id is not None and at is not None}
