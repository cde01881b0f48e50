"""Coordination in the status report: the dependencies a program waits on and the ones asked of it, and the
KPIs of the handshake — dependency turnaround (asked → first answer), on-time delivery, and, when change
requests are recorded, their cycle time and how many were approved this week.

Everything here is computed from the records the report has read already (its open records and those
closed in the last 30 days) plus one query for what other programs asked of this one, batched across a
tick's reports; so it costs the same after a year as after a week."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.records.kinds import change as change_kind
from bot.records.kinds import dependency as dependency_kind
from bot.records.kinds.change import ChangeStatus
from bot.records.kinds.dependency import State, instant
from storage import dependencies as store
from storage.models import Program
from storage.raid_models import Item
from storage.read_ahead import MISSING, stash, take

DEPENDENCY, CHANGE = dependency_kind.SPEC.name, change_kind.SPEC.name
WEEK = timedelta(days=7)
DECIDED = (ChangeStatus.APPROVED, ChangeStatus.REJECTED)
WINDOW = timedelta(days=30)  # the KPIs' window, the report's MTTR window too
INCOMING = "status.incoming_dependencies"


@dataclass(frozen=True)
class ChangeKpis:
    """Change requests decided (approved or rejected) in the window."""

    cycle_hours: float | None = None  # mean asked → decided, over the window
    decided: int = 0
    approved_this_week: int = 0


@dataclass(frozen=True)
class Coordination:
    waiting_on: list[Item] = field(default_factory=list)  # our open dependencies, soonest due first
    asked_of_us: list[tuple[Item, Program]] = field(default_factory=list)  # open, asked of this program
    turnaround_hours: float | None = None  # mean asked → first answer, of dependencies answered in the window
    answered: int = 0
    delivered: int = 0  # in the window
    on_time: int = 0  # of those, delivered by the date committed to
    changes: ChangeKpis = ChangeKpis()


def read_ahead(*, session: Session, program_ids: list[int]) -> None:
    """The dependencies asked of each program, for `incoming` to take: one query for the whole batch."""
    found = store.open_asked_of_programs(session=session, program_ids=program_ids)
    for program_id in program_ids:
        stash(session, INCOMING, program_id, found.get(program_id, []))


def incoming(session: Session, program: Program) -> list[tuple[Item, Program]]:
    rows = take(session, INCOMING, program.id)
    if rows is MISSING:
        rows = store.open_asked_of_programs(session=session, program_ids=[program.id]).get(program.id, [])
    return rows


@dataclass(frozen=True)
class OpenDependencies:
    """A program's open dependencies both ways, for the digest and the agenda: what it waits on (asked by
    it, soonest due first) and what other programs asked of it (oldest first, with the program asking).
    What another program asked is shown with only what its requester wrote — the same rule as the status
    report's (bot/blocks/dependencies.dependency_line) — never its other records."""

    waiting_on: list = field(default_factory=list)
    asked_of_us: list[tuple[Item, Program]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.waiting_on or self.asked_of_us)


def _open_dependencies(waiting_on: list, asked_of_us: list[tuple[Item, Program]]) -> OpenDependencies:
    return OpenDependencies(sorted(waiting_on, key=lambda i: (i.due_at is None, i.due_at.timestamp() if i.due_at
                                                               else 0, i.number)), list(asked_of_us))


def read_ahead_open(*, session: Session, what: str, occasions: list[tuple[Hashable, int]]) -> None:
    """For each (key, program id) of a batch — a tick's digests (``what`` names which surface): the
    program's open dependencies both ways, left under (what, key) for `open_dependencies` to take; one
    query for the whole batch, whatever the number of programs."""
    found = store.open_both_ways(session=session, program_ids=sorted({pid for _, pid in occasions}))
    for key, program_id in occasions:
        stash(session, what, key, _open_dependencies(*found.get(program_id, ([], []))))


def open_dependencies(session: Session, program: Program, what: str, key: Hashable) -> OpenDependencies:
    """What `read_ahead_open` left for (what, key), or one query of its own."""
    read = take(session, what, key)
    if read is MISSING:
        read = _open_dependencies(*store.open_both_ways(session=session, program_ids=[program.id])[program.id])
    return read


def change_kpis(recent: list, now: datetime) -> ChangeKpis:
    decided = [i for i in recent if i.kind == CHANGE and i.status in DECIDED and i.closed_at is not None
               and i.closed_at > now - WINDOW]
    hours = [(i.closed_at - i.created_at).total_seconds() / 3600 for i in decided]
    return ChangeKpis(cycle_hours=sum(hours) / len(hours) if hours else None, decided=len(decided),
                      approved_this_week=sum(1 for i in decided if i.status == ChangeStatus.APPROVED
                                             and i.closed_at > now - WEEK))


def coordination(session: Session, program: Program, open_items: list, recent: list, now: datetime) -> Coordination:
    """``open_items``: the program's open records; ``recent``: those closed in the last 30 days."""
    since = now - WINDOW
    mine = [i for i in [*open_items, *recent] if i.kind == DEPENDENCY]
    answered = [(instant(i, "answered_at") - i.created_at).total_seconds() / 3600 for i in mine
                if instant(i, "answered_at") is not None and instant(i, "answered_at") > since]
    delivered = [i for i in mine if i.status == State.DELIVERED and i.closed_at is not None and i.closed_at > since]
    on_time = [i for i in delivered if (instant(i, "committed") or i.due_at) is not None
               and i.closed_at <= (instant(i, "committed") or i.due_at)]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return Coordination(
        waiting_on=sorted((i for i in open_items if i.kind == DEPENDENCY), key=lambda i: (i.due_at or far, i.number)),
        asked_of_us=incoming(session, program),
        turnaround_hours=sum(answered) / len(answered) if answered else None, answered=len(answered),
        delivered=len(delivered), on_time=len(on_time), changes=change_kpis(recent, now))
