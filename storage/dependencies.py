"""Query functions for dependencies' other side: who a `D-n` is asked of, and the dependencies asked of
a program or of people."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, select

from storage.dependency_models import DependencyParty
from storage.models import Program
from storage.raid_models import ITEM_COLUMNS, Item, ItemRow


def add_party(*, session: Session, party: DependencyParty) -> DependencyParty:
    if session.get(DependencyParty, party.item_id) is None:
        session.add(party)
        session.flush()
    return session.get(DependencyParty, party.item_id)


def party_of(*, session: Session, item_id: int) -> DependencyParty | None:
    return session.get(DependencyParty, item_id)


def asked_of(*, session: Session, team_id: str, program_id: int | None, user_ids: list[str],
             include_closed: bool = False) -> list[tuple[Item, DependencyParty, Program]]:
    """Dependencies asked of ``program_id`` or of any of ``user_ids``, with the requesting program."""
    who = []
    if program_id is not None:
        who.append(DependencyParty.provider_program_id == program_id)
    if user_ids:
        who.append(DependencyParty.provider_user_id.in_(user_ids))
    if not who:
        return []
    query = (select(Item, DependencyParty, Program)
             .join(DependencyParty, DependencyParty.item_id == Item.id)
             .join(Program, Program.id == Item.program_id)
             .where(DependencyParty.team_id == team_id, or_(*who)))
    if not include_closed:
        query = query.where(Item.status == "open")
    return list(session.exec(query.order_by(Item.created_at, Item.id)))


def open_asked_of_programs(*, session: Session, program_ids: list[int]) -> dict[int, list[tuple[Item, Program]]]:
    """The open dependencies asked of each of these programs, with the program asking, oldest first: one
    query for any number of programs (the status reports of a tick)."""
    out: dict[int, list[tuple[Item, Program]]] = {}
    if not program_ids:
        return out
    rows = session.exec(select(Item, Program, DependencyParty.provider_program_id)
                        .join(DependencyParty, DependencyParty.item_id == Item.id)
                        .join(Program, Program.id == Item.program_id)
                        .where(DependencyParty.provider_program_id.in_(program_ids), Item.status == "open")
                        .order_by(Item.created_at, Item.id))
    for item, requester, provider in rows:
        out.setdefault(provider, []).append((item, requester))
    return out


def open_both_ways(*, session: Session, program_ids: list[int]
                   ) -> dict[int, tuple[list[ItemRow], list[tuple[ItemRow, Program]]]]:
    """For each of these programs, its open dependencies both ways — (those it asked for, those asked of
    it with the program asking) — each oldest first, as read-only rows (`ItemRow`): one query for any number
    of programs (a tick's digests or agendas)."""
    out: dict[int, tuple[list[ItemRow], list[tuple[ItemRow, Program]]]] = {p: ([], []) for p in program_ids}
    if not program_ids:
        return out
    rows = session.exec(select(*ITEM_COLUMNS, Program, DependencyParty.provider_program_id)
                        .join(DependencyParty, DependencyParty.item_id == Item.id)
                        .join(Program, Program.id == Item.program_id)
                        .where(Item.status == "open", or_(Item.program_id.in_(program_ids),
                                                          DependencyParty.provider_program_id.in_(program_ids)))
                        .order_by(Item.created_at, Item.id))
    width = len(ITEM_COLUMNS)
    for row in rows:
        item, requester, provider = ItemRow._make(row[:width]), row[width], row[width + 1]
        if item.program_id in out:
            out[item.program_id][0].append(item)
        if provider in out:
            out[provider][1].append((item, requester))
    return out


def parties_of(*, session: Session, item_ids: list[int]) -> dict[int, DependencyParty]:
    if not item_ids:
        return {}
    return {p.item_id: p for p in session.exec(select(DependencyParty).where(DependencyParty.item_id.in_(item_ids)))}


def any_escalated(*, session: Session, kind: str) -> bool:
    """Whether an open record of ``kind`` has a live escalation (one indexed query; the tick asks it)."""
    from storage.escalation_models import LIVE, Escalation

    return session.exec(select(Escalation.id).join(Item, Item.id == Escalation.item_id)
                        .where(Item.kind == kind, Item.status == "open", Escalation.status.in_(LIVE))
                        .limit(1)).first() is not None
