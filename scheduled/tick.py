"""Run every scheduled job due at an instant, exactly once per occurrence (`tpmbot tick --at`, and the
in-process scheduler every minute).

Each occurrence is claimed under the ledger's UNIQUE key in the same transaction as the job's work
(which queues its messages), so a crash either leaves nothing (the next tick does it) or a claimed
occurrence with its messages queued (the sender delivers them).

Catch-up: a tick looks back to the previous tick (the tick mark), not just one minute, so after
downtime the occurrences it slept through are found. Those due within the grace window
(TPMBOT_CATCHUP_GRACE_MINUTES) are run late, once; older ones are recorded as ``missed`` in the
ledger and not sent, so a restart never fires a burst of stale prompts. Downtime longer than
CATCHUP_HORIZON is looked at only for its last CATCHUP_HORIZON."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.clock import ensure_utc
from bot.deps import Deps
from bot.notifier import DrainReport, drain_outbox
from bot.slack_directory import refresh_stale_timezones
from scheduled.jobs import Job, default_jobs
from storage.ledger import claim_occurrence
from storage.tick_marks import advance_tick, last_tick

log = logging.getLogger(__name__)

# A tick looks back this far, so a cron that fires a few seconds late still catches the minute.
TICK_WINDOW = timedelta(minutes=1)
CATCHUP_HORIZON = timedelta(days=2)


@dataclass
class TickReport:
    ran: list[tuple[str, str, datetime]] = field(default_factory=list)
    skipped: int = 0  # already claimed by an earlier tick or another process
    missed: list[tuple[str, str, datetime]] = field(default_factory=list)  # too late: recorded, not sent
    outbox: DrainReport | None = None


def run_due(deps: Deps, at: datetime, *, jobs: list[Job] | None = None, client: WebClient | None = None,
            window: timedelta = TICK_WINDOW, grace: timedelta | None = None) -> TickReport:
    at = ensure_utc(at)
    grace = grace if grace is not None else timedelta(minutes=deps.settings.tpmbot_catchup_grace_minutes)
    report = TickReport()
    if client is not None:
        # Prompts follow people's zones: refresh the day-old ones first (a bounded number per tick).
        refresh_stale_timezones(deps, client)
    start = None
    for job in jobs if jobs is not None else default_jobs():
        with deps.session() as session:
            if start is None:  # read with the first job's rows: one session fewer per tick
                start = lookback_start(at, last_tick(session=session), window)
            due = job.due(session, start, at)
        for item in due:
            _claim_and_run(deps, job, item, late=item.due_at < at - grace, report=report)
    with deps.session() as session:
        advance_tick(session=session, at=at)
    if client is not None:
        report.outbox = drain_outbox(deps, client)
    return report


def lookback_start(at: datetime, mark: datetime | None, window: timedelta = TICK_WINDOW) -> datetime:
    """Where this tick starts looking: the previous tick (within the horizon), or one window back."""
    start = at - window
    if mark is not None and mark < start:
        start = max(mark, at - CATCHUP_HORIZON)
    return start


def _claim_and_run(deps: Deps, job: Job, item, *, late: bool, report: TickReport) -> None:
    with deps.session() as session:
        occurrence = claim_occurrence(session=session, kind=item.kind, scope=item.scope, due_at=item.due_at,
                                      now=deps.clock.now(), status="missed" if late else "claimed")
        if occurrence is None:
            report.skipped += 1
            return
        if late:
            occurrence.detail = "missed while the scheduler was down"
            report.missed.append((item.kind, item.scope, item.due_at))
            return
        job.run(session, deps, occurrence, item)
        occurrence.status = "done"
        session.add(occurrence)
    report.ran.append((item.kind, item.scope, item.due_at))
