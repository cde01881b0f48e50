"""A dependency handshake step end to end: the provider presses Accept on their card (a signed
block_actions payload over real HTTP to `tpmbot serve`), and the step is done when both canonical
messages are edited — the dependency's message in the requesting program's channel and the card at the
provider (two chat.update calls seen by the sandbox workspace). 20 clients at once, each on dependencies
of its own (created beforehand with `/dep`, their cards posted), p50/p95/p99; against a bare Bolt app
whose button handler does one UPDATE and one chat.update (bench/bare_handshake.py), served with the same
gunicorn settings against the same sandbox, in the same run; on SQLite and, with --database-url or
TPMBOT_TEST_POSTGRES_URL, on PostgreSQL too.

    python -m bench.handshake [--dependencies 200] [--clients 20] [--database-url URL]

Each client presses the next button once the last one's edits are in (a person waits for what they did).
Target (issue 14): tpmbot's p99 <= 2x the bare app's. Loopback only; every wait has a deadline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from bench.ack_latency import BIN, GUNICORN, SECRET, server, tree_cpu_seconds
from bench.databases import fresh_database
from bench.e2e import environment, fresh_workspace, ours_command
from bench.load import Latencies
from sandbox import payloads
from sandbox.client import sign
from sandbox.net import free_port
from sandbox.server import SandboxServer

APOLLO, PAY = "C0APOLLO", "C0PAY"
REQUESTER, PROVIDER = "U0ALICE", "U0CAROL"
ACCEPT = "dependency.card.accept"
DEADLINE = 30.0  # seconds a client waits for its edits before counting the step lost


class Edits:
    """Notes the moment the sandbox applies each chat.update, by (channel, ts)."""

    def __init__(self, sandbox: SandboxServer):
        self._original = sandbox.api.methods["chat.update"]
        self._done = threading.Condition()
        self.at: dict[tuple[str, str], list[float]] = {}
        sandbox.api.methods["chat.update"] = self._update

    def _update(self, ws, args: dict) -> dict:
        result = self._original(ws, args)
        if result.get("ok"):
            at = time.perf_counter()
            with self._done:
                self.at.setdefault((result.get("channel") or args.get("channel"), args.get("ts")), []).append(at)
                self._done.notify_all()
        return result

    def wait_for(self, messages: list[tuple[str, str]], after: float, timeout: float) -> float | None:
        """When the last of ``messages`` was first edited after ``after``; None past the deadline."""
        def edited(message):
            return next((t for t in self.at.get(message, []) if t > after), None)

        with self._done:
            if not self._done.wait_for(lambda: all(edited(m) for m in messages), timeout):
                return None
            return max(edited(m) for m in messages)


def post(url: str, body: str, content_type: str) -> int:
    parts = urlsplit(url)
    ts = str(int(time.time()))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        connection.request("POST", parts.path, body=body, headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SECRET, ts, body)})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def command(url: str, workspace, sandbox, text: str, user: str, channel: str, command_name: str) -> int:
    fields = payloads.slash_command(workspace, command_name, text, user, channel,
                                    sandbox.new_response_url(channel, user), workspace.new_trigger_id(user))
    return post(url, urlencode(fields), "application/x-www-form-urlencoded")


def press(url: str, workspace, sandbox, item_id: int, user: str, card: tuple[str, str]) -> int:
    channel, ts = card
    message = workspace.get_message(channel, ts)
    entry = payloads.action(ACCEPT, str(item_id), None, "button", payloads.action_ts(workspace))
    payload = payloads.block_actions(workspace, [entry], user, workspace.new_trigger_id(user), channel=channel,
                                     message=message, response_url=sandbox.new_response_url(channel, user, ts))
    return post(url, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def drive(url: str, workspace, sandbox, edits: Edits, steps: list[tuple[int, list[tuple[str, str]], tuple[str, str]]],
          clients: int) -> tuple[Latencies, float]:
    """Each of ``clients`` threads presses Accept on its share of ``steps`` (item id, the messages to be
    edited, the card pressed), one after another: (request → last edit latencies, steps per second)."""
    work: queue.Queue = queue.Queue()
    for step in steps:
        work.put(step)
    samples: list[float] = []
    lost = 0
    lock = threading.Lock()
    gate = threading.Barrier(clients)

    def client() -> None:
        nonlocal lost
        gate.wait()
        while True:
            try:
                item_id, messages, card = work.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            try:
                ok = press(url, workspace, sandbox, item_id, PROVIDER, card) == 200
            except OSError:
                ok = False
            done = edits.wait_for(messages, began, DEADLINE) if ok else None
            with lock:
                if done is None:
                    lost += 1
                else:
                    samples.append((done - began) * 1000)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Latencies(samples, lost), len(samples) / (time.perf_counter() - began)


def _until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.05)


def ours(kind: str, postgres_url: str | None, directory: str, args) -> tuple[Latencies, float, float]:
    """tpmbot: two programs, ``args.dependencies`` asked by Apollo of Payments (each with its canonical
    message and its card), then Payments' lead accepts them, 20 at a time."""
    from sqlmodel import select

    from storage.engine import make_engine
    from storage.models import Program
    from storage.raid_models import Item

    workspace = fresh_workspace()
    workspace.add_channel(PAY, "payments", members=[PROVIDER, "U0OMAR", REQUESTER])
    with SandboxServer(workspace) as sandbox, fresh_database(kind, postgres_url, directory, f"handshake_{kind}") as url:
        edits = Edits(sandbox)
        port = free_port()
        with server(ours_command(port), environment(sandbox, url), f"http://127.0.0.1:{port}/healthz") as pid:
            events = f"http://127.0.0.1:{port}/slack/events"
            needed = (datetime.now(timezone.utc) + timedelta(days=30)).date().isoformat()
            # Each channel's first recording command binds its program (its author leads it).
            command(events, workspace, sandbox, f"release notes <@{REQUESTER}> due {needed}", REQUESTER, APOLLO, "/action")
            command(events, workspace, sandbox, f"on-call rota <@U0OMAR> due {needed}", PROVIDER, PAY, "/action")
            engine = make_engine(url)

            def programs() -> int:
                with engine.connect() as connection:
                    return len(connection.execute(select(Program.id)).all())

            _until(lambda: programs() == 2, 60, "the two programs")
            total = args.dependencies + args.clients  # the first `clients` warm the server up

            def ask(n: int) -> None:
                command(events, workspace, sandbox, f"piece {n} of the rollout from <#{PAY}|payments> by {needed}",
                        REQUESTER, APOLLO, "/dep")

            setup = [threading.Thread(target=lambda k=k: [ask(n) for n in range(k, total, 10)]) for k in range(10)]
            for thread in setup:
                thread.start()
            for thread in setup:
                thread.join()

            def ready() -> list:
                with engine.connect() as connection:
                    return connection.execute(select(Item.id, Item.message_channel, Item.message_ts).where(
                        Item.kind == "dependency", Item.message_ts.is_not(None)).order_by(Item.id)).all()

            _until(lambda: len(ready()) == total, 120, "the dependencies' messages")
            cards: dict[int, tuple[str, str]] = {}

            def find_cards() -> bool:
                for call in sandbox.calls_to("chat.postMessage"):
                    if call.args.get("channel") == PROVIDER and call.response.get("ok") and "asks" in call.args["text"]:
                        values = [e.get("value") for b in call.args["blocks"] for e in b.get("elements", [])
                                  if e.get("action_id") == ACCEPT]
                        cards[int(values[0])] = (call.response["channel"], call.response["ts"])
                return len(cards) == total

            _until(find_cards, 120, "the cards")
            engine.dispose()
            steps = [(item_id, [(channel, ts), cards[item_id]], cards[item_id]) for item_id, channel, ts in ready()]
            drive(events, workspace, sandbox, edits, steps[:args.clients], args.clients)  # warm-up
            cpu = tree_cpu_seconds(pid)
            latencies, rate = drive(events, workspace, sandbox, edits, steps[args.clients:], args.clients)
            cpu_ms = (tree_cpu_seconds(pid) - cpu) * 1000 / max(1, len(latencies.samples_ms))
    return latencies, rate, cpu_ms


def bare(kind: str, postgres_url: str | None, directory: str, args) -> tuple[Latencies, float, float]:
    """The bare Bolt app: as many rows and posted messages; each press is one UPDATE and one chat.update."""
    from slack_sdk import WebClient
    from sqlalchemy import insert

    from bench.bare_handshake import bare_dependencies, metadata
    from storage.engine import make_engine

    workspace = fresh_workspace()
    workspace.add_channel(PAY, "payments", members=[PROVIDER, "U0OMAR", REQUESTER])
    total = args.dependencies + args.clients
    with SandboxServer(workspace) as sandbox, fresh_database(kind, postgres_url, directory, f"bare_handshake_{kind}") as url:
        edits = Edits(sandbox)
        engine = make_engine(url)
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(insert(bare_dependencies), [{"id": n + 1, "state": "requested"} for n in range(total)])
        engine.dispose()
        web = WebClient(token=environment(sandbox, url)["SLACK_BOT_TOKEN"], base_url=sandbox.api_url)
        steps = []
        for n in range(total):
            posted = web.chat_postMessage(channel=PROVIDER, text=f"Apollo asks for D-{n + 1}")
            card = (posted["channel"], posted["ts"])
            steps.append((n + 1, [card], card))
        port = free_port()
        command_line = [str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                        "bench.bare_handshake:create_wsgi()"]
        with server(command_line, environment(sandbox, url), f"http://127.0.0.1:{port}/") as pid:
            events = f"http://127.0.0.1:{port}/slack/events"
            drive(events, workspace, sandbox, edits, steps[:args.clients], args.clients)  # warm-up
            cpu = tree_cpu_seconds(pid)
            latencies, rate = drive(events, workspace, sandbox, edits, steps[args.clients:], args.clients)
            cpu_ms = (tree_cpu_seconds(pid) - cpu) * 1000 / max(1, len(latencies.samples_ms))
    return latencies, rate, cpu_ms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="a PostgreSQL server URL (fresh databases are created on it)")
    parser.add_argument("--dependencies", type=int, default=200, help="measured handshake steps per app and backend")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    postgres_url = None if args.sqlite_only else (
        args.database_url or os.environ.get("TPMBOT_TEST_POSTGRES_URL", "").strip() or None)
    kinds = ["sqlite"] + (["postgresql"] if postgres_url else [])
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for kind in kinds:
            for label, run in (("bare", bare), ("tpmbot", ours)):
                latencies, rate, cpu_ms = run(kind, postgres_url, directory, args)
                results[(kind, label)] = latencies
                print(f"{label + ' (' + kind + ')':<20} button->both edits {latencies.summary()}  {rate:6.1f} steps/s  "
                      f"server CPU {cpu_ms:5.1f} ms/step", flush=True)
    print()
    ok = True
    for kind in kinds:
        ours_, bare_ = results[(kind, "tpmbot")], results[(kind, "bare")]
        ratio = ours_.pct(99) / bare_.pct(99)
        ok &= ours_.errors == 0
        print(f"{kind}: p99 button->both canonical messages edited: tpmbot {ours_.pct(99):.1f} ms, bare "
              f"{bare_.pct(99):.1f} ms (one UPDATE, one chat.update), ratio {ratio:.2f}x (target <= 2x: "
              f"{'met' if ratio <= 2 else 'NOT met'}); p50 {ours_.pct(50):.1f} vs {bare_.pct(50):.1f} ms; "
              f"lost {ours_.errors}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
