"""Sprint arithmetic (bot/services/sprints.py) and sprint phrases as dates (bot/services/dates.py)."""

from datetime import date, datetime, timezone

import pytest

from bot.services.dates import DateError, date_context, parse_when
from bot.services.program_settings import ProgramSettings, SettingsError, SprintSettings, merged_settings
from bot.services.sprints import Sprint, describe_cadence, next_sprint, sprint_at, sprint_starts

TWO_WEEKS = SprintSettings(length_weeks=2, first_day=date(2026, 11, 23))  # a Monday
NONE = SprintSettings()
NOW = datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)  # Tue 1 Dec, 09:00 in Los Angeles


def test_sprint_at_numbers_sprints_from_the_first_day():
    assert sprint_at(TWO_WEEKS, date(2026, 11, 23)) == Sprint(1, date(2026, 11, 23), date(2026, 12, 6))
    assert sprint_at(TWO_WEEKS, date(2026, 12, 6)) == Sprint(1, date(2026, 11, 23), date(2026, 12, 6))
    assert sprint_at(TWO_WEEKS, date(2026, 12, 7)) == Sprint(2, date(2026, 12, 7), date(2026, 12, 20))
    assert sprint_at(TWO_WEEKS, date(2027, 3, 1)).number == 8  # 14 weeks on: the eighth sprint starts
    assert sprint_at(TWO_WEEKS, date(2026, 11, 22)) is None  # before the first
    assert sprint_at(NONE, date(2026, 12, 1)) is None


def test_next_sprint_is_the_one_after_today_or_the_first():
    assert next_sprint(TWO_WEEKS, date(2026, 12, 1)) == Sprint(2, date(2026, 12, 7), date(2026, 12, 20))
    assert next_sprint(TWO_WEEKS, date(2026, 12, 6)).start == date(2026, 12, 7)
    assert next_sprint(TWO_WEEKS, date(2026, 11, 1)) == Sprint(1, date(2026, 11, 23), date(2026, 12, 6))
    assert next_sprint(NONE, date(2026, 12, 1)) is None


@pytest.mark.parametrize("weeks, first, last, expected", [
    (2, date(2026, 11, 1), date(2026, 12, 31), [date(2026, 11, 23), date(2026, 12, 7), date(2026, 12, 21)]),
    (2, date(2026, 11, 24), date(2026, 12, 7), [date(2026, 12, 7)]),  # a start inside the range only
    (1, date(2026, 11, 23), date(2026, 12, 7), [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]),
    (2, date(2026, 12, 8), date(2026, 12, 20), []),
    (0, date(2026, 1, 1), date(2027, 1, 1), []),
])
def test_sprint_starts_within_a_range(weeks, first, last, expected):
    settings = SprintSettings(length_weeks=weeks, first_day=date(2026, 11, 23)) if weeks else NONE
    assert sprint_starts(settings, first, last) == expected


def test_a_year_of_weekly_sprints_has_53_or_so_boundaries():
    weekly = SprintSettings(length_weeks=1, first_day=date(2026, 1, 5))
    starts = sprint_starts(weekly, date(2026, 1, 1), date(2026, 12, 31))
    assert len(starts) == 52 and starts[0] == date(2026, 1, 5) and starts[-1] == date(2026, 12, 28)
    assert all((b - a).days == 7 for a, b in zip(starts, starts[1:]))


def test_settings_refuse_a_length_without_a_first_day_or_out_of_range():
    with pytest.raises(SettingsError):
        merged_settings({}, "sprints", length_weeks=2)
    with pytest.raises(SettingsError):
        merged_settings({}, "sprints", length_weeks=5, first_day=date(2026, 11, 23))
    stored = merged_settings({}, "sprints", length_weeks=3, first_day=date(2026, 11, 23))
    assert stored == {"sprints": {"length_weeks": 3, "first_day": "2026-11-23"}}
    assert ProgramSettings.model_validate(stored).sprints.first_day == date(2026, 11, 23)
    assert ProgramSettings().sprints == NONE


def test_describe_cadence():
    assert describe_cadence(NONE) == "none"
    assert describe_cadence(TWO_WEEKS, date(2026, 12, 8)) == (
        "2-week sprints from Mon 23 Nov 2026; now sprint 2 (Mon 7 Dec – Sun 20 Dec)")
    assert describe_cadence(TWO_WEEKS, date(2026, 11, 1)).endswith("the first starts Mon 23 Nov")


def parsed(text, settings=TWO_WEEKS, tz="America/Los_Angeles", now=NOW):
    with date_context(lambda: settings):
        when = parse_when(text, tz, now)
    return when.local.date(), when.has_time and when.local.strftime("%H:%M")


def test_end_of_sprint_is_the_last_weekday_of_the_current_sprint():
    assert parsed("end of sprint") == (date(2026, 12, 4), "17:00")  # the sprint ends Sun 6 Dec: Friday
    assert parsed("by end of the sprint") == (date(2026, 12, 4), "17:00")
    assert parsed("eos 3pm") == (date(2026, 12, 4), "15:00")
    before = datetime(2026, 11, 10, 17, tzinfo=timezone.utc)
    assert parsed("end of sprint", now=before) == (date(2026, 12, 4), "17:00")  # the first sprint, not started yet
    wednesday = SprintSettings(length_weeks=1, first_day=date(2026, 11, 25))  # Wed to Tue
    assert parsed("end of sprint", wednesday) == (date(2026, 12, 1), "17:00")


def test_next_sprint_is_the_first_day_of_the_next_one():
    assert parsed("next sprint") == (date(2026, 12, 7), False)  # a day: due at its end
    assert parsed("start of the next sprint") == (date(2026, 12, 7), False)
    assert parsed("end of next sprint") == (date(2026, 12, 18), "17:00")


def test_sprint_phrases_without_sprints_are_a_clear_error():
    for context in (NONE, None):
        with pytest.raises(DateError, match="This program has no sprints set up, so “end of sprint” has no date"):
            parsed("end of sprint", context)
    with pytest.raises(DateError, match="“next sprint” has no date.*`/tpm setup`"):
        parsed("next sprint", NONE)
    with pytest.raises(DateError, match="no sprints"):
        parse_when("end of sprint", "UTC", NOW)  # outside any context


def test_the_context_is_read_only_for_sprint_phrases_and_ends_with_its_block():
    reads = []

    def sprints():
        reads.append(1)
        return TWO_WEEKS

    with date_context(sprints):
        parse_when("friday", "UTC", NOW)
        assert reads == []  # no query for a date that needs no sprints
        parse_when("end of sprint", "UTC", NOW)
        assert reads == [1]
    with pytest.raises(DateError):
        parse_when("end of sprint", "UTC", NOW)


def test_an_explicit_sprint_end_still_wins():
    assert parse_when("end of sprint", "UTC", NOW, sprint_end=date(2026, 12, 10)).local.date() == date(2026, 12, 10)


def test_the_setup_form_checks_the_sprint_fields():
    from bot.services.errors import FieldErrors
    from bot.services.programs import SetupForm, validate_setup

    base = dict(name="Apollo", leads=["U1"], escalation_channel_id="C1", timezone="Europe/Berlin", working_days=[0])
    assert validate_setup(SetupForm(**base)).sprint_length_weeks is None  # not in the form: left as it is
    assert validate_setup(SetupForm(**base, sprint_length_weeks=0)).sprint_length_weeks == 0
    clean = validate_setup(SetupForm(**base, sprint_length_weeks=3, sprint_first_day=date(2026, 12, 7)))
    assert (clean.sprint_length_weeks, clean.sprint_first_day) == (3, date(2026, 12, 7))
    for weeks, first, field in ((2, None, "sprint_first_day"), (-1, None, "sprint_length"), (6, None, "sprint_length")):
        with pytest.raises(FieldErrors) as refused:
            validate_setup(SetupForm(**base, sprint_length_weeks=weeks, sprint_first_day=first))
        assert set(refused.value.errors) == {field}
