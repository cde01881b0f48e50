"""Injected clocks: every piece of code that needs "now" asks a Clock, never the system time directly."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stands still until told to move; for tests, ticks and the sandbox."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = ensure_utc(at)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._at = self._at + delta
            return self._at


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` converted to UTC; naive datetimes are refused, never guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
    return value.astimezone(timezone.utc)


class ScaledClock:
    """Tests only (TPMBOT_TEST_CLOCK): time that read ``origin`` when the system clock read
    ``real_origin`` (unix seconds) and runs ``rate`` times as fast, the same in every process."""

    def __init__(self, origin: datetime, real_origin: float, rate: float = 1.0) -> None:
        self._origin = ensure_utc(origin)
        self._real_origin = real_origin
        self._rate = rate

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=(time.time() - self._real_origin) * self._rate)


def clock_from_setting(value: str) -> ScaledClock:
    """``"2026-12-01T07:30:00+00:00,1795000000.0,300"`` -> a ScaledClock."""
    origin, real_origin, rate = value.split(",")
    return ScaledClock(datetime.fromisoformat(origin.strip().replace("Z", "+00:00")), float(real_origin),
                       float(rate))


class OffsetClock:
    """Wall-clock time shifted by an offset that only moves forward: the sandbox's clock, which
    starts at ``start`` (default: now), keeps ticking in real time, and can be advanced."""

    def __init__(self, start: datetime | None = None, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._lock = threading.Lock()
        self._offset = (ensure_utc(start) - self._base.now()) if start is not None else timedelta(0)

    def now(self) -> datetime:
        with self._lock:
            return self._base.now() + self._offset

    def advance_to(self, at: datetime) -> datetime:
        """Move to ``at``; a time already past leaves the clock where it is (it never goes back)."""
        at = ensure_utc(at)
        with self._lock:
            base = self._base.now()
            if at > base + self._offset:
                self._offset = at - base
            return base + self._offset
