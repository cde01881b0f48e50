"""Scenario fixtures: the real Bolt app served over real HTTP, the sandbox workspace's Web API on
loopback, and a client that sends Slack's signed payloads."""

from __future__ import annotations

import pytest

from bot.httpserver import BackgroundServer
from bot.web import EVENTS_PATH
from bot.wiring import build_bot
from sandbox.client import SlackPayloadClient
from sandbox.server import SandboxServer
from sandbox.workspace import Workspace


@pytest.fixture
def workspace() -> Workspace:
    ws = Workspace()
    ws.seed_default()
    ws.set_token("xoxb-test-token")
    return ws


@pytest.fixture
def sandbox(workspace):
    server = SandboxServer(workspace)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bot(settings, deps, sandbox):
    local = settings.model_copy(update={"slack_api_url": sandbox.api_url})
    deps.settings = local
    bot = build_bot(local, deps=deps)
    server = BackgroundServer(bot.wsgi).start()
    bot.url = server.url + EVENTS_PATH
    yield bot
    bot.wait_idle()
    server.stop()


@pytest.fixture
def slack(bot, workspace, sandbox, settings) -> SlackPayloadClient:
    return SlackPayloadClient(bot.url, settings.secret("slack_signing_secret"), workspace, sandbox)
