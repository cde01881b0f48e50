"""Several `tpmbot serve` processes on one database: exactly one runs the scheduler; when it is killed,
another takes over, and every scheduled occurrence is posted once. Real processes, real ports, the
sandbox Web API as Slack, and a clock that runs 60 times as fast (TPMBOT_TEST_CLOCK). Not faster:
the sender's lease (two simulated minutes) must stay well above a real HTTP call's duration, as it is
in production (two minutes against 10-second timeouts)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from sandbox.net import free_port
from scheduled.leader import ADVISORY_KEY
from storage.engine import session_scope
from storage.models import Occurrence
from tests.conftest import START
from tests.scenarios.delivery_support import seed_program
from tests.scenarios.test_processes import ROOT, TPMBOT, env_for, wait_for_health

RATE = 60  # a simulated minute every real second
LEADING = "runs the scheduler"
CHANNELS = [f"C0LEAD{i:02d}" for i in range(12)]  # one program each, stand-ups at 08:00, 08:01, ... 08:11 UTC


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling real processes


def prompts(workspace) -> dict[str, int]:
    return {c: sum(1 for m in workspace.messages(c) if m.get("bot_id")) for c in CHANNELS}


def test_one_scheduler_among_processes_taken_over_when_its_holder_dies(engine, empty_database_url, workspace,
                                                                         sandbox, tmp_path: Path):
    for i, channel in enumerate(CHANNELS):
        workspace.add_channel(channel, channel.lower())
        seed_program(engine, channel, now=START, local_time=f"08:{i:02d}")
    origin = time.time() + 6  # simulated 07:59 then: both processes are up well before the first stand-up
    env = env_for(empty_database_url, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET="leader-secret",
                  SLACK_API_URL=sandbox.api_url,
                  TPMBOT_TEST_CLOCK=f"2026-12-01T07:59:00+00:00,{origin},{RATE}", TPMBOT_TICK_SECONDS="0.5",
                  TPMBOT_DRAIN_SECONDS="0.25", TPMBOT_LEADER_RETRY_SECONDS="0.3",
                  # the clock runs fast: a slow takeover on a busy machine must not turn stand-ups into "missed"
                  TPMBOT_CATCHUP_GRACE_MINUTES="600")
    env["LOG_LEVEL"] = "INFO"  # leadership is logged at INFO
    logs = [tmp_path / f"serve{i}.log" for i in range(2)]
    ports = [free_port() for _ in logs]
    processes = [subprocess.Popen([TPMBOT, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                                   "--threads", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=log.open("w"), start_new_session=True)
                 for port, log in zip(ports, logs)]
    try:
        for port, process in zip(ports, processes):
            wait_for_health(f"http://127.0.0.1:{port}/healthz", process)

        def leaders() -> list[int]:
            return [i for i, log in enumerate(logs) if LEADING in log.read_text()]

        wait_until(lambda: sum(prompts(workspace).values()) >= 3, 30, "the first stand-ups")
        assert len(leaders()) == 1, [log.read_text()[-2000:] for log in logs]
        [leader] = leaders()
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                holders = connection.execute(text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :high "
                    "AND l.objid::bigint = :low AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"),
                    {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF}).scalars().all()
            assert len(holders) == 1 and holders[0].startswith("tpmbot-scheduler:")

        os.killpg(processes[leader].pid, signal.SIGKILL)  # the leader dies, mid-schedule
        processes[leader].wait(timeout=10)
        follower = 1 - leader
        wait_until(lambda: leaders() == [leader, follower] or leaders() == sorted([leader, follower]), 15,
                   "the other process to take over")
        wait_until(lambda: all(prompts(workspace).values()), 30, "every stand-up")
        time.sleep(2)  # a few more simulated minutes: nothing may be posted twice late
        assert prompts(workspace) == {c: 1 for c in CHANNELS}
        with session_scope(engine) as session:
            statuses = [o.status for o in session.exec(select(Occurrence).where(Occurrence.kind == "standup.prompt"))]
        assert statuses == ["done"] * len(CHANNELS)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
