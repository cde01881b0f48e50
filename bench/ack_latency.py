"""Ack latency of a signed `/tpm help` over real HTTP: tpmbot under `tpmbot serve` against a bare Bolt
app with an empty handler under the same gunicorn settings, both in this run, at 1 and 20 clients.

    python -m bench.ack_latency [--requests 2000]

Targets (issue 2): p99 at 20 concurrent clients <= 50 ms, and <= 1.5x the bare app's p99.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.load import run_load
from sandbox.net import free_port
from sandbox.server import SandboxServer
from sandbox.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
GUNICORN = ["--worker-class", "gthread", "--workers", "2", "--threads", "8", "--backlog", "2048"]



def wait_listening(url: str, process: subprocess.Popen, timeout: float = 30.0, log: Path | None = None) -> None:
    """Poll a starting server until it answers anything over HTTP."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(errors="replace")[-2000:] if log is not None else ""
            raise RuntimeError(f"server exited with {process.returncode}: {said}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout}s")


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and its live children (the server's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry.name == str(root_pid) or fields[1] == str(root_pid):  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


@contextmanager
def server(command: list[str], env: dict, ready_url: str):
    """The server running ``command``; its log goes to a file (a pipe nobody reads would fill, and stall the
    server mid-run), whose last lines are printed if it logged anything at ERROR."""
    with tempfile.TemporaryDirectory() as logs:
        log = Path(logs) / "server.log"
        with open(log, "wb") as sink:
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink)
        try:
            wait_listening(ready_url, process, log=log)
            yield process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            said = log.read_text(errors="replace")
            if " ERROR " in said:
                print(f"  (the server logged errors; its log ends:)\n{said[-1500:]}", flush=True)


def measure(url: str, label: str, requests: int, pid: int, response_url) -> dict:
    # Warm-up: imports, pools, first auth.test.
    run_load(url, SECRET, clients=4, requests_per_client=25, response_url=response_url)
    results = {}
    for clients in (1, 20):
        per_client = max(5, requests // clients) if clients > 1 else requests // 2
        cpu_before = tree_cpu_seconds(pid)
        latencies = run_load(url, SECRET, clients=clients, requests_per_client=per_client, response_url=response_url)
        cpu_ms = (tree_cpu_seconds(pid) - cpu_before) * 1000 / max(1, len(latencies.samples_ms))
        results[clients] = latencies
        print(f"{label:<10} {clients:>2} client(s): {latencies.summary()}  server CPU {cpu_ms:.2f} ms/request",
              flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrency level")
    args = parser.parse_args()
    workspace = Workspace()
    workspace.seed_default()
    workspace.set_token(TOKEN)
    with SandboxServer(workspace) as sandbox, tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=sandbox.api_url,
                   DATABASE_URL=f"sqlite:///{data}/bench.db", LOG_LEVEL="WARNING", SLACK_APP_TOKEN="")
        bare_port, ours_port = free_port(), free_port()
        bare_cmd = [str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{bare_port}", "--log-level", "warning",
                    "bench.bare_app:wsgi"]
        ours_cmd = [str(BIN / "tpmbot"), "serve", "--host", "127.0.0.1", "--port", str(ours_port), "--workers", "2",
                    "--threads", "8", "--no-scheduler"]
        results = {}

        def response_url() -> str:  # one that answers, as Slack's does (`/tpm help` may reply through it)
            return sandbox.new_response_url("C0APOLLO", "U0ALICE")

        with server(bare_cmd, env, f"http://127.0.0.1:{bare_port}/") as pid:
            results["bare"] = measure(f"http://127.0.0.1:{bare_port}/slack/events", "bare Bolt", args.requests, pid,
                                      response_url)
        with server(ours_cmd, env, f"http://127.0.0.1:{ours_port}/healthz") as pid:
            results["ours"] = measure(f"http://127.0.0.1:{ours_port}/slack/events", "tpmbot", args.requests, pid, response_url)
    print()
    for clients in (1, 20):
        ours, bare = results["ours"][clients].pct(99), results["bare"][clients].pct(99)
        print(f"p99 at {clients:>2} client(s): tpmbot {ours:.1f} ms, bare Bolt {bare:.1f} ms, ratio {ours / bare:.2f}x")
    ours20, bare20 = results["ours"][20].pct(99), results["bare"][20].pct(99)
    print(f"target: p99 at 20 clients <= 50 ms ({'met' if ours20 <= 50 else 'NOT met'}), "
          f"<= 1.5x bare ({'met' if ours20 <= 1.5 * bare20 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
