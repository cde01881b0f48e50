"""The escalation sweep: every five minutes, every open item is checked against the rules and every
live escalation climbs its ladder if a rung is due. One occurrence per sweep (the ledger makes it
once); each card and each edit is queued under its own key, so repeating a sweep sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.blocks.escalations import build_card
from bot.deps import Deps
from bot.records.registry import ESCALATING
from bot.services import escalations
from scheduled.jobs import Due
from storage.escalations import sweep_candidates
from storage.models import Occurrence
from storage.programs import active_programs

SWEEP_KIND = "escalation.sweep"
SWEEP_EVERY = timedelta(minutes=5)


def sweep_instants(start: datetime, end: datetime) -> list[datetime]:
    """Every five-minute mark in (start, end]."""
    step = int(SWEEP_EVERY.total_seconds())
    first = (int(start.timestamp()) // step + 1) * step
    return [datetime.fromtimestamp(t, tz=start.tzinfo) for t in range(first, int(end.timestamp()) + 1, step)]


class EscalationSweep:
    kind = SWEEP_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        return [Due(self.kind, "all", instant) for instant in sweep_instants(start, end)]

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        occurrence.detail = sweep(session, now=due.due_at)


def sweep(session: Session, *, now: datetime) -> str:
    programs = {program.id: program for program in active_programs(session=session)}
    opened = climbed = 0
    for item, escalation in sweep_candidates(session=session, kinds=ESCALATING):
        program = programs.get(item.program_id)
        if program is None:  # archived: its escalations wait where they are
            continue
        was = (escalation.round, escalation.level) if escalation is not None else None
        escalation, _ = escalations.step(session, escalation, item=item, program=program, now=now,
                                         render=build_card, recheck=False)
        if escalation is not None and was != (escalation.round, escalation.level):
            opened += was is None or was[0] != escalation.round
            climbed += was is not None and was[0] == escalation.round
    return f"{opened} opened, {climbed} climbed"
