"""`tpmbot run` with an app-level token: Socket Mode, end to end, against the sandbox's gateway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import payloads
from sandbox.socket_mode import SocketModeGateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gateway(sandbox, workspace):
    gateway = SocketModeGateway(workspace).start().attach(sandbox)
    yield gateway
    gateway.stop()


def test_run_connects_over_socket_mode_and_answers(empty_database_url, sandbox, workspace, gateway):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_APP_TOKEN="xapp-1-test", SLACK_API_URL=sandbox.api_url,
               DATABASE_URL=empty_database_url, LOG_LEVEL="WARNING")
    process = subprocess.Popen([str(Path(sys.executable).parent / "tpmbot"), "run"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert gateway.wait_connected(timeout=30), "the app never opened a Socket Mode connection"
        command = payloads.slash_command(workspace, "/tpm", "help", "U0MIA", "C0GENERAL",
                                         sandbox.new_response_url("C0GENERAL", "U0MIA"),
                                         workspace.new_trigger_id("U0MIA"))
        ack = gateway.deliver("slash_commands", command, timeout=5)
        assert "tpmbot help" in json.dumps(ack["blocks"])
        event = payloads.event_callback(workspace, payloads.app_home_opened_event(workspace, "U0MIA"), None)
        gateway.deliver("events_api", event, timeout=5)
        [publish] = [c for c in _wait_for_calls(sandbox, "views.publish", process)]
        assert publish.args["user_id"] == "U0MIA"
        assert any(c.method == "apps.connections.open" for c in sandbox.calls)
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert "xapp-1-test" not in process.stderr.read().decode()


def _wait_for_calls(sandbox, method, process, timeout=10.0):
    """The app works after acking, in its own process: wait on the sandbox's record of its calls."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = sandbox.calls_to(method)
        if calls:
            return calls
        assert process.poll() is None
        time.sleep(0.02)  # polling another process's effect, with a deadline
    raise AssertionError(f"no {method} call within {timeout}s")
