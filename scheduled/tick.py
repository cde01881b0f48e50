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
from sqlalchemy.exc import IntegrityError

from bot.clock import ensure_utc
from bot.deps import Deps
from bot.notifier import DrainReport, drain_outbox
from bot.slack_directory import refresh_stale_timezones
from bot.channel_directory import refresh_stale_channels
from scheduled.jobs import Job, default_jobs
from storage.ledger import claim_occurrence, claim_occurrences, claimed_keys, record_detail
from storage.read_ahead import batched, forget_read_ahead
from storage.tick_marks import advance_tick, last_tick

log = logging.getLogger(__name__)

# A tick looks back this far, so a cron that fires a few seconds late still catches the minute.
TICK_WINDOW = timedelta(minutes=1)
CATCHUP_HORIZON = timedelta(days=2)
MISSED = "missed while the scheduler was down"


@dataclass
class TickReport:
    ran: list[tuple[str, str, datetime]] = field(default_factory=list)
    skipped: int = 0  # already claimed by an earlier tick or another process
    missed: list[tuple[str, str, datetime]] = field(default_factory=list)  # too late: recorded, not sent
    failed: int = 0  # raised: rolled back (nothing claimed, nothing queued) and logged; retried next tick
    retry_from: datetime | None = None  # the earliest failed occurrence's due instant: the mark stops short of it
    outbox: DrainReport | None = None


def run_due(deps: Deps, at: datetime, *, jobs: list[Job] | None = None, client: WebClient | None = None,
            window: timedelta = TICK_WINDOW, grace: timedelta | None = None) -> TickReport:
    at = ensure_utc(at)
    grace = grace if grace is not None else timedelta(minutes=deps.settings.tpmbot_catchup_grace_minutes)
    report = TickReport()
    if client is not None:
        # Prompts follow people's zones: refresh the day-old ones first (a bounded number per tick).
        refresh_stale_timezones(deps, client)
        # The portfolio digests list what their channels' members may read: who that is, refreshed likewise.
        refresh_stale_channels(deps, client)
    start = None
    for job in jobs if jobs is not None else default_jobs():
        # One transaction per job and tick: the claims and what the job queues commit together (or not at
        # all). The job's occurrences first run together in one savepoint; if any of them fails, that
        # savepoint is rolled back and they run again one savepoint each, so a failing occurrence does not
        # hold back the others.
        with deps.session() as session:
            if start is None:  # read with the first job's rows: one session fewer per tick
                start = lookback_start(at, last_tick(session=session), window)
            due = job.due(session, start, at)
            claimed = claimed_keys(session=session, kind=job.kind, start=start, end=at) if due else set()
            # One per key (a person listed twice is prompted once), claimed in one order by every tick
            # (earliest first), so two overlapping ticks on PostgreSQL wait on each other instead of deadlocking.
            unclaimed = {(item.scope, item.due_at): item for item in due if (item.scope, item.due_at) not in claimed}
            todo = sorted(unclaimed.values(), key=lambda item: (item.due_at, item.scope))
            report.skipped += len(due) - len(todo)
            late = at - grace
            if len(todo) > 1 and _run_together(session, deps, job, todo, late=late, report=report):
                continue
            for item in todo:
                _claim_and_run(session, deps, job, item, late=item.due_at < late, report=report)
    with deps.session() as session:
        # A failed occurrence is retried by the next tick only if that tick looks back to it: the mark stops
        # just short of it (and stays there until the occurrence runs, or is recorded missed after the grace).
        mark = at if report.retry_from is None else min(at, report.retry_from - timedelta(microseconds=1))
        advance_tick(session=session, at=mark)
    if client is not None:
        report.outbox = drain_outbox(deps, client)
    return report


def lookback_start(at: datetime, mark: datetime | None, window: timedelta = TICK_WINDOW) -> datetime:
    """Where this tick starts looking: the previous tick (within the horizon), or one window back."""
    start = at - window
    if mark is not None and mark < start:
        start = max(mark, at - CATCHUP_HORIZON)
    return start


class _Taken(Exception):
    """The occurrence's key is already in the ledger."""


def _run_together(session, deps: Deps, job: Job, items: list, *, late: datetime, report: TickReport) -> bool:
    """Claim and run ``items`` in one savepoint, with one INSERT for their claims, what the job read (and
    created) ahead for all of them (``prefetch``) serving each one, and what they queued written by one
    flush at the end. On a networked database each statement is a round trip: the busiest tick takes a
    handful of statements where it took 33 per program. False, with nothing left of the attempt (rows,
    read-ahead), if any occurrence failed or a key was taken meanwhile: the caller then runs them one by
    one, each in its own savepoint, as a tick of a single occurrence always does."""
    together = TickReport()
    prefetch = getattr(job, "prefetch", None)
    try:
        with batched(session), session.begin_nested():
            # All claims in one INSERT: a key taken meanwhile fails it, and the batch runs one by one.
            claims = claim_occurrences(session=session, now=deps.clock.now(), claims=[
                (item.kind, item.scope, item.due_at, *_outcome(item.due_at < late)) for item in items])
            if prefetch is not None:
                prefetch(session, deps, [item for item in items if item.due_at >= late])
            for item, occurrence in zip(items, claims, strict=True):
                _run_claimed(session, deps, job, item, occurrence, late=item.due_at < late, report=together)
            session.flush()  # what the jobs left in the session fails here, inside the batch, if it fails
    except Exception:  # noqa: BLE001 - each occurrence runs again in its own savepoint, and logs its own failure
        log.info("scheduled %s: %d occurrences run again one by one", job.kind, len(items), exc_info=True)
        return False
    finally:
        forget_read_ahead(session)  # what no occurrence took: nothing after the batch may take it, stale
    report.ran += together.ran
    report.missed += together.missed
    return True


def _claim_and_run_one(session, deps: Deps, job: Job, item, *, late: bool, report: TickReport) -> None:
    """Claim the occurrence (raising _Taken if it is already claimed) and do its work, in the caller's savepoint."""
    try:
        # Written with its outcome: the claim and the job's work commit together or not at all, so
        # no one ever sees it merely "claimed", and it takes no second write (an UPDATE each).
        status, detail = _outcome(late)
        occurrence = claim_occurrence(session=session, kind=item.kind, scope=item.scope,
                                      due_at=item.due_at, now=deps.clock.now(),
                                      status=status, savepoint=False, detail=detail)
    except IntegrityError:
        raise _Taken from None
    _run_claimed(session, deps, job, item, occurrence, late=late, report=report)


def _outcome(late: bool) -> tuple[str, str]:
    """(status, detail) an occurrence is claimed with: the claim is written with its outcome."""
    return ("missed", MISSED) if late else ("done", "")


def _run_claimed(session, deps: Deps, job: Job, item, occurrence, *, late: bool, report: TickReport) -> None:
    if late:
        report.missed.append((item.kind, item.scope, item.due_at))
        return
    job.run(session, deps, occurrence, item)
    record_detail(session=session, occurrence=occurrence)
    report.ran.append((item.kind, item.scope, item.due_at))


def _claim_and_run(session, deps: Deps, job: Job, item, *, late: bool, report: TickReport) -> None:
    one = TickReport()  # counted as ran or missed only once its savepoint is released
    try:
        with session.begin_nested():
            _claim_and_run_one(session, deps, job, item, late=late, report=one)
    except _Taken:  # claimed meanwhile by another tick or process: its savepoint is rolled back
        report.skipped += 1
        return
    except Exception:  # noqa: BLE001 - logged; the tick goes on with the other occurrences
        log.exception("scheduled %s %s due %s failed", item.kind, item.scope, item.due_at.isoformat())
        report.failed += 1
        report.retry_from = min(report.retry_from or item.due_at, item.due_at)
        forget_read_ahead(session)  # what it cached (a day's run) went with its savepoint: the next one reads anew
        return
    report.ran += one.ran
    report.missed += one.missed
