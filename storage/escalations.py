"""Queries for escalations."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.escalation_models import LIVE, Escalation
from storage.raid_models import Item


def for_item(*, session: Session, item_id: int) -> Escalation | None:
    return session.exec(select(Escalation).where(Escalation.item_id == item_id)).first()


def live(*, session: Session, program_id: int | None = None) -> list[tuple[Escalation, Item]]:
    query = select(Escalation, Item).join(Item, Item.id == Escalation.item_id).where(Escalation.status.in_(LIVE))
    if program_id is not None:
        query = query.where(Escalation.program_id == program_id)
    return list(session.exec(query.order_by(Escalation.opened_at, Escalation.id)))


def sweep_candidates(*, session: Session) -> list[tuple[Item, Escalation | None]]:
    """Every open item, and every item with a live escalation, each with its escalation row (if any):
    two queries for the whole workspace, however many programs."""
    rows = session.exec(
        select(Item, Escalation).join(Escalation, Escalation.item_id == Item.id, isouter=True)
        .where(Item.status == "open", Item.kind.in_(("blocker", "risk")))
    ).all()
    seen = {item.id for item, _ in rows}
    closed_live = session.exec(
        select(Item, Escalation).join(Escalation, Escalation.item_id == Item.id)
        .where(Escalation.status.in_(LIVE), Item.status != "open")
    ).all()
    return [*rows, *[(item, esc) for item, esc in closed_live if item.id not in seen]]
