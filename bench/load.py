"""A small load generator: signed slash commands over real HTTP, one new connection per request
(as Slack sends them), from N concurrent client threads."""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from sandbox.client import sign


@dataclass
class Latencies:
    samples_ms: list[float]
    errors: int

    def pct(self, p: float) -> float:
        ordered = sorted(self.samples_ms)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
        return ordered[index]

    def summary(self) -> str:
        return (f"p50 {self.pct(50):7.1f} ms  p95 {self.pct(95):7.1f} ms  p99 {self.pct(99):7.1f} ms  "
                f"mean {statistics.fmean(self.samples_ms):6.1f} ms  n={len(self.samples_ms)} errors={self.errors}")


_RUN = uuid.uuid4().hex[:8]  # trigger ids are unique, as Slack's are: one seen before is a retry (bot/inbox.py)
_SEQUENCE = itertools.count()


def command_body(command: str, text: str, i: int, response_url: str = "http://127.0.0.1:9/hooks/unused") -> str:
    return urlencode({
        "token": "bench", "team_id": "T0TPMBOT", "team_domain": "sandbox", "channel_id": "C0APOLLO",
        "channel_name": "program-apollo", "user_id": "U0ALICE", "user_name": "alice", "command": command,
        "text": text, "api_app_id": "A0TPMBOT", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": f"bench.{_RUN}.{i}",
    })


def run_load(url: str, secret: str, *, clients: int, requests_per_client: int, command: str = "/tpm",
             text: str = "help", response_url: Callable[[], str] | None = None) -> Latencies:
    """``response_url`` makes each request's response_url (one that answers, as Slack's do: a listener that
    replies through it must not take the failure path); without it, one that refuses connections."""
    parts = urlsplit(url)
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    start_gate = threading.Barrier(clients)

    def worker(worker_id: int) -> None:
        nonlocal errors
        start_gate.wait()
        for _ in range(requests_per_client):
            number = next(_SEQUENCE)
            body = (command_body(command, text, number, response_url()) if response_url is not None
                    else command_body(command, text, number))
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": sign(secret, ts, body)}
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("POST", parts.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if ok:
                    samples.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Latencies(samples, errors)
