"""The milestones' status rules, slip arithmetic and ordering checks, on plain records."""

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.records.kinds.milestone import Track
from bot.services.milestones import _cycle_from, assess, normalize_link, slip_days, working_days_between
from bot.services.errors import UserError
from storage.models import Program
from storage.raid_models import Item

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # a Tuesday
MON_FRI = [0, 1, 2, 3, 4]


def program(**settings) -> Program:
    return Program(id=1, team_id="T1", channel_id="C1", name="p", leads=["U0LEAD"], timezone="UTC",
                   working_days=MON_FRI, settings=settings)


def milestone(number, baseline, forecast, *, after=(), links=(), manual=None, status="open") -> Item:
    due = datetime.combine(date.fromisoformat(forecast), datetime.max.time(), tzinfo=timezone.utc)
    return Item(id=number, program_id=1, kind="milestone", number=number, key=f"M-{number}", title=f"m{number}",
                owner_id="U0A", reporter_id="U0A", status=status, due_at=due, created_at=NOW, updated_at=NOW,
                details={"baseline": baseline, "forecast": forecast, "after": list(after), "links": list(links),
                         **({"manual": manual} if manual else {})})


def record(key, kind, **fields) -> Item:
    prefix, number = key.split("-")
    return Item(id=100 + int(number), program_id=1, kind=kind, number=int(number), key=key, title=key, owner_id="U0A",
                reporter_id="U0A", created_at=NOW, updated_at=NOW, details={}, **fields)


def test_working_days_skip_weekends_and_count_both_ways():
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 7), MON_FRI) == 1  # Fri → Mon
    assert working_days_between(date(2026, 12, 1), date(2026, 12, 15), MON_FRI) == 10
    assert working_days_between(date(2026, 12, 15), date(2026, 12, 1), MON_FRI) == -10
    assert working_days_between(date(2026, 12, 1), date(2026, 12, 1), MON_FRI) == 0


def test_slip_within_tolerance_is_on_track_beyond_it_off_track():
    p = program()
    inside = milestone(1, "2026-12-08", "2026-12-15")  # 5 working days late: the default tolerance
    beyond = milestone(2, "2026-12-08", "2026-12-16")
    assert slip_days(inside, p) == 5 and slip_days(beyond, p) == 6
    found = assess(p, [inside, beyond], [], NOW)
    assert found[1].track == Track.ON_TRACK and found[2].track == Track.OFF_TRACK
    strict = program(milestones={"slip_tolerance_days": 2})
    assert assess(strict, [inside], [], NOW)[1].track == Track.OFF_TRACK


def test_a_passed_forecast_is_off_track_and_what_comes_after_it_at_risk():
    first = milestone(1, "2026-11-30", "2026-11-30")
    second = milestone(2, "2026-12-20", "2026-12-20", after=["M-1"])
    found = assess(program(), [first, second], [], NOW)
    assert found[1].track == Track.OFF_TRACK and "has passed" in found[1].reasons[0]
    assert found[2].track == Track.AT_RISK and found[2].reasons == ["it comes after M-1, which is off track"]
    done = milestone(1, "2026-11-30", "2026-11-30", status="done")
    assert assess(program(), [done, second], [], NOW)[2].track == Track.ON_TRACK


def test_linked_records_concern_a_milestone_by_their_kinds_rules():
    m = milestone(1, "2026-12-20", "2026-12-20", links=["B-1", "R-2", "A-3", "jira:PAY-1"])
    medium = record("B-1", "blocker", severity="medium")
    low_risk = record("R-2", "risk", probability=3, impact=3)
    action = record("A-3", "action")
    assert assess(program(), [m], [medium, low_risk, action], NOW)[1].track == Track.ON_TRACK
    high = record("B-1", "blocker", severity="high")
    big_risk = record("R-2", "risk", probability=4, impact=4)
    found = assess(program(), [m], [high, big_risk, action], NOW)[1]
    assert found.track == Track.AT_RISK
    assert found.reasons == ["B-1 is an open high blocker", "R-2 is a risk scoring 16 (threshold 15)"]


def test_a_leads_status_wins_for_seven_days():
    manual = {"status": "on_track", "note": "absorbed", "by": "U0LEAD", "at": NOW.isoformat()}
    late = milestone(1, "2026-11-30", "2026-11-30", manual=manual)
    assert assess(program(), [late], [], NOW + timedelta(days=6))[1].track == Track.ON_TRACK
    assert assess(program(), [late], [], NOW + timedelta(days=6))[1].manual
    assert assess(program(), [late], [], NOW + timedelta(days=7))[1].track == Track.OFF_TRACK


def test_loops_are_found_and_links_normalised():
    assert _cycle_from("M-1", {"M-1": ["M-2"], "M-2": ["M-3"], "M-3": ["M-1"]}) == ["M-1", "M-2", "M-3", "M-1"]
    assert _cycle_from("M-1", {"M-1": ["M-2"], "M-2": ["M-3"], "M-3": []}) is None
    assert normalize_link("b-4") == "B-4" and normalize_link("jira:pay-12") == "jira:PAY-12"
    assert normalize_link("github:acme/app#12") == "github:acme/app#12"
    with pytest.raises(UserError):
        normalize_link("www.example.com")
