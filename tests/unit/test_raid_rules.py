"""Blocker ageing in business hours, severity SLAs, risk ordering and the matrix; builders render."""

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sandbox.blockkit import validate_message, validate_view

from bot.blocks.records import record_list, record_message, record_modal
from bot.blocks.risk import risk_list
from bot.records.kinds.blocker import SPEC as BLOCKER
from bot.records.kinds.risk import SPEC as RISK
from bot.services.raid import (
    WORKDAY_END, WORKDAY_START, business_hours_between, past_sla, risk_matrix, sla_for, top_risks,
)
from storage.models import Program
from storage.raid_models import Item

MON = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)  # Monday 09:00 Berlin


def program(**settings) -> Program:
    return Program(id=1, team_id="T", channel_id="C", name="p", leads=["U1"], escalation_channel_id="C",
                   timezone="Europe/Berlin", working_days=[0, 1, 2, 3, 4], settings=settings, created_by="U1",
                   created_at=MON, updated_at=MON)


def blocker(severity="medium", created=MON, **kw) -> Item:
    fields = dict(id=1, program_id=1, kind="blocker", number=1, title="t", owner_id="U1", reporter_id="U1",
                  severity=severity, created_at=created, updated_at=created)
    return Item(**{**fields, **kw})


def test_business_hours_skip_nights_and_weekends():
    friday_4pm = datetime(2026, 11, 27, 15, tzinfo=timezone.utc)  # 16:00 Berlin
    monday_10am = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)  # 10:00 Berlin
    assert business_hours_between(friday_4pm, monday_10am, "Europe/Berlin", [0, 1, 2, 3, 4]) == 2.0
    assert business_hours_between(MON, MON + timedelta(days=1), "Europe/Berlin", [0, 1, 2, 3, 4]) == 8.0
    assert business_hours_between(MON, MON + timedelta(days=7), "Europe/Berlin", [0, 2]) == 16.0


def _walked_hours(start: datetime, end: datetime, tz: str, working_days: list[int]) -> float:
    """The definition, walked day by day: what business_hours_between must return, to the last bit."""
    if end <= start:
        return 0.0
    local_zone = ZoneInfo(tz)
    start_local, end_local = start.astimezone(local_zone), end.astimezone(local_zone)
    total, day = 0.0, start_local.date()
    while day <= end_local.date():
        if day.weekday() in working_days:
            lo = max(datetime.combine(day, WORKDAY_START, tzinfo=local_zone), start_local)
            hi = min(datetime.combine(day, WORKDAY_END, tzinfo=local_zone), end_local)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return total


def test_business_hours_equal_the_day_by_day_walk_exactly():
    rng = random.Random(5)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for _ in range(3000):
        start = base + timedelta(seconds=rng.randrange(400 * 86400), microseconds=rng.randrange(10**6))
        end = start + timedelta(seconds=rng.choice([rng.randrange(3 * 86400), rng.randrange(200 * 86400)]),
                                microseconds=rng.randrange(10**6))
        tz = rng.choice(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
        days = rng.sample(range(7), rng.randint(0, 7))
        assert business_hours_between(start, end, tz, days) == _walked_hours(start, end, tz, days)


def test_sla_defaults_and_overrides():
    assert [sla_for(program(), s) for s in ("critical", "high", "medium", "low")] == [4, 8, 24, 40]
    assert sla_for(program(blockers={"sla_hours": {"high": 2}}), "high") == 2


def test_past_sla_uses_wall_clock_for_critical_and_business_hours_otherwise():
    saturday = datetime(2026, 11, 28, 8, tzinfo=timezone.utc)
    friday_noon = datetime(2026, 11, 27, 11, tzinfo=timezone.utc)
    assert past_sla(blocker("critical", friday_noon), program(), friday_noon + timedelta(hours=5))
    assert not past_sla(blocker("high", friday_noon), program(), saturday)  # 5 business hours so far
    assert past_sla(blocker("high", friday_noon), program(), saturday + timedelta(days=2, hours=4))
    assert not past_sla(blocker("high", friday_noon, status="resolved"), program(), saturday + timedelta(days=9))


def risk(number, p, i, created=MON) -> Item:
    return Item(id=number, program_id=1, kind="risk", number=number, title=f"r{number}", owner_id="U1",
                reporter_id="U1", probability=p, impact=i, created_at=created, updated_at=created)


def test_top_risks_and_matrix():
    risks = [risk(1, 1, 2), risk(2, 5, 5), risk(3, 3, 3), risk(4, 5, 5, MON + timedelta(hours=1))]
    assert [r.number for r in top_risks(risks, 3)] == [2, 4, 3]
    grid = risk_matrix(risks)
    assert grid[0][4] == 2 and grid[2][2] == 1 and grid[3][0] == 1 and sum(map(sum, grid)) == 4


def test_builders_render_within_limits():
    long = blocker("high", title="<b>" * 166, source_link="https://sandbox.slack.test/archives/C/p1")
    assert validate_message(record_message(long, "Asia/Tokyo"), "t") == []
    many = [blocker(created=MON + timedelta(minutes=i)) for i in range(60)]
    blocks = record_list(BLOCKER, many, MON + timedelta(days=1), "Open blockers")
    assert validate_message(blocks, "t") == [] and "…and 20 more." in str(blocks)
    assert validate_message(risk_list([risk(n, 3, 4) for n in range(1, 50)], "Top", True), "t") == []
    assert validate_view(record_modal(BLOCKER, {"channel_id": "C"}, "UTC", prefill={"title": "y" * 3000})) == []
    assert validate_view(record_modal(RISK, {"item_id": 1}, "UTC", item=risk(12, 5, 1))) == []
