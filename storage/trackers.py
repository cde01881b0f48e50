"""The trackers' SQL: connections, webhook deliveries (each recorded once, processed once) and the links
between records and what they stand for in a tracker."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.tracker_models import TrackerConnection, TrackerDelivery, TrackerLink

_DELIVERY = TrackerDelivery.__table__


# ---- connections ---------------------------------------------------------------------------------

def connection_of(*, session: Session, program_id: int, tracker: str) -> TrackerConnection | None:
    return session.exec(select(TrackerConnection).where(TrackerConnection.program_id == program_id,
                                                        TrackerConnection.tracker == tracker)).first()


def connection_to(*, session: Session, tracker: str, target: str) -> TrackerConnection | None:
    return session.exec(select(TrackerConnection).where(TrackerConnection.tracker == tracker,
                                                        TrackerConnection.target == target)).first()


def connect(*, session: Session, program_id: int, tracker: str, target: str, display: str, query: str,
            default_branch: str, user_id: str, now: datetime) -> TrackerConnection:
    """The program's connection to ``tracker``, made or replaced (one per program and tracker)."""
    row = connection_of(session=session, program_id=program_id, tracker=tracker)
    if row is None:
        row = TrackerConnection(program_id=program_id, tracker=tracker, target=target, connected_by=user_id,
                                connected_at=now)
    row.target, row.display, row.query, row.default_branch = target, display, query, default_branch
    row.connected_by, row.connected_at = user_id, now
    session.add(row)
    session.flush()
    return row


def lock_connection(*, session: Session, connection_id: int) -> TrackerConnection | None:
    """The connection, locked for this transaction (PostgreSQL), so its deliveries are applied one at a time.
    SQLite's BEGIN IMMEDIATE runs every writing transaction alone already."""
    return session.exec(select(TrackerConnection).where(TrackerConnection.id == connection_id)
                        .with_for_update()).first()


# ---- deliveries ----------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _insert_unless_known(dialect: str) -> Insert:
    module = postgresql if dialect == "postgresql" else sqlite
    return (module.insert(_DELIVERY)
            .on_conflict_do_nothing(index_elements=[_DELIVERY.c.tracker, _DELIVERY.c.delivery_id])
            .returning(_DELIVERY.c.id))


def record_delivery(*, session: Session, tracker: str, delivery_id: str, event: str, connection_id: int,
                    body: str, now: datetime) -> int | None:
    """Write a delivery down; its id, or None when this delivery id was recorded before (a replay)."""
    values = {"tracker": tracker, "delivery_id": delivery_id, "event": event, "connection_id": connection_id,
              "body": body, "received_at": now, "processed_at": None}
    return session.execute(_insert_unless_known(session.get_bind().dialect.name), values).scalar_one_or_none()


def claim_delivery(*, session: Session, delivery_pk: int, now: datetime) -> TrackerDelivery | None:
    """Mark the delivery processed in this transaction; None if it was processed already (by anyone)."""
    claimed = session.execute(update(_DELIVERY).where(_DELIVERY.c.id == delivery_pk,
                                                      _DELIVERY.c.processed_at.is_(None))
                              .values(processed_at=now)).rowcount
    return session.get(TrackerDelivery, delivery_pk) if claimed else None


def unprocessed_deliveries(*, session: Session, received_before: datetime, limit: int = 50) -> list[int]:
    return list(session.exec(select(TrackerDelivery.id).where(TrackerDelivery.processed_at.is_(None),
                                                              TrackerDelivery.received_at < received_before)
                             .order_by(TrackerDelivery.id).limit(limit)).all())


# ---- links ---------------------------------------------------------------------------------------

def link_of(*, session: Session, program_id: int, external_key: str) -> TrackerLink | None:
    return session.exec(select(TrackerLink).where(TrackerLink.program_id == program_id,
                                                  TrackerLink.external_key == external_key)).first()


def save_link(*, session: Session, program_id: int, external_key: str, item_id: int, last_event_id: int) -> None:
    link = link_of(session=session, program_id=program_id, external_key=external_key)
    if link is None:
        link = TrackerLink(program_id=program_id, external_key=external_key, item_id=item_id)
    link.item_id, link.last_event_id = item_id, last_event_id
    session.add(link)
    session.flush()
