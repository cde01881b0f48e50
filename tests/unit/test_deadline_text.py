"""A due date typed without a time is the end of that day in the author's zone; every reader must see that
day, not the next one east of the author (bot/blocks/text.py `deadline`)."""

from datetime import date, datetime, timezone

from bot.blocks.text import deadline, slack_date
from bot.services.dates import end_of_day


def test_a_date_without_a_time_is_written_as_the_authors_day_for_every_reader():
    due = end_of_day(date(2026, 12, 10), "America/Los_Angeles")  # 07:59:59 on Dec 11 in London
    shown = deadline(due, "America/Los_Angeles")
    assert shown == "Thu 10 Dec 2026"
    assert "<!date^" not in shown  # a reader's own zone would turn it into Fri 11 Dec


def test_a_deadline_with_a_time_is_still_shown_in_each_readers_zone():
    due = datetime(2026, 12, 10, 23, 0, tzinfo=timezone.utc)
    assert deadline(due, "America/Los_Angeles") == slack_date(due, "America/Los_Angeles")
    assert deadline(due, "America/Los_Angeles").startswith(f"<!date^{int(due.timestamp())}^")


def test_the_end_of_a_day_in_another_zone_is_not_taken_for_a_day():
    due = end_of_day(date(2026, 12, 10), "Europe/London")  # 15:59:59 in Los Angeles
    assert deadline(due, "America/Los_Angeles").startswith("<!date^")


def test_a_day_the_record_remembers_is_shown_as_typed_and_only_for_its_own_instant():
    due = datetime(2026, 12, 11, 1, 0, tzinfo=timezone.utc)  # "dec 10" from Los Angeles: 17:00 there
    days = {due.isoformat(): "2026-12-10"}
    assert deadline(due, "Europe/London", days) == "Thu 10 Dec 2026"
    moved = datetime(2026, 12, 12, 1, 0, tzinfo=timezone.utc)  # changed since, to an instant typed with a time
    assert deadline(moved, "Europe/London", days).startswith("<!date^")
