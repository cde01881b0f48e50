"""`tpmbot run` with no Slack credentials: the sandbox workspace and the bot, both on loopback,
talking exactly as Slack and a deployed bot do (signed HTTP in, Web API calls out), and the
sandbox's browser UI to use them from."""

from __future__ import annotations

import errno
import secrets
import socket
import threading
import zlib
from datetime import datetime

from pydantic import SecretStr

from bot.clock import OffsetClock
from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.httpserver import BackgroundServer
from bot.web import EVENTS_PATH


class SandboxStack:
    """The sandbox workspace (Web API + browser UI), the bot serving /slack/events, the scheduler,
    one clock for all of them that the UI's "advance to …" moves forward, and the demo seed."""

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1", port: int = 0, bot_port: int = 0,
                 start_at: datetime | None = None, scheduler: bool = True, demo: bool = True,
                 fresh_database: bool = False) -> None:
        self.settings = settings
        self.fresh_database = fresh_database  # the sandbox's own database (see sandbox_settings), once bound
        self.database = f"database: {settings.database_url.split('@')[-1]}"
        self.host, self.port, self.bot_port = host, port, bot_port
        self.clock = OffsetClock(start_at)
        self.with_scheduler, self.with_demo = scheduler, demo
        self.sandbox = self.bot = self.server = self.scheduler = None
        self.github = self.jira = None  # the stand-in trackers (sandbox/github.py, sandbox/jira.py)
        self._runs = 0
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
        try:
            self.sandbox = SandboxServer(workspace, host=self.host, port=self.port).start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(self.host, self.port) from None
            raise
        if self.fresh_database:  # only now that the port is ours: a sandbox already on it keeps its database
            self.settings, self.database = sandbox_settings(self.settings, self.sandbox.port)
        self.github, self.jira = _start_trackers()
        local = self.settings.model_copy(update={
            "slack_bot_token": token, "slack_signing_secret": signing_secret, "slack_api_url": self.sandbox.api_url,
            "github_token": SecretStr(self.github.token), "github_api_url": self.github.url,
            "github_webhook_secret": SecretStr(secrets.token_hex(16)), "jira_url": self.jira.url,
            "jira_email": self.jira.email, "jira_api_token": SecretStr(self.jira.token),
            "jira_webhook_secret": SecretStr(secrets.token_hex(16)),
        })
        self.bot = build_bot(local, clock=self.clock)
        upgrade(self.bot.deps.engine)
        self.server = BackgroundServer(self.bot.wsgi, host=self.host, port=self.bot_port).start()
        driver = self.sandbox.connect_app(self.server.url + EVENTS_PATH, signing_secret, manifest=build_manifest(),
                                          clock_control=self.advance)
        if self.with_demo:
            seed_demo(driver, self.bot.wait_idle)
            driver.slash_command("U0ALICE", "C0APOLLO", "/tpm", f"connect github {DEMO_REPO}")
            self.bot.wait_idle()
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

    def build(self, conclusion: str, workflow: str = "CI", author_email: str = "dieter@sandbox.slack.test") -> int:
        """A run of ``workflow`` on the demo repository's default branch, completed with ``conclusion``
        (failure, success, …), delivered to the bot as GitHub would (signed); the HTTP status it answered."""
        from handlers.integrations import GITHUB_PATH
        from sandbox.github import deliver, workflow_run_event

        self._runs += 1
        repo = self.github.repos[DEMO_REPO.lower()]
        document = workflow_run_event(repo, run_id=self._runs, conclusion=conclusion, name=workflow,
                                      workflow_id=zlib.crc32(workflow.encode()) % 10_000, author_email=author_email,
                                      updated_at=self.clock.now().isoformat())
        status = deliver(self.server.url + GITHUB_PATH, self.bot.deps.settings.secret("github_webhook_secret"),
                         "workflow_run", document, f"sandbox-{secrets.token_hex(8)}")
        self.bot.wait_idle()
        return status

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
        for tracker in (self.github, self.jira):
            if tracker is not None:
                tracker.stop()


DEMO_REPO, DEMO_PROJECT = "apollo/launch", "APOLLO"


def _start_trackers():
    """The stand-in GitHub (with the demo repository) and Jira (with the demo project), on loopback."""
    from sandbox.github import GitHubStandIn
    from sandbox.jira import JiraStandIn

    github = GitHubStandIn(token="ghp-sandbox-" + secrets.token_hex(8)).start()
    github.add_repo(DEMO_REPO, default_branch="main")
    jira = JiraStandIn(token="jira-sandbox-" + secrets.token_hex(8)).start()
    jira.add_project(DEMO_PROJECT, "Apollo launch")
    return github, jira


SANDBOX_PORT = 3000
SANDBOX_DATABASE_URL = "sqlite:///./data/sandbox.db"


class PortInUse(Exception):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"port {port} is in use")
        self.host, self.port = host, port

    def suggestion(self) -> int:
        """The next port up that is free now (any free one if none of the next 50 is)."""
        for candidate in range(self.port + 1, min(self.port + 51, 65536)):
            if _bindable(self.host, candidate):
                return candidate
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            return probe.getsockname()[1]


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def sandbox_database_url(port: int = SANDBOX_PORT) -> str:
    """Each sandbox port has its own database file, so two sandboxes never share (or empty) one."""
    return SANDBOX_DATABASE_URL if port == SANDBOX_PORT else f"sqlite:///./data/sandbox-{port}.db"


def sandbox_settings(settings: Settings, port: int = SANDBOX_PORT) -> tuple[Settings, str]:
    """The sandbox's workspace lives in memory, so unless DATABASE_URL names a database its bot starts
    from a fresh one too (data/sandbox.db, or data/sandbox-<port>.db on another port, emptied each run):
    no items pointing at messages that no longer exist. Returns the settings and a line saying which
    database is used. Call it only once the sandbox's port is bound (SandboxStack does)."""
    if settings.database_url != DEFAULT_DATABASE_URL:
        return settings, f"database: {settings.database_url.split('@')[-1]} (from DATABASE_URL)"
    local = settings.model_copy(update={"database_url": sandbox_database_url(port)})
    path = local.sqlite_path()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return local, f"database: {path} (fresh each run; set DATABASE_URL to keep one)"


def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", port: int | None = None, bot_port: int = 0,
                ready: threading.Event | None = None, stop: threading.Event | None = None) -> None:
    """Start the sandbox on ``port``; with none given, on SANDBOX_PORT or, when that is taken (another
    sandbox, say), the next free port up. A port given and taken raises PortInUse, nothing touched."""
    candidates = [port] if port is not None else [SANDBOX_PORT, *range(SANDBOX_PORT + 1, SANDBOX_PORT + 21), 0]
    for at, candidate in enumerate(candidates):
        try:
            stack = SandboxStack(settings, host=host, port=candidate, bot_port=bot_port, fresh_database=True).start()
            break
        except PortInUse:
            if at == len(candidates) - 1:
                raise
    if stack.sandbox.port != candidates[0]:
        print(f"port {candidates[0]} is in use (another sandbox?): this one is on port {stack.sandbox.port}",
              flush=True)
    print(f"tpmbot sandbox workspace: open {stack.url} in your browser", flush=True)
    print(f"  Slack Web API (sandbox): {stack.sandbox.api_url}", flush=True)
    print(f"  bot endpoint:            {stack.bot_url}", flush=True)
    print(f"  GitHub (stand-in):       {stack.github.url} ({DEMO_REPO}, connected to #program-apollo)", flush=True)
    print(f"  Jira (stand-in):         {stack.jira.url} (project {DEMO_PROJECT})", flush=True)
    print(f"  {stack.database}", flush=True)
    print("  Press Ctrl-C to stop.", flush=True)
    if ready is not None:
        ready.set()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
