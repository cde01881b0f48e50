"""The Bolt App factory. Nothing is built at import time: callers pass settings and get an App."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any, Callable

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deps import Deps
from bot.executor import PromptAckApp, TrackingExecutor
from bot.slack_client import make_web_client
from storage.engine import make_engine

log = logging.getLogger(__name__)


def build_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    deps: Deps | None = None,
    clock: Clock | None = None,
    socket_mode: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt App whose WebClient talks to ``settings.slack_api_url`` with retries.

    In HTTP mode every request's signature is verified (stale ones refused); in Socket Mode the
    WebSocket is the authentication and no signing secret is needed.
    """
    if not socket_mode:
        settings.require("slack_signing_secret")
    settings.require("slack_bot_token")
    if deps is None:
        deps = Deps(settings=settings, engine=make_engine(settings.database_url), clock=clock or SystemClock())
    app = PromptAckApp(
        client=client or make_web_client(settings),
        signing_secret=settings.secret("slack_signing_secret") or None,
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("tpmbot.bolt"),
        listener_executor=listener_executor or TrackingExecutor(),
    )
    app.use(_inject(deps))
    from bot.inbox import Inbox
    from handlers.teams import refuse_foreign_teams

    app.use(refuse_foreign_teams)  # nothing of a team this app is not installed in is recorded or run
    app.inbox = Inbox(deps)  # every request recorded before it is acked, recovered if abandoned (bot/inbox.py)
    app.use(app.inbox.middleware())

    from handlers.inbound_text import inbound_text
    from handlers.registry import register_all

    app.use(inbound_text)  # Slack's escaped text made plain once, before any listener sees it

    register_all(app)
    return app


def _inject(deps: Deps) -> Callable[..., BoltResponse | None]:
    def inject_deps(context: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        context["deps"] = deps
        return next()

    return inject_deps


def warm_up() -> None:
    """Pay one-off costs (holiday tables, Block Kit model imports) at start, not on the first command."""
    from bot.services.programs import is_holiday_region
    from handlers.commands import help_sections
    from bot.blocks.help import build_help

    is_holiday_region("US")
    build_help(help_sections())
