"""`tpmbot serve`: the WSGI app under gunicorn's threaded workers (measured fastest for a sync
Bolt app on this hardware; see bench/). Migrations run once in the master before workers fork."""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger(__name__)


class GunicornServer(BaseApplication):
    def __init__(self, settings: Settings, host: str, port: int, workers: int, threads: int,
                 scheduler: bool = True) -> None:
        self.settings = settings
        self.options = {
            "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
            "backlog": 2048, "keepalive": 5, "timeout": 30, "graceful_timeout": 10, "accesslog": None,
            "loglevel": settings.log_level.lower(), "proc_name": "tpmbot",
        }
        self.scheduler = scheduler
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from bot.logging_setup import configure_logging
        from bot.wiring import build_bot
        from scheduled.leader import lead_scheduler

        configure_logging(self.settings.log_level)
        bot = build_bot(self.settings)
        bot.app.inbox.start_recovery(bot.app)  # in each worker: a dead predecessor's requests are taken over
        if self.scheduler:
            # Every worker of every process competes; exactly one runs the scheduler (scheduled/leader.py).
            lead_scheduler(bot.deps, bot.app.client)
        return bot.wsgi
