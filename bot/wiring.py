"""Putting the parts together for each way tpmbot runs: HTTP (gunicorn worker, or an in-process
server for the sandbox and tests) and Socket Mode."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy import text

from bot.app import build_app, warm_up
from bot.clock import Clock, SystemClock, clock_from_setting
from bot.config import Settings
from bot.deps import Deps
from bot.executor import TrackingExecutor
from handlers.integrations import GITHUB_PATH, JIRA, JIRA_PATH, Webhook
from bot.slack_client import make_web_client
from bot.web import SlackWSGI
from storage.engine import make_engine


@dataclass
class Bot:
    deps: Deps
    app: App
    wsgi: SlackWSGI | None  # HTTP mode only; Socket Mode needs no endpoint
    executor: TrackingExecutor
    github: Webhook | None = None  # POST /integrations/github (HTTP mode)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait for the work listeners do after ack() (replies, modals, posts) to finish."""
        return self.executor.wait_idle(timeout)


def make_deps(settings: Settings, clock: Clock | None = None) -> Deps:
    if clock is None:
        clock = clock_from_setting(settings.tpmbot_test_clock) if settings.tpmbot_test_clock else SystemClock()
    return Deps(settings=settings, engine=make_engine(settings.database_url), clock=clock)


def build_bot(settings: Settings, *, deps: Deps | None = None, clock: Clock | None = None,
              socket_mode: bool = False) -> Bot:
    deps = deps or make_deps(settings, clock)
    executor = TrackingExecutor()
    app = build_app(settings, make_web_client(settings), deps=deps, socket_mode=socket_mode,
                    listener_executor=executor)
    warm_up()

    def healthy() -> bool:
        try:
            with deps.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return False

    github, jira = Webhook(deps, app.client, executor), Webhook(deps, app.client, executor, JIRA)
    app.inbox.sweeps = [github.apply_pending]  # deliveries recorded but never applied (either tracker's)
    wsgi = None if socket_mode else SlackWSGI(app, settings.secret("slack_signing_secret"), health=healthy,
                                              routes={GITHUB_PATH: github, JIRA_PATH: jira})
    return Bot(deps, app, wsgi, executor, github)
