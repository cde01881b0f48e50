"""The in-process scheduler: APScheduler 3.11 in UTC, one cron-like tick a minute and a frequent
outbox drain. Jobs are plain functions rebuilt at start (nothing pickled): the database, not the
scheduler, holds the state, so `tpmbot tick` and this scheduler can never double-send."""

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
        if report.ran:
            log.info("tick ran %d occurrence(s)", len(report.ran))

    scheduler.add_job(tick, CronTrigger(second=0, timezone=timezone.utc), id="tick", max_instances=1,
                      coalesce=True, misfire_grace_time=50, replace_existing=True)
    scheduler.add_job(lambda: drain_outbox(deps, client), IntervalTrigger(seconds=5), id="outbox",
                      max_instances=1, coalesce=True, replace_existing=True)
    scheduler.start()
    return scheduler
