"""Fixtures: a seeded workspace on a controllable clock, served on loopback."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient

from sandbox.server import SandboxServer
from sandbox.workspace import Workspace

SECRET = "sandbox-signing-secret"


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 11, 25, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def ws(clock) -> Workspace:
    return Workspace(clock=clock).seed_default()


@pytest.fixture
def srv(ws):
    with SandboxServer(ws) as server:
        yield server


@pytest.fixture
def web(srv) -> WebClient:
    return WebClient(token="xoxb-test", base_url=srv.api_url, timeout=5)


class _Recorder(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.server.received.append({"headers": dict(self.headers), "body": body})
        answer = self.server.answer
        payload = json.dumps(answer).encode() if answer is not None else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def bot_endpoint():
    """A stand-in bot that records what it receives and answers ``server.answer``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.received = []
    server.answer = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    yield server
    server.shutdown()
    server.server_close()
