"""Clients that send their body slowly, before any signature can be checked, cannot freeze `tpmbot serve`:
each body is read within a deadline (408 after it), so /healthz and Slack's signed requests still answer.

The deadline bounds what each slow connection costs; keeping many of them away from the app is the job of
the proxy in front (see the README's production settings)."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import urllib.request

from bot.web import BODY_DEADLINE_SECONDS
from sandbox.client import SlackPayloadClient
from sandbox.net import free_port
from tests.scenarios.test_processes import ROOT, TPMBOT, env_for, wait_for_health

THREADS = 4
SLOW_CLIENTS = THREADS  # every thread the server has: before the fix, everything else waited for as long as they sent


def slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ncommand=")
    return sock


def trickle(socks: list[socket.socket], stop: threading.Event) -> None:
    """A byte on every connection every 0.2 s, for as long as the server takes it."""
    while not stop.wait(0.2):
        for sock in socks:
            try:
                sock.send(b"a")
            except OSError:
                pass


def test_slow_bodies_do_not_hold_the_server(tmp_path, sandbox, workspace):
    port = free_port()
    env = env_for(f"sqlite:///{tmp_path / 'slow.db'}", SLACK_BOT_TOKEN="xoxb-test-token",
                  SLACK_SIGNING_SECRET="slow-secret", SLACK_API_URL=sandbox.api_url)
    process = subprocess.Popen([TPMBOT, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                                "--threads", str(THREADS), "--no-scheduler"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop = threading.Event()
    socks: list[socket.socket] = []
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
        socks = [slow_client(port) for _ in range(SLOW_CLIENTS)]
        trickler = threading.Thread(target=trickle, args=(socks, stop), daemon=True)
        trickler.start()

        began = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=BODY_DEADLINE_SECONDS * 3) as health:
            assert health.status == 200
        slack = SlackPayloadClient(f"http://127.0.0.1:{port}/slack/events", "slow-secret", workspace, sandbox,
                                   timeout=BODY_DEADLINE_SECONDS * 3)
        response = slack.command("/tpm", "help", user="U0PRIYA", channel="C0GENERAL")
        assert response.status == 200 and "tpmbot help" in json.dumps(response.json)
        # Every slow body is cut off at its deadline, however steadily it trickles in.
        assert time.monotonic() - began < BODY_DEADLINE_SECONDS + 3

        for sock in socks:
            sock.settimeout(BODY_DEADLINE_SECONDS + 3)
            assert sock.recv(64).startswith(b"HTTP/1.1 408"), "a slow body is answered 408"
    finally:
        stop.set()
        for sock in socks:
            sock.close()
        process.terminate()
        process.wait(timeout=15)
    log = process.stderr.read().decode()
    assert "xoxb-test-token" not in log and "slow-secret" not in log and "Traceback" not in log
