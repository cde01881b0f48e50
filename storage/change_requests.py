"""Queries of change requests: the request read under a row lock, so two approvers (or one pressing
twice) decide it one after the other, never both from the same old state."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.raid_models import Item


def locked_item(*, session: Session, item_id: int) -> Item | None:
    """The record, locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite's BEGIN IMMEDIATE
    already serialises writers), read afresh rather than from the session's cache."""
    query = select(Item).where(Item.id == item_id).with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def open_milestones(*, session: Session, program_id: int, limit: int = 100) -> list[Item]:
    """The program's open milestones, soonest first, for the new-change modal's choice."""
    return list(session.exec(select(Item).where(Item.program_id == program_id, Item.kind == "milestone",
                                                Item.status == "open").order_by(Item.due_at, Item.number)
                             .limit(limit)))
