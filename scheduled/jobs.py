"""Scheduled work: each job says which occurrences are due in a window, and does one of them.

A job is a thin entry point: it claims the occurrence (the ledger's UNIQUE key makes it once),
calls a service, and queues what must be posted; the notifier sends the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Protocol, TypeVar

from sqlmodel import Session

from bot.deps import Deps
from bot.services.recurrence import daily_instants
from storage.inbox import KEEP_FINISHED, forget_finished_before
from storage.ledger import EVENT_MEMORY, forget_events_before
from storage.models import Occurrence


@dataclass(frozen=True)
class Due:
    kind: str
    scope: str
    due_at: datetime
    data: dict = field(default_factory=dict, compare=False, hash=False)


HELD = "scheduled.held"
Rows = TypeVar("Rows")


def hold(session: Session, rows: list[Rows]) -> list[Rows]:
    """Keep the rows a job's ``due`` loaded referenced for the rest of the job's session (one job, one
    tick, one transaction). The identity map only holds objects something else references, so without
    this each occurrence's ``session.get`` of its program, meeting or config would read again the row
    this transaction has just read; held, the busiest tick saves a query per program and job."""
    session.info.setdefault(HELD, []).append(rows)
    return rows


class Job(Protocol):
    kind: str

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        """Occurrences with start < due_at <= end."""

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        """Do the work of one claimed occurrence, in the claim's transaction."""

    # Optional: ``prefetch(session, deps, items)`` reads (and may create) what the runs of ``items`` need, for
    # all of them at once, before a batch runs them (see scheduled.tick and storage.read_ahead).


class Housekeeping:
    """Daily at 03:00 UTC: forget Slack event ids older than Slack's retry horizon, and finished inbox rows."""

    kind = "housekeeping"

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        return [Due(self.kind, "global", instant) for instant in daily_instants(start, end, time(3, 0))]

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        removed = forget_events_before(session=session, cutoff=due.due_at - EVENT_MEMORY)
        finished = forget_finished_before(session=session, cutoff=due.due_at - KEEP_FINISHED)
        occurrence.detail = f"forgot {removed} event ids, {finished} finished requests"


def default_jobs() -> list[Job]:
    """Every feature's jobs (bot/features.py), in the order a tick runs them."""
    from bot.features import job_classes

    return [job() for job in job_classes()]
