"""`/blocker` end to end: from the signed request to its canonical message stored in the sandbox's
channel, with 20 concurrent clients over real HTTP to `tpmbot serve`, against a bare Bolt app that
per command does one INSERT and one chat.postMessage (bench/bare_e2e.py), served with the same
gunicorn settings, in the same run; on SQLite and, with --database-url or TPMBOT_TEST_POSTGRES_URL,
on PostgreSQL too (each run gets its own fresh database). Then a run under injected faults on 30% of
chat.postMessage calls (5xx before and after posting, connections dropped after posting, 429s), drained
afterwards, checking every command's record was stored once and its message posted once.

    python -m bench.e2e [--database-url URL] [--requests 400] [--clients 20] [--fault-requests 200]

Each client sends its next command once the previous one's message is in the channel (a person waits
for what they typed), so latency is per command under 20 in flight and throughput is what 20 such
clients get. Target: tpmbot's p99 <= 2x the bare app's. Loopback only; every wait has a deadline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit


from bench.databases import fresh_database
from bench.ack_latency import BIN, GUNICORN, SECRET, TOKEN, server, tree_cpu_seconds
from bench.load import Latencies
from sandbox.client import sign
from sandbox.net import free_port
from sandbox.server import SandboxServer
from sandbox.workspace import Workspace

CHANNEL, USER = "C0APOLLO", "U0ALICE"
MARK = re.compile(r"zz\d+q\d+q\d+")  # each command's own word, found again in the message it becomes
POST_DEADLINE = 30.0  # seconds a client waits for its command's message before counting it lost
LATER = "Slack didn't take its message"  # handlers/records/common.py delivery_note
# 30% of chat.postMessage calls fail, 7.5% each way (each fault is tried in turn on what the last let by).
FAULTS = [dict(status=500, probability=0.075, seed=1),  # refused: nothing posted
          dict(status=500, applied=True, probability=0.075 / 0.925, seed=2),  # posted, then a 500
          dict(status="timeout", applied=True, probability=0.075 / 0.85, seed=3),  # posted, then dropped
          dict(status=429, retry_after=2, probability=0.075 / 0.775, seed=4)]


class Watch:
    """Notes the moment the sandbox stores each command's message (by the command's mark in it), and how
    many messages carry each mark."""

    def __init__(self, sandbox: SandboxServer):
        self._original = sandbox.api.methods["chat.postMessage"]
        self._done = threading.Condition()
        self.posted: dict[str, float] = {}
        self.copies: Counter[str] = Counter()
        sandbox.api.methods["chat.postMessage"] = self._post

    def _post(self, ws, args: dict) -> dict:
        result = self._original(ws, args)
        if result.get("ok"):
            at = time.perf_counter()
            marks = set(MARK.findall(f"{args.get('text') or ''} {json.dumps(args.get('blocks') or [])}"))
            with self._done:
                for mark in marks:
                    self.posted.setdefault(mark, at)
                    self.copies[mark] += 1
                self._done.notify_all()
        return result

    def wait_for(self, mark: str, timeout: float) -> float | None:
        with self._done:
            self._done.wait_for(lambda: mark in self.posted, timeout)
            return self.posted.get(mark)


@dataclass
class Run:
    label: str
    e2e: Latencies
    ack: Latencies
    per_second: float
    marks: list[str] = field(default_factory=list)
    cpu_ms: float = float("nan")  # the server's CPU (all its processes) per command

    def line(self) -> str:
        return (f"{self.label:<22} request->message p50 {self.e2e.pct(50):7.1f} ms  p99 {self.e2e.pct(99):7.1f} ms  "
                f"{self.per_second:6.1f} commands/s  server CPU {self.cpu_ms:5.1f} ms/command  ack p99 {self.ack.pct(99):6.1f} ms  "
                f"n={len(self.e2e.samples_ms)} lost={self.e2e.errors}")


def command_body(workspace: Workspace, sandbox: SandboxServer, text_: str, trigger: str) -> str:
    return urlencode({
        "token": "bench", "team_id": workspace.team_id, "team_domain": "sandbox", "channel_id": CHANNEL,
        "channel_name": "program-apollo", "user_id": USER, "user_name": "alice", "command": "/blocker",
        "text": text_, "api_app_id": "A0TPMBOT", "is_enterprise_install": "false",
        "response_url": sandbox.new_response_url(CHANNEL, USER), "trigger_id": trigger,
    })


def drive(url: str, workspace: Workspace, sandbox: SandboxServer, watch: Watch, *, label: str, run_id: int,
          clients: int, requests: int, wait: bool = True) -> Run:
    """``requests`` `/blocker` commands from ``clients`` threads; each waits for its message when ``wait``."""
    parts = urlsplit(url)
    per_client = max(1, requests // clients)
    e2e: list[float] = []
    acks: list[float] = []
    began_at: list[float] = []
    marks: list[str] = []
    lost = 0
    lock = threading.Lock()
    gate = threading.Barrier(clients)

    def client(worker: int) -> None:
        nonlocal lost
        gate.wait()
        for n in range(per_client):
            mark = f"zz{run_id}q{worker:02d}q{n:04d}"
            body = command_body(workspace, sandbox, f"bench case {mark}", f"bench.{run_id}.{worker}.{n}")
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": sign(SECRET, ts, body)}
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("POST", parts.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                acked = response.status == 200
            except OSError:
                acked = False
            ack_ms = (time.perf_counter() - began) * 1000
            posted = watch.wait_for(mark, POST_DEADLINE) if acked and wait else None
            with lock:
                marks.append(mark)
                began_at.append(began)
                if acked:
                    acks.append(ack_ms)
                if posted is not None:
                    e2e.append((posted - began) * 1000)
                elif wait:
                    lost += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ends = [watch.posted[m] for m in marks if m in watch.posted]
    span = (max(ends) - min(began_at)) if ends else float("nan")
    return Run(label, Latencies(e2e, lost), Latencies(acks, len(marks) - len(acks)), len(ends) / span, marks)


def fresh_workspace() -> Workspace:
    workspace = Workspace()
    workspace.seed_default()
    workspace.set_token(TOKEN)
    return workspace


def environment(sandbox: SandboxServer, database_url: str) -> dict:
    return dict(os.environ, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=sandbox.api_url,
                DATABASE_URL=database_url, LOG_LEVEL="WARNING", SLACK_APP_TOKEN="", TPMBOT_DEFAULT_TIMEZONE="UTC")


def ours_command(port: int) -> list[str]:
    return [str(BIN / "tpmbot"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
            "--threads", "8", "--no-scheduler"]


def bare_command(port: int) -> list[str]:
    return [str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            "bench.bare_e2e:create_wsgi()"]


def measure_pair(kind: str, postgres_url: str | None, directory: str, args, run_ids) -> tuple[Run, Run]:
    """The bare app, then tpmbot, each on its own fresh database, against one sandbox workspace."""
    from bench.bare_e2e import metadata
    from storage.engine import make_engine

    workspace = fresh_workspace()
    runs = {}
    with SandboxServer(workspace) as sandbox:
        watch = Watch(sandbox)
        for app in ("bare", "tpmbot"):
            with fresh_database(kind, postgres_url, directory, f"{app}_{kind}") as url:
                port = free_port()
                if app == "bare":
                    engine = make_engine(url)
                    metadata.create_all(engine)
                    engine.dispose()
                    command, ready = bare_command(port), f"http://127.0.0.1:{port}/"
                else:
                    command, ready = ours_command(port), f"http://127.0.0.1:{port}/healthz"
                with server(command, environment(sandbox, url), ready) as pid:
                    events = f"http://127.0.0.1:{port}/slack/events"
                    # Warm-up: binds the channel to a program (first use), imports, pools, both workers.
                    drive(events, workspace, sandbox, watch, label="warm-up", run_id=next(run_ids),
                          clients=args.clients, requests=2 * args.clients)
                    cpu = tree_cpu_seconds(pid)
                    runs[app] = drive(events, workspace, sandbox, watch, label=f"{app} ({kind})",
                                      run_id=next(run_ids), clients=args.clients, requests=args.requests)
                    runs[app].cpu_ms = (tree_cpu_seconds(pid) - cpu) * 1000 / max(1, len(runs[app].marks))
                print(runs[app].line(), flush=True)
    return runs["tpmbot"], runs["bare"]


def faults_run(kind: str, postgres_url: str | None, directory: str, args, run_ids) -> bool:
    """tpmbot under 30% chat.postMessage faults; after draining, every record stored once and posted once."""
    from sqlmodel import select

    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.deps import Deps
    from bot.notifier import drain_outbox
    from bot.outbound_lookup import METADATA_KEY
    from bot.slack_client import make_web_client
    from storage.engine import make_engine
    from storage.models import OutboundMessage
    from bot.records.kinds.blocker import SPEC as BLOCKER
    from storage.raid_models import Item

    workspace = fresh_workspace()
    with SandboxServer(workspace) as sandbox, fresh_database(kind, postgres_url, directory, f"faults_{kind}") as url:
        watch = Watch(sandbox)
        port = free_port()
        with server(ours_command(port), environment(sandbox, url), f"http://127.0.0.1:{port}/healthz"):
            events = f"http://127.0.0.1:{port}/slack/events"
            drive(events, workspace, sandbox, watch, label="warm-up", run_id=next(run_ids), clients=args.clients,
                  requests=args.clients)
            before = len(sandbox.calls_to("response_url"))
            for fault in FAULTS:
                sandbox.inject_faults(method="chat.postMessage", **fault)
            run = drive(events, workspace, sandbox, watch, label=f"faults ({kind})", run_id=next(run_ids),
                        clients=args.clients, requests=args.fault_requests, wait=False)
            deadline = time.monotonic() + 120  # every command answers its author once: wait for the answers
            while len(sandbox.calls_to("response_url")) - before < len(run.marks) and time.monotonic() < deadline:
                time.sleep(0.05)
            sandbox.clear_faults()
        posts = sandbox.calls_to("chat.postMessage")
        injected = Counter("posted, then 500" if c.status >= 500 and c.response.get("ok") else
                           "posted, then dropped" if c.status == 0 else str(c.status)
                           for c in posts if c.status != 200)
        settings = Settings(_env_file=None, database_url=url, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                            slack_app_token=None, slack_api_url=sandbox.api_url, tpmbot_default_timezone="UTC")
        engine = make_engine(url)
        clock = FixedClock(_utcnow())
        deps = Deps(settings=settings, engine=engine, clock=clock)
        client = make_web_client(settings)
        for _ in range(30):  # the drain, as if run later each time: past every backoff and lease
            clock.advance(timedelta(minutes=10))
            drain_outbox(deps, client, limit=5000)
            with deps.session() as session:
                if not session.exec(select(OutboundMessage.id).where(
                        OutboundMessage.status.in_(("pending", "sending")))).first():
                    break
        with deps.session() as session:
            items = session.exec(select(Item).where(Item.kind == BLOCKER.name)).all()
            unsent = session.exec(select(OutboundMessage).where(OutboundMessage.status != "sent")).all()
        engine.dispose()

    marks = set(run.marks)
    stored = Counter(mark for item in items for mark in MARK.findall(item.title) if mark in marks)
    messages = {(((m.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY)): m
                for m in workspace.messages(CHANNEL)}
    keyed = Counter(((m.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY)
                    for m in workspace.messages(CHANNEL))
    pointed = sum(1 for item in items if MARK.search(item.title) and MARK.search(item.title).group() in marks
                  and keyed[f"record:{item.id}:post"] == 1
                  and messages[f"record:{item.id}:post"]["ts"] == item.message_ts)
    replies = [r for r in workspace.ephemerals(user=USER)]
    apologies = sum(1 for r in replies if "nothing was changed" in r["text"])
    later = [r for r in replies if LATER in r["text"]]
    once = [m for m in marks if stored[m] == 1 and watch.copies[m] == 1]
    ok = len(once) == len(marks) and pointed == len(marks) and not apologies and not unsent
    print(f"faults ({kind}): {len(marks)} commands; chat.postMessage calls {len(posts)}, failed by injection "
          f"{sum(injected.values())} ({', '.join(f'{k}: {v}' for k, v in sorted(injected.items()))})", flush=True)
    print(f"  stored once {sum(1 for m in marks if stored[m] == 1)}/{len(marks)}, "
          f"posted once {sum(1 for m in marks if watch.copies[m] == 1)}/{len(marks)}, "
          f"record points at its message {pointed}/{len(marks)}, duplicates "
          f"{sum(max(0, watch.copies[m] - 1) for m in marks)}, lost {sum(1 for m in marks if not watch.copies[m])}, "
          f"outbox rows not sent {len(unsent)}; authors told 'will follow' {len(later)}, apologies {apologies} "
          f"-> {'OK' if ok else 'FAILED'}", flush=True)
    return ok


def _utcnow():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="a PostgreSQL server URL (fresh databases are created on it)")
    parser.add_argument("--requests", type=int, default=400, help="measured commands per app and backend")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--fault-requests", type=int, default=200, help="commands in each run under faults")
    args = parser.parse_args()
    postgres_url = args.database_url or os.environ.get("TPMBOT_TEST_POSTGRES_URL", "").strip() or None
    kinds = ["sqlite"] + (["postgresql"] if postgres_url else [])
    run_ids = iter(range(1, 1000))
    pairs, faults_ok = {}, True
    with tempfile.TemporaryDirectory() as directory:
        for kind in kinds:
            pairs[kind] = measure_pair(kind, postgres_url, directory, args, run_ids)
        for kind in kinds:
            faults_ok &= faults_run(kind, postgres_url, directory, args, run_ids)
    print()
    for kind, (ours, bare) in pairs.items():
        ratio = ours.e2e.pct(99) / bare.e2e.pct(99)
        print(f"{kind}: p99 request->message tpmbot {ours.e2e.pct(99):.1f} ms, bare {bare.e2e.pct(99):.1f} ms, "
              f"ratio {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'}); p50 {ours.e2e.pct(50):.1f} vs "
              f"{bare.e2e.pct(50):.1f} ms; {ours.per_second:.1f} vs {bare.per_second:.1f} commands/s")
    print(f"under faults: {'every command stored once and posted once' if faults_ok else 'FAILED'}")
    return 0 if faults_ok else 1


if __name__ == "__main__":
    sys.exit(main())
