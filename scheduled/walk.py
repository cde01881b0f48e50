"""Walk the scheduler across a span of time in one go (the sandbox's "advance to …" control).

Each step runs `run_due` — the path of `tpmbot tick` — at the next instant something is due, with the
clock moved there first, so every occurrence runs once, in order, seeing the time it was due at.
Frequent housekeeping-like occurrences (the five-minute escalation sweep) do not make steps of their
own: they are caught by the window of the next step, and their runs use their own due time.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.clock import OffsetClock, ensure_utc
from bot.deps import Deps
from scheduled.escalation_jobs import SWEEP_KIND
from scheduled.jobs import Job, default_jobs
from scheduled.tick import TickReport, run_due

# Kinds whose occurrences ride along with the next step instead of making one.
RIDE_ALONG = frozenset({SWEEP_KIND})


def next_instant(deps: Deps, start: datetime, end: datetime, jobs: list[Job]) -> datetime:
    """The first instant in (start, end] at which a job other than the ride-along ones is due, else end."""
    first = end
    with deps.session() as session:
        for job in jobs:
            if job.kind in RIDE_ALONG:
                continue
            for item in job.due(session, start, end):
                first = min(first, item.due_at)
    return first


def walk(deps: Deps, clock: OffsetClock, to: datetime, *, client: WebClient | None = None,
         jobs: list[Job] | None = None) -> list[TickReport]:
    """Advance ``clock`` to ``to``, running every occurrence due on the way; returns each step's report."""
    jobs = jobs if jobs is not None else default_jobs()
    to = ensure_utc(to)
    at = clock.now()
    reports = []
    while at < to:
        step = next_instant(deps, at, to, jobs)
        clock.advance_to(step)
        # The whole step is this walk's own window: nothing on the way is "missed", however long the step.
        reports.append(run_due(deps, step, jobs=jobs, client=client, window=step - at, grace=step - at))
        at = step
    return reports
