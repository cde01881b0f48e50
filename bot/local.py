"""`tpmbot run` with no Slack credentials: the sandbox workspace and the bot, both on loopback,
talking exactly as Slack and a deployed bot do (signed HTTP in, Web API calls out), and the
sandbox's browser UI to use them from."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime

from bot.clock import OffsetClock
from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.httpserver import BackgroundServer
from bot.web import EVENTS_PATH


class SandboxStack:
    """The sandbox workspace (Web API + browser UI), the bot serving /slack/events, the scheduler,
    one clock for all of them that the UI's "advance to …" moves forward, and the demo seed."""

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1", port: int = 0, bot_port: int = 0,
                 start_at: datetime | None = None, scheduler: bool = True, demo: bool = True) -> None:
        self.settings = settings
        self.host, self.port, self.bot_port = host, port, bot_port
        self.clock = OffsetClock(start_at)
        self.with_scheduler, self.with_demo = scheduler, demo
        self.sandbox = self.bot = self.server = self.scheduler = None
        self._advancing = threading.Lock()

    def start(self) -> "SandboxStack":
        from bot.demo import seed_demo
        from bot.manifest import build_manifest
        from bot.wiring import build_bot
        from sandbox.server import SandboxServer
        from sandbox.workspace import Workspace
        from scheduled.leader import lead_scheduler
        from storage.migrate import upgrade

        token = "xoxb-sandbox-" + secrets.token_hex(8)
        signing_secret = secrets.token_hex(16)
        workspace = Workspace(clock=self.clock.now)
        workspace.seed_default()
        workspace.set_token(token)
        self.sandbox = SandboxServer(workspace, host=self.host, port=self.port).start()
        local = self.settings.model_copy(update={
            "slack_bot_token": token, "slack_signing_secret": signing_secret, "slack_api_url": self.sandbox.api_url,
        })
        self.bot = build_bot(local, clock=self.clock)
        upgrade(self.bot.deps.engine)
        self.server = BackgroundServer(self.bot.wsgi, host=self.host, port=self.bot_port).start()
        driver = self.sandbox.connect_app(self.server.url + EVENTS_PATH, signing_secret, manifest=build_manifest(),
                                          clock_control=self.advance)
        if self.with_demo:
            seed_demo(driver, self.bot.wait_idle)
        if self.with_scheduler:
            self.scheduler = lead_scheduler(self.bot.deps, self.bot.app.client)
        return self

    @property
    def url(self) -> str:
        return self.sandbox.url

    @property
    def bot_url(self) -> str:
        return self.server.url + EVENTS_PATH

    def advance(self, at: datetime) -> dict:
        """Move the clock to ``at``, running every scheduled occurrence due on the way (as `tpmbot tick`)."""
        from scheduled.walk import walk

        with self._advancing:
            reports = walk(self.bot.deps, self.clock, at, client=self.bot.app.client)
        return {"steps": len(reports), "ran": sum(len(r.ran) for r in reports),
                "failed": sum(r.failed for r in reports)}

    def stop_bot(self) -> None:
        """Take the bot off the air (the sandbox keeps running): Slack would say it did not respond."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.stop_bot()
        if self.bot is not None:
            self.bot.wait_idle()
            self.bot.deps.engine.dispose()
        if self.sandbox is not None:
            self.sandbox.stop()


SANDBOX_DATABASE_URL = "sqlite:///./data/sandbox.db"


def sandbox_settings(settings: Settings) -> tuple[Settings, str]:
    """The sandbox's workspace lives in memory, so unless DATABASE_URL names a database its bot starts
    from a fresh one too (data/sandbox.db, emptied each run): no items pointing at messages that no
    longer exist. Returns the settings and a line saying which database is used."""
    if settings.database_url != DEFAULT_DATABASE_URL:
        return settings, f"database: {settings.database_url.split('@')[-1]} (from DATABASE_URL)"
    local = settings.model_copy(update={"database_url": SANDBOX_DATABASE_URL})
    path = local.sqlite_path()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return local, f"database: {path} (fresh each run; set DATABASE_URL to keep one)"


def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", port: int = 3000, bot_port: int = 0,
                ready: threading.Event | None = None, stop: threading.Event | None = None) -> None:
    settings, database = sandbox_settings(settings)
    stack = SandboxStack(settings, host=host, port=port, bot_port=bot_port).start()
    print(f"tpmbot sandbox workspace: open {stack.url} in your browser", flush=True)
    print(f"  Slack Web API (sandbox): {stack.sandbox.api_url}", flush=True)
    print(f"  bot endpoint:            {stack.bot_url}", flush=True)
    print(f"  {database}", flush=True)
    print("  Press Ctrl-C to stop.", flush=True)
    if ready is not None:
        ready.set()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
