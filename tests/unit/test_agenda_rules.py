"""Agenda rules without Slack: the `action:` / `decision:` reply grammar (the record kinds' grammars),
lead times, the meeting schedule and section fitting."""

from datetime import datetime, timezone

import pytest

from bot.blocks.agendas import SECTION_LIMIT, fit_lines
from bot.records.kinds.action import parse as parse_action
from bot.records.kinds.decision import parse as parse_decision
from bot.services.errors import FieldErrors, UserError
from bot.services.meetings import MeetingForm, describe_lead, next_occurrence, parse_lead, validate_meeting_form
from storage.agenda_models import Meeting
from storage.models import Program

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # Tuesday


def test_action_owner_and_due_date():
    draft = parse_action("<@U0BOB|bob> send the rollout plan by Friday", "America/New_York", NOW)
    assert (draft.title, draft.owner_id) == ("send the rollout plan", "U0BOB")
    assert draft.when.describe() == "Fri 4 Dec 2026 (America/New_York)" and draft.values["due"] == draft.when.at
    plain = parse_action("get it reviewed by legal", "UTC", NOW)
    assert (plain.title, plain.owner_id, plain.values["due"]) == ("get it reviewed by legal", None, None)
    reviewed = parse_action("get it reviewed by legal by dec 4", "UTC", NOW)
    assert (reviewed.title, reviewed.when.describe()) == ("get it reviewed by legal", "Fri 4 Dec 2026 (UTC)")


def test_a_due_date_runs_to_the_end_of_the_text_or_the_owner():
    """`due dec 3` is the 3rd of December, not "dec" (next December) with a stray "3" left in the title."""
    draft = parse_action("write notes due dec 3 <@U0BOB>", "UTC", NOW)
    assert (draft.title, draft.owner_id, draft.when.describe()) == ("write notes", "U0BOB", "Thu 3 Dec 2026 (UTC)")
    assert parse_action("book the venue due next monday", "UTC", NOW).when.describe() == "Mon 7 Dec 2026 (UTC)"


@pytest.mark.parametrize("text, problem", [
    ("", "Say what the action is about"), ("<@U0BOB>", "Say what the action is about"),
    ("write it due", "`due` needs a date"), ("write it due banana", "couldn't read “banana”"),
    ("write it by yesterday", "is in the past"),
])
def test_bad_actions_say_what_was_wrong(text, problem):
    with pytest.raises(UserError) as error:
        parse_action(text, "UTC", NOW)
    assert problem in error.value.problem and error.value.example.startswith("/action")


def test_decision_needs_text():
    assert parse_decision("  ship  it ", "UTC", NOW).title == "ship it"
    with pytest.raises(UserError):
        parse_decision(" . ", "UTC", NOW)


def test_lead_times():
    assert [parse_lead(t) for t in ("30", "30m", "2h", "1d", "1h30m", "2 hours", "soon", "")] == [
        30, 30, 120, 1440, 90, 120, None, None]
    assert [describe_lead(m) for m in (30, 90, 1440, 1500)] == ["30m", "1h30m", "1d", "1d1h"]


def test_meeting_form_errors_are_per_field():
    with pytest.raises(FieldErrors) as error:
        validate_meeting_form(MeetingForm(name="Sync", weekdays=[], local_time="", lead="3m", channel_id=None,
                                          timezone="Nowhere/City"), {"sync"})
    assert set(error.value.errors) == {"name", "weekdays", "time", "lead", "channel", "timezone"}
    valid = validate_meeting_form(MeetingForm(name=" Weekly  sync ", weekdays=[3, 1, 1], channel_id="C1"), set())
    assert (valid.name, valid.weekdays, valid.lead_minutes, valid.timezone) == ("Weekly sync", [1, 3], 60, None)


def test_next_occurrence_follows_local_time_and_skips_holidays():
    program = Program(id=1, team_id="T", channel_id="C", name="P", escalation_channel_id="C", timezone="America/New_York",
                      holiday_region="US", created_by="U")
    meeting = Meeting(program_id=1, name="Sync", weekdays=[3], local_time="10:00", channel_id="C", created_by="U")
    # Thursday 26 Nov 2026 is Thanksgiving: the next Thursday meeting is 3 Dec, 10:00 EST
    assert next_occurrence(meeting, program, datetime(2026, 11, 24, tzinfo=timezone.utc)) == datetime(
        2026, 12, 3, 15, 0, tzinfo=timezone.utc)
    meeting.timezone = "Asia/Tokyo"
    assert next_occurrence(meeting, program, NOW) == datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc)


def test_sections_stop_short_of_the_limit_with_a_count():
    text = fit_lines("*Heading*", [f"line {n} " + "x" * 200 for n in range(100)], "none")
    assert len(text) <= SECTION_LIMIT and text.endswith("more") and "…and " in text
    assert fit_lines("*H*", [], "none") == "*H*\nnone"
