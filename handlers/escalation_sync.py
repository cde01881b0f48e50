"""After anything happens to an item (created, resolved, reassigned, re-scored…) or to its escalation
(acknowledged, snoozed), bring the escalation in line and send the resulting cards and edits now."""

from __future__ import annotations

from typing import Callable

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.escalations import build_card
from bot.deps import Deps
from bot.notifier import drain_outbox
from bot.services import escalations
from storage.escalation_models import Escalation
from storage.escalations import for_item, sweep_candidates
from storage.models import Program
from storage.raid_models import Item

Change = Callable[[Session, Escalation | None, Item, Program], None]


def sync_escalation(client: WebClient, deps: Deps, item_id: int, *, actor: str | None = None,
                    change: Change | None = None) -> Escalation | None:
    now = deps.clock.now()
    with deps.session() as session:
        item = session.get(Item, item_id)
        program = session.get(Program, item.program_id)
        escalation = for_item(session=session, item_id=item_id)
        seen = escalation.revision if escalation is not None else None
        if change is not None:
            change(session, escalation, item, program)
        escalation, keys = escalations.step(session, escalation, item=item, program=program, now=now,
                                            render=build_card, actor=actor, seen_revision=seen)
    if keys:
        drain_outbox(deps, client, keys=keys)
    return escalation


def recheck_program(client: WebClient, deps: Deps, program_id: int, *, actor: str,
                    kinds: tuple[str, ...] = ("risk",)) -> tuple[int, int]:
    """After a program's rules change (its risk threshold), hold every item of those kinds to the new
    rules at once rather than at the next sweep: escalations that no longer apply end, new ones open.
    Returns (opened, cleared)."""
    now = deps.clock.now()
    opened = cleared = 0
    keys: list[str] = []
    with deps.session() as session:
        program = session.get(Program, program_id)
        for item, escalation in sweep_candidates(session=session, program_id=program_id, kinds=kinds):
            was_live = escalation is not None and escalation.is_live
            was_round = escalation.round if escalation is not None else 0
            escalation, queued = escalations.step(session, escalation, item=item, program=program, now=now,
                                                  render=build_card, actor=actor)
            keys += queued
            if escalation is None:
                continue
            cleared += was_live and escalation.status == "cleared"
            opened += escalation.is_live and escalation.round != was_round
    if keys:
        drain_outbox(deps, client, keys=keys)
    return opened, cleared
