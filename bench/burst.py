"""A burst: 200 signed `/blocker` commands sent at the same instant (one connection each, as Slack sends
them) to `tpmbot serve`, against a bare Bolt app with an empty handler under the same gunicorn settings
(2 workers x 8 threads), in the same run; on SQLite, and on PostgreSQL too when a URL is given.

    python -m bench.burst [--n 200] [--database-url postgresql+psycopg://…]   (or TPMBOT_TEST_POSTGRES_URL)

Prints each server's ack p50/p99/max, and for tpmbot how long until every command was stored.
Target: max ack <= 1 s (Slack gives up at 3 s).
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, func, select, text

from bench.databases import fresh_database
from bench.ack_latency import server
from bench.load import Latencies
from sandbox.client import sign
from sandbox.net import free_port
from sandbox.server import SandboxServer
from sandbox.workspace import Workspace

BIN = Path(sys.executable).parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
WORKERS, THREADS = 2, 8
GUNICORN = ["--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS), "--backlog", "2048"]
TARGET_MS = 1000.0


def command_body(sandbox: SandboxServer, command: str, text: str, trigger: str) -> str:
    ws = sandbox.ws
    return urlencode({
        "token": "bench", "team_id": ws.team_id, "team_domain": ws.team_domain, "channel_id": "C0APOLLO",
        "channel_name": "program-apollo", "user_id": "U0ALICE", "user_name": "alice", "command": command,
        "text": text, "api_app_id": ws.app_id, "is_enterprise_install": "false",
        "response_url": sandbox.new_response_url("C0APOLLO", "U0ALICE"), "trigger_id": trigger,
    })


def send(url: str, body: str, timeout: float = 30.0) -> tuple[int, float]:
    """POST one signed body on a new connection: (status, milliseconds); status 0 if the connection failed."""
    parts = urlsplit(url)
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": sign(SECRET, ts, body)}
    began = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        connection.request("POST", parts.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        status = response.status
    except OSError:
        status = 0
    return status, (time.perf_counter() - began) * 1000


def burst(url: str, bodies: list[str]) -> Latencies:
    """Every body at once: one thread each, released together."""
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    gate = threading.Barrier(len(bodies))

    def one(body: str) -> None:
        nonlocal errors
        gate.wait()
        status, elapsed = send(url, body)
        with lock:
            if status == 200:
                samples.append(elapsed)
            else:
                errors += 1

    threads = [threading.Thread(target=one, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Latencies(samples, errors)


def summary(label: str, latencies: Latencies) -> str:
    slow = sum(1 for sample in latencies.samples_ms if sample > 3000)
    return (f"{label:<22} ack p50 {latencies.pct(50):7.1f} ms  p99 {latencies.pct(99):7.1f} ms  "
            f"max {max(latencies.samples_ms, default=float('nan')):7.1f} ms  n={len(latencies.samples_ms)} "
            f"errors={latencies.errors} over 3 s={slow}")


def stored(database_url: str, prefix: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM raid_item WHERE title LIKE :p"),
                                      {"p": prefix + "%"}).scalar_one()
    finally:
        engine.dispose()


def wait_stored(database_url: str, prefix: str, n: int, timeout: float = 120.0) -> tuple[int, float]:
    began = time.monotonic()
    count = 0
    while time.monotonic() - began < timeout:
        count = stored(database_url, prefix)
        if count >= n:
            break
        time.sleep(0.2)  # a benchmark's progress poll
    return count, time.monotonic() - began


def run_backend(kind: str, admin_url: str | None, sandbox: SandboxServer, n: int) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as data, fresh_database(kind, admin_url, data, "burst") as url:
        env = dict(os.environ, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=sandbox.api_url,
                   DATABASE_URL=url, LOG_LEVEL="WARNING", SLACK_APP_TOKEN="")
        bare_port, ours_port = free_port(), free_port()
        bare_cmd = [str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{bare_port}", "--log-level", "warning",
                    "bench.bare_app:wsgi"]
        ours_cmd = [str(BIN / "tpmbot"), "serve", "--host", "127.0.0.1", "--port", str(ours_port),
                    "--workers", str(WORKERS), "--threads", str(THREADS), "--no-scheduler"]
        run = uuid.uuid4().hex[:6]
        with server(bare_cmd, env, f"http://127.0.0.1:{bare_port}/"):
            bare_url = f"http://127.0.0.1:{bare_port}/slack/events"
            burst(bare_url, [command_body(sandbox, "/tpm", "", f"warm.{run}.{i}") for i in range(20)])
            results["bare"] = burst(bare_url, [command_body(sandbox, "/tpm", "", f"bare.{run}.{i}")
                                               for i in range(n)])
            print(summary(f"{kind}: bare Bolt", results["bare"]), flush=True)
        with server(ours_cmd, env, f"http://127.0.0.1:{ours_port}/healthz"):
            ours_url = f"http://127.0.0.1:{ours_port}/slack/events"
            # Warm-up: bind the channel's program, then pay each worker's first-request costs.
            send(ours_url, command_body(sandbox, "/blocker", f"warm {run} first", f"warm.{run}.first"))
            wait_stored(url, f"warm {run} first", 1)
            burst(ours_url, [command_body(sandbox, "/blocker", f"warm {run} {i}", f"warm.{run}.{i}")
                             for i in range(20)])
            wait_stored(url, f"warm {run} ", 21)
            prefix = f"burst {run} "
            results["ours"] = burst(ours_url, [command_body(sandbox, "/blocker", f"{prefix}{i}", f"burst.{run}.{i}")
                                               for i in range(n)])
            print(summary(f"{kind}: tpmbot /blocker", results["ours"]), flush=True)
            count, seconds = wait_stored(url, prefix, n)
            print(f"{kind}: {count} of {n} blockers stored {seconds:.1f} s after the last ack", flush=True)
            results["stored"] = count
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="commands in the burst")
    parser.add_argument("--database-url", default=os.environ.get("TPMBOT_TEST_POSTGRES_URL", "").strip() or None,
                        help="a PostgreSQL server to also run on (a fresh database is created and dropped)")
    parser.add_argument("--postgresql-only", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    workspace = Workspace()
    workspace.seed_default()
    workspace.set_token(TOKEN)
    backends = ([] if args.postgresql_only else ["sqlite"]) + (["postgresql"] if args.database_url else [])
    verdicts = []
    with SandboxServer(workspace) as sandbox:
        for kind in backends:
            results = run_backend(kind, args.database_url, sandbox, args.n)
            worst = max(results["ours"].samples_ms, default=float("inf"))
            met = worst <= TARGET_MS and results["ours"].errors == 0 and results["stored"] == args.n
            verdicts.append(f"{kind}: max ack {worst:.0f} ms (bare Bolt {max(results['bare'].samples_ms):.0f} ms), "
                            f"{results['stored']}/{args.n} stored: target max ack <= {TARGET_MS:.0f} ms "
                            f"{'met' if met else 'NOT met'}")
    print()
    for verdict in verdicts:
        print(verdict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
