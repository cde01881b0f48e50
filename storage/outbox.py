"""The outbound queue: messages the bot posts on its own, each sent once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import OutboundMessage


def enqueue(
    *, session: Session, key: str, team_id: str, method: str, payload: dict, now: datetime,
    occurrence_id: int | None = None,
) -> OutboundMessage | None:
    """Queue a call; None if a message with the same idempotency key is already queued or sent."""
    message = OutboundMessage(
        idempotency_key=key, team_id=team_id, method=method, channel=str(payload.get("channel", "")),
        payload=payload, next_attempt_at=now, created_at=now, occurrence_id=occurrence_id,
    )
    try:
        with session.begin_nested():
            session.add(message)
        return message
    except IntegrityError:
        return None


def due_messages(*, session: Session, now: datetime, limit: int = 100,
                 keys: list[str] | None = None) -> list[OutboundMessage]:
    query = (
        select(OutboundMessage)
        .where(OutboundMessage.status == "pending", OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(limit)
    )
    if keys is not None:
        query = query.where(OutboundMessage.idempotency_key.in_(keys))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def by_key(*, session: Session, key: str) -> OutboundMessage | None:
    return session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key == key)).first()


def sent_message_at(*, session: Session, channel: str, ts: str) -> OutboundMessage | None:
    """The queued message that was posted as (channel, ts), if the bot posted it through the queue."""
    return session.exec(select(OutboundMessage).where(OutboundMessage.channel == channel,
                                                      OutboundMessage.result_ts == ts)).first()
