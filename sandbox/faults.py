"""Injected failures and Slack's per-channel chat.postMessage rate limit."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

TIMEOUT = "timeout"
LATE = "late"  # the call is carried out, its answer held for ``delay`` seconds (past the client's timeout)


@dataclass
class Fault:
    method: str | None
    status: int | str
    count: int | None
    probability: float | None
    retry_after: int = 1
    rng: random.Random = field(default_factory=random.Random)
    applied: bool = False  # Slack did the work (posted the message), then the answer failed
    delay: float = 0.0

    def applies_to(self, method: str) -> bool:
        return self.method is None or self.method == method


class FaultInjector:
    """Decides, per call, whether to fail it: an HTTP status (5xx, 429) or ``"timeout"``; with
    ``applied`` only after carrying it out (5xx or a dropped connection after posting), and ``"late"``:
    carried out, answered after ``delay`` seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, method: str | None = None, status: int | str = 500, count: int | None = None,
            probability: float | None = None, seed: int | None = None, retry_after: int = 1,
            applied: bool = False, delay: float = 0.0) -> None:
        if status not in (TIMEOUT, LATE) and not (isinstance(status, int) and 400 <= status <= 599):
            raise ValueError("status must be an HTTP error status, 'timeout' or 'late'")
        with self._lock:
            self._faults.append(Fault(method, status, count, probability, retry_after, random.Random(seed),
                                      applied or status == LATE, delay))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pick(self, method: str) -> int | str | None:
        fault = self.pick_fault(method)
        return None if fault is None else fault.status

    def pick_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not fault.applies_to(method):
                    continue
                if fault.probability is not None and fault.rng.random() >= fault.probability:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                return fault
            return None


class RateLimiter:
    """At most ``per_second`` calls per key in any one-second window (monotonic time)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.enabled = False
        self.per_second = 1
        self._seen: dict[str, deque[float]] = {}

    def configure(self, enabled: bool, per_second: int) -> None:
        with self._lock:
            self.enabled = enabled
            self.per_second = per_second
            self._seen.clear()

    def retry_after(self, key: str) -> int | None:
        """Seconds to wait when over the limit (and the call is refused), else ``None``."""
        if not self.enabled:
            return None
        with self._lock:
            now = self._clock()
            window = self._seen.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.per_second:
                return max(1, math.ceil(1.0 - (now - window[0])))
            window.append(now)
            return None
