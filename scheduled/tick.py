"""Run every scheduled job due at an instant, exactly once per occurrence (`tpmbot tick --at`)."""

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
from storage.ledger import claim_occurrence, claimed_keys

log = logging.getLogger(__name__)

# A tick looks back this far, so a cron that fires a few seconds late still catches the minute.
TICK_WINDOW = timedelta(minutes=1)


@dataclass
class TickReport:
    ran: list[tuple[str, str, datetime]] = field(default_factory=list)
    skipped: int = 0  # already claimed by an earlier tick or another process
    failed: int = 0  # raised: rolled back (nothing claimed, nothing queued) and logged
    outbox: DrainReport | None = None


def run_due(deps: Deps, at: datetime, *, jobs: list[Job] | None = None, client: WebClient | None = None,
            window: timedelta = TICK_WINDOW) -> TickReport:
    at = ensure_utc(at)
    report = TickReport()
    if client is not None:
        # Prompts follow people's zones: refresh the day-old ones first (a bounded number per tick).
        refresh_stale_timezones(deps, client)
    for job in jobs if jobs is not None else default_jobs():
        # One transaction per job and tick, one savepoint per occurrence: the claim and what the job queues
        # commit together (or not at all), and one failing occurrence does not hold back the others.
        with deps.session() as session:
            due = job.due(session, at - window, at)
            claimed = claimed_keys(session=session, kind=job.kind, start=at - window, end=at) if due else set()
            for item in due:
                if (item.scope, item.due_at) in claimed:
                    report.skipped += 1
                    continue
                try:
                    with session.begin_nested():
                        occurrence = claim_occurrence(session=session, kind=item.kind, scope=item.scope,
                                                      due_at=item.due_at, now=deps.clock.now())
                        if occurrence is None:
                            report.skipped += 1
                            continue
                        job.run(session, deps, occurrence, item)
                        occurrence.status = "done"
                        session.add(occurrence)
                except Exception:  # logged with the occurrence; the tick goes on with the others
                    log.exception("scheduled %s %s due %s failed", item.kind, item.scope, item.due_at.isoformat())
                    report.failed += 1
                    continue
                report.ran.append((item.kind, item.scope, item.due_at))
    if client is not None:
        report.outbox = drain_outbox(deps, client)
    return report
