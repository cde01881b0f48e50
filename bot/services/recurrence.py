"""Recurring wall-clock times as instants: the arithmetic schedules, meetings and reports share."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


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


QUARTER_HOUR = 15


@lru_cache(maxsize=4)
def _offsets_in_quarter_hours(year: int) -> bool:
    """Whether every zone's UTC offset in ``year`` (winter and summer) is a whole number of quarter hours,
    as in every zone tzdata has held for decades (India +5:30, Nepal +5:45, Chatham +12:45)."""
    for name in available_timezones():
        try:
            tz = ZoneInfo(name)
        except (ValueError, OSError):
            continue
        for month in (1, 7):
            offset = datetime(year, month, 1, tzinfo=tz).utcoffset()
            if offset is not None and offset % timedelta(minutes=QUARTER_HOUR):
                return False
    return True


def may_occur_in(start: datetime, end: datetime, at: time) -> bool:
    """Whether wall-clock time ``at`` can fall in (start, end] in any zone at all: a cheap test that lets a
    one-minute tick skip looking at zones. With offsets in whole quarter hours (checked against tzdata),
    a local minute and its UTC minute agree modulo 15, also across daylight-saving jumps."""
    if end - start >= timedelta(minutes=QUARTER_HOUR) or at.second or at.microsecond:
        return True
    if not all(_offsets_in_quarter_hours(year) for year in {start.year, end.year}):
        return True
    minute = start.astimezone(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=1)
    while minute <= end:
        if (at.minute - minute.minute) % QUARTER_HOUR == 0:
            return True
        minute += timedelta(minutes=1)
    return False
