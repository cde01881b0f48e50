"""Dates the way people type them: the instant understood, in the user's zone, from a fixed now.

Now is Monday 23 Nov 2026, 10:00 in Berlin (09:00 UTC). Dates without a time mean 17:00 local."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.services.dates import DateError, When, due_at, end_of_day, parse_when, slack_date

TZ = "Europe/Berlin"
BERLIN = ZoneInfo(TZ)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def local(y, m, d, h=17, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=BERLIN)


TABLE = [
    ("today", local(2026, 11, 23)),
    ("eod", local(2026, 11, 23)),
    ("EOD", local(2026, 11, 23)),
    ("end of day", local(2026, 11, 23)),
    ("by eod", local(2026, 11, 23)),
    ("tomorrow", local(2026, 11, 24)),
    ("tomorrow 5pm", local(2026, 11, 24, 17)),
    ("tomorrow at 9:30", local(2026, 11, 24, 9, 30)),
    ("tomorrow noon", local(2026, 11, 24, 12)),
    ("eow", local(2026, 11, 27)),
    ("end of week", local(2026, 11, 27)),
    ("end of the week", local(2026, 11, 27)),
    ("end of month", local(2026, 11, 30)),
    ("eom", local(2026, 11, 30)),
    ("q1", local(2027, 3, 31)),
    ("Q4", local(2026, 12, 31)),
    ("q2 2027", local(2027, 6, 30)),
    ("end of q3 2027", local(2027, 9, 30)),
    ("friday", local(2026, 11, 27)),
    ("by Friday", local(2026, 11, 27)),
    ("fri", local(2026, 11, 27)),
    ("next fri", local(2026, 11, 27)),
    ("next friday", local(2026, 11, 27)),
    ("this thursday", local(2026, 11, 26)),
    ("monday", local(2026, 11, 23)),  # today, still ahead of 17:00
    ("next monday", local(2026, 11, 30)),
    ("wed 3pm", local(2026, 11, 25, 15)),
    ("in 2 weeks", local(2026, 12, 7)),
    ("in two weeks", local(2026, 12, 7)),
    ("two weeks from today", local(2026, 12, 7)),
    ("2 weeks from now", local(2026, 12, 7)),
    ("in 3 days", local(2026, 11, 26)),
    ("in a week", local(2026, 11, 30)),
    ("in 3 business days", local(2026, 11, 26)),
    ("in 5 working days", local(2026, 11, 30)),
    ("in 2 hours", local(2026, 11, 23, 12)),
    ("in 1 month", local(2026, 12, 23)),
    ("dec 3", local(2026, 12, 3)),
    ("Dec 3rd", local(2026, 12, 3)),
    ("3 dec", local(2026, 12, 3)),
    ("3rd of December", local(2026, 12, 3)),
    ("december 25th 2026", local(2026, 12, 25)),
    ("jan 15", local(2027, 1, 15)),  # the next January 15
    ("nov 20 2027", local(2027, 11, 20)),  # a year out, with its year: meant
    ("may 23", local(2027, 5, 23)),  # exactly six months out: still taken
    ("in 8 months", local(2027, 7, 23)),  # counted from now: the year is no guess
    ("2026-12-01", local(2026, 12, 1)),
    ("on 2026-12-01", local(2026, 12, 1)),
    ("until dec 2", local(2026, 12, 2)),
    ("5pm", local(2026, 11, 23, 17)),
    ("9am", local(2026, 11, 24, 9)),  # passed today: tomorrow
    ("a fortnight from now", local(2026, 12, 7)),
]


@pytest.mark.parametrize("phrase,expected", TABLE, ids=[p for p, _ in TABLE])
def test_phrase_means_the_expected_instant(phrase, expected):
    when = parse_when(phrase, TZ, NOW)
    assert when.at == expected.astimezone(timezone.utc)
    assert when.at > NOW and when.at.tzinfo == timezone.utc


def test_table_is_long_enough():
    assert len(TABLE) >= 40


@pytest.mark.parametrize("phrase", ["yesterday", "last friday", "2026-01-01", "someday", "", "   ", "2026-02-30",
                                    "sometime soon-ish"])
def test_past_or_unreadable_dates_are_refused(phrase):
    with pytest.raises(DateError):
        parse_when(phrase, TZ, NOW)


def test_the_same_words_mean_the_users_own_day():
    tokyo = parse_when("tomorrow", "Asia/Tokyo", NOW)  # 18:00 Monday in Tokyo
    los_angeles = parse_when("tomorrow", "America/Los_Angeles", NOW)  # 01:00 Monday in LA
    assert tokyo.local.date().isoformat() == "2026-11-24" and los_angeles.local.date().isoformat() == "2026-11-24"
    assert tokyo.at != los_angeles.at
    assert tokyo.describe() == "Tue 24 Nov 2026 (Asia/Tokyo)"


def test_daylight_saving_change_keeps_the_wall_clock():
    before = datetime(2027, 3, 26, 12, tzinfo=timezone.utc)  # Friday before Berlin moves to summer time
    when = parse_when("monday 9am", TZ, before)
    assert when.local.hour == 9 and when.local.utcoffset().total_seconds() == 7200


# A day named without its year that lands more than six months out: refused, with the date it would mean.
FAR = [
    ("nov 20", "Sat 20 Nov 2027", "nov 20 2027"),  # passed three days ago: next year's
    ("until nov 22", "Mon 22 Nov 2027", "nov 22 2027"),
    ("20th november", "Sat 20 Nov 2027", "20th november 2027"),
    ("end of q3", "Thu 30 Sep 2027, 17:00", "end of q3 2027"),
    ("q2", "Wed 30 Jun 2027, 17:00", "q2 2027"),
    ("may 24", "Mon 24 May 2027", "may 24 2027"),  # six months and a day
    ("oct 1", "Fri 1 Oct 2027", "oct 1 2027"),
]


@pytest.mark.parametrize("phrase,meant,example", FAR, ids=[p for p, _, _ in FAR])
def test_a_yearless_day_more_than_six_months_out_is_refused_with_what_it_would_mean(phrase, meant, example):
    with pytest.raises(DateError) as caught:
        parse_when(phrase, TZ, NOW)
    assert f"would be {meant}" in caught.value.problem and "more than six months" in caught.value.problem
    assert caught.value.example == example
    parse_when(example, TZ, NOW)  # the example given is taken


def test_dec_2_typed_on_7_dec_is_refused_not_read_as_next_year():
    with pytest.raises(DateError) as caught:
        parse_when("until dec 2", "Asia/Tokyo", datetime(2026, 12, 7, 3, tzinfo=timezone.utc))
    assert "would be Thu 2 Dec 2027 (Asia/Tokyo)" in caught.value.problem


ALL_DAY = [  # (phrase, zone, the end of the day as local wall clock; or as typed with a time)
    ("thursday", "Europe/Berlin", datetime(2026, 11, 26, 23, 59, 59, tzinfo=BERLIN)),
    ("dec 3", "America/Los_Angeles", datetime(2026, 12, 3, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles"))),
    ("tomorrow", "Asia/Tokyo", datetime(2026, 11, 24, 23, 59, 59, tzinfo=ZoneInfo("Asia/Tokyo"))),
    ("thu 3pm", "Europe/Berlin", datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)),
]


@pytest.mark.parametrize("phrase,tz,expected", ALL_DAY, ids=[p for p, _, _ in ALL_DAY])
def test_a_due_day_without_a_time_means_the_end_of_that_day_in_the_authors_zone(phrase, tz, expected):
    when = parse_when(phrase, tz, NOW)
    assert when.all_day is (phrase != "thu 3pm")
    assert due_at(when) == expected.astimezone(timezone.utc) and due_at(when).tzinfo == timezone.utc


def test_end_of_day_keeps_the_wall_clock_across_daylight_saving():
    assert end_of_day(datetime(2027, 3, 28).date(), TZ) == datetime(2027, 3, 28, 21, 59, 59, tzinfo=timezone.utc)
    assert end_of_day(datetime(2027, 3, 27).date(), TZ) == datetime(2027, 3, 27, 22, 59, 59, tzinfo=timezone.utc)


def test_slack_date_lets_each_reader_see_their_own_day_with_a_fallback_in_the_authors_zone():
    at = datetime(2026, 12, 3, 22, 59, 59, tzinfo=timezone.utc)  # Thu 23:59:59 in Berlin, Fri in Tokyo
    assert slack_date(at, TZ) == f"<!date^{int(at.timestamp())}^{{date_short_pretty}}|Thu 3 Dec>"
    assert slack_date(at, "Asia/Tokyo").endswith("|Fri 4 Dec>")
    assert int(slack_date(at, TZ).split("^")[1]) == 1796338799
    assert When(at, TZ, False).all_day
