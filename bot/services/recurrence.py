"""Recurring wall-clock times as instants: the arithmetic schedules, meetings and reports share."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone


def daily_instants(start: datetime, end: datetime, at: time, tz=timezone.utc) -> list[datetime]:
    """Every instant in (start, end] whose local wall-clock time in ``tz`` is ``at``."""
    instants = []
    day = start.astimezone(tz).date()
    while True:
        local = datetime.combine(day, at, tzinfo=tz)
        instant = local.astimezone(timezone.utc)
        if instant > end:
            break
        if instant > start:
            instants.append(instant)
        day += timedelta(days=1)
    return instants
