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


def sweep_candidates(*, session: Session, program_id: int | None = None,
                     kinds: tuple[str, ...] = ("blocker", "risk")) -> list[tuple[Item, Escalation | None]]:
    """Every open item, and every item with a live escalation, each with its escalation row (if any):
    two queries for the whole workspace (or one program), however many programs."""
    scope = [Item.kind.in_(kinds)] + ([Item.program_id == program_id] if program_id is not None else [])
    rows = session.exec(
        select(Item, Escalation).join(Escalation, Escalation.item_id == Item.id, isouter=True)
        .where(Item.status == "open", *scope)
    ).all()
    seen = {item.id for item, _ in rows}
    closed_live = session.exec(
        select(Item, Escalation).join(Escalation, Escalation.item_id == Item.id)
        .where(Escalation.status.in_(LIVE), Item.status != "open", *scope)
    ).all()
    return [*rows, *[(item, esc) for item, esc in closed_live if item.id not in seen]]
