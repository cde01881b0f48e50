"""Recurring wall-clock times as instants, and the cheap test that lets most ticks skip the zones."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

from bot.services.recurrence import daily_instants, may_occur_in

UTC = timezone.utc


def test_daily_instants_follow_the_wall_clock_across_daylight_saving():
    # New York leaves daylight saving on Sunday 2026-11-01: 09:30 local is 13:30 UTC before, 14:30 after.
    got = daily_instants(datetime(2026, 10, 30, 12, tzinfo=UTC), datetime(2026, 11, 3, 0, tzinfo=UTC),
                         time(9, 30), ZoneInfo("America/New_York"))
    assert [i.isoformat() for i in got] == ["2026-10-30T13:30:00+00:00", "2026-10-31T13:30:00+00:00",
                                           "2026-11-01T14:30:00+00:00", "2026-11-02T14:30:00+00:00"]


def test_may_occur_in_names_the_quarter_hours_only():
    at = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    assert may_occur_in(at - minute, at, time(9, 30))  # :00 UTC is :30 local in India, :00 in London
    assert may_occur_in(at - minute, at, time(9, 45))  # Nepal (+5:45)
    assert not may_occur_in(at - minute, at, time(9, 31))  # no zone is 31 minutes off the hour
    assert not may_occur_in(at, at + minute, time(9, 30))  # 19:01 UTC: no zone's 09:30
    assert may_occur_in(at, at + 20 * minute, time(9, 31))  # a long window (catch-up) is never skipped


def test_may_occur_in_never_skips_a_real_instant_in_any_zone():
    """Every instant at which a time occurs in some zone tzdata knows, over two days that cross
    daylight-saving changes, lies in a one-minute window ``may_occur_in`` keeps (aligned or not)."""
    times = [time(9, 30), time(2, 30), time(0, 0), time(17, 45), time(8, 7)]
    start, end = datetime(2026, 3, 28, 0, 0, tzinfo=UTC), datetime(2026, 3, 30, 0, 0, tzinfo=UTC)
    minute, half = timedelta(minutes=1), timedelta(seconds=30)
    checked = 0
    for name in sorted(available_timezones()):
        for at in times:
            for instant in daily_instants(start, end, at, ZoneInfo(name)):
                assert may_occur_in(instant - minute, instant, at), (name, at, instant)
                assert may_occur_in(instant - half, instant + half, at), (name, at, instant)
                checked += 1
    assert checked > 1000
