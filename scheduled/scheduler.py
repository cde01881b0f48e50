"""The in-process scheduler: APScheduler 3.11 in UTC, one cron-like tick a minute and a frequent
outbox drain, in the one process that leads (scheduled/leader.py).

Nothing is pickled and APScheduler has no job store: its two jobs are plain functions added at start,
and everything that is scheduled (stand-up times, digests, ...) is read from database rows at each
tick by the jobs in scheduled/jobs.py. So a restart, a new leader or an edited schedule needs no
migration of scheduler state, and `tpmbot tick` and this scheduler can never double-send (the
occurrence ledger decides)."""

from __future__ import annotations

import logging
from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from bot.notifier import drain_outbox
from scheduled.tick import run_due

log = logging.getLogger(__name__)


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=timezone.utc)

    def tick() -> None:
        report = run_due(deps, deps.clock.now(), client=client)
        if report.ran or report.missed:
            log.info("tick ran %d occurrence(s); %d missed (older than the catch-up grace)",
                     len(report.ran), len(report.missed))

    every = deps.settings.tpmbot_tick_seconds
    trigger = CronTrigger(second=0, timezone=timezone.utc) if every == 60 else IntervalTrigger(seconds=every)
    scheduler.add_job(tick, trigger, id="tick", max_instances=1, coalesce=True, misfire_grace_time=50,
                      replace_existing=True)
    scheduler.add_job(lambda: drain_outbox(deps, client), IntervalTrigger(seconds=deps.settings.tpmbot_drain_seconds),
                      id="outbox", max_instances=1, coalesce=True, replace_existing=True)
    scheduler.start()
    return scheduler
