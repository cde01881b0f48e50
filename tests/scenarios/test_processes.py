"""The `tpmbot` command as a newcomer and an operator use it: real processes, real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sandbox.client import SlackPayloadClient
from sandbox.net import free_port

ROOT = Path(__file__).resolve().parents[2]
TPMBOT = str(Path(sys.executable).parent / "tpmbot")


def env_for(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING", **extra)
    return env



def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # readiness poll of a starting process
    raise AssertionError(f"{url} did not come up")


def test_serve_answers_a_signed_help_and_rejects_a_forged_one(empty_database_url, sandbox, workspace):
    port = free_port()
    env = env_for(empty_database_url, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET="proc-secret",
                  SLACK_API_URL=sandbox.api_url)
    process = subprocess.Popen([TPMBOT, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                                "--threads", "4", "--no-scheduler"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
        slack = SlackPayloadClient(f"http://127.0.0.1:{port}/slack/events", "proc-secret", workspace, sandbox)
        began = time.monotonic()
        response = slack.command("/tpm", "help", user="U0PRIYA", channel="C0GENERAL")
        assert time.monotonic() - began < 3
        assert response.status == 200 and "tpmbot help" in json.dumps(response.json)
        assert slack.command("/tpm", "help", secret="forged").status == 401
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert "xoxb-test-token" not in process.stderr.read().decode()


def test_serve_refuses_to_start_without_its_secrets(empty_database_url):
    result = subprocess.run([TPMBOT, "serve", "--port", str(free_port())], env=env_for(empty_database_url),
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr


def test_run_with_only_a_bot_token_says_what_is_missing(empty_database_url):
    result = subprocess.run([TPMBOT, "run"], env=env_for(empty_database_url, SLACK_BOT_TOKEN="xoxb-x"),
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "SLACK_APP_TOKEN" in result.stderr


def test_tick_runs_each_occurrence_once(empty_database_url):
    env = env_for(empty_database_url)
    first = subprocess.run([TPMBOT, "tick", "--at", "2026-12-01T03:00:20Z"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    again = subprocess.run([TPMBOT, "tick", "--at", "2026-12-01T03:00:40Z"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and "ran housekeeping global due 2026-12-01T03:00:00+00:00" in first.stdout
    assert "ran escalation.sweep all due 2026-12-01T03:00:00+00:00" in first.stdout
    assert again.returncode == 0 and "0 ran, 2 already done" in again.stdout
    after_outage = subprocess.run([TPMBOT, "tick", "--at", "2026-12-03T03:10:00Z"], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=60)  # down for two days
    assert "missed housekeeping global due 2026-12-02T03:00:00+00:00" in after_outage.stdout
    assert "ran housekeeping global due 2026-12-03T03:00:00+00:00" in after_outage.stdout  # within the grace
    bad = subprocess.run([TPMBOT, "tick", "--at", "tomorrow"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "ISO-8601" in bad.stderr


def test_db_upgrade_and_manifest(empty_database_url):
    env = env_for(empty_database_url)
    upgraded = subprocess.run([TPMBOT, "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert upgraded.returncode == 0 and "revision" in upgraded.stdout
    manifest = subprocess.run([TPMBOT, "manifest"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert json.loads(manifest.stdout)["settings"]["socket_mode_enabled"] is True


@pytest.mark.parametrize("variable,value", [("TPMBOT_DEFAULT_TIMEZONE", "Mars/Base")])
def test_bad_settings_are_named(empty_database_url, variable, value):
    result = subprocess.run([TPMBOT, "manifest"], env=env_for(empty_database_url, **{variable: value}),
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and variable in result.stderr
