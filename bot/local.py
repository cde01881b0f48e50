"""`tpmbot run` with no Slack credentials: the sandbox workspace and the bot, both on loopback,
talking exactly as Slack and a deployed bot do (signed HTTP in, Web API calls out)."""

from __future__ import annotations

import secrets
import threading

from bot.config import Settings
from bot.httpserver import BackgroundServer
from bot.web import EVENTS_PATH


def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", port: int = 3000, bot_port: int = 0,
                ready: threading.Event | None = None, stop: threading.Event | None = None) -> None:
    from sandbox.server import SandboxServer
    from sandbox.workspace import Workspace
    from bot.wiring import build_bot
    from scheduled.leader import lead_scheduler
    from storage.migrate import upgrade

    token = "xoxb-sandbox-" + secrets.token_hex(8)
    signing_secret = secrets.token_hex(16)
    workspace = Workspace()
    workspace.seed_default()
    workspace.set_token(token)
    sandbox = SandboxServer(workspace, host=host, port=port)
    sandbox.start()
    local = settings.model_copy(update={
        "slack_bot_token": token, "slack_signing_secret": signing_secret, "slack_api_url": sandbox.api_url,
    })
    bot = build_bot(local)
    upgrade(bot.deps.engine)
    server = BackgroundServer(bot.wsgi, host=host, port=bot_port).start()
    connect = getattr(sandbox, "connect_app", None)
    if connect is not None:
        connect(server.url + EVENTS_PATH, signing_secret)
    scheduler = lead_scheduler(bot.deps, bot.app.client)
    print(f"tpmbot sandbox workspace: {sandbox.api_url.removesuffix('api/')}", flush=True)
    print(f"  Slack Web API (sandbox): {sandbox.api_url}", flush=True)
    print(f"  bot endpoint:            {server.url}{EVENTS_PATH}", flush=True)
    print("  Press Ctrl-C to stop.", flush=True)
    if ready is not None:
        ready.set()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
        server.stop()
        sandbox.stop()
