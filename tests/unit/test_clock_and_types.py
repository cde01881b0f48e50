from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import FixedClock, OffsetClock, SystemClock, ensure_utc
from storage.types import UTCDateTime


def test_system_clock_is_aware_utc():
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/Berlin")))
    assert clock.now() == datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
    assert clock.now().tzinfo == timezone.utc


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_utc_column_refuses_naive_and_normalises_to_utc(dialect):
    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 1, 1, 9), dialect)
    tokyo = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    bound = column.process_bind_param(tokyo, dialect)
    assert bound.replace(tzinfo=timezone.utc) == datetime(2026, 1, 1, 0, tzinfo=timezone.utc)
    back = column.process_result_value(bound, dialect)
    assert back == tokyo and back.tzinfo == timezone.utc


def test_offset_clock_starts_where_told_follows_real_time_and_only_moves_forward():
    base = FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    start = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    clock = OffsetClock(start, base=base)
    assert clock.now() == start
    base.advance(timedelta(seconds=30))
    assert clock.now() == start + timedelta(seconds=30)
    assert clock.advance_to(start + timedelta(hours=2)) == start + timedelta(hours=2)
    assert clock.advance_to(start) == start + timedelta(hours=2)  # never back
    base.advance(timedelta(minutes=1))
    assert clock.now() == start + timedelta(hours=2, minutes=1)
    with pytest.raises(ValueError):
        clock.advance_to(datetime(2026, 12, 2, 9, 0))
