"""Program settings as a typed model: sections with defaults, nothing unknown, one way to write."""

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from bot.blocks.programs import describe_ladder
from bot.services.escalation_rules import risk_threshold
from bot.services.escalations import steps_hours
from bot.services.program_settings import (
    BlockerSettings, EscalationSettings, ProgramSettings, SettingsError, StatusReportSettings, merged_settings,
    settings_of,
)
from bot.services.raid import sla_for
from bot.services.status_report import schedule_of
from storage.models import Program

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def program(settings=None) -> Program:
    return Program(id=1, team_id="T", channel_id="C1", name="p", leads=["U1"], escalation_channel_id="C1",
                   timezone="UTC", working_days=[0, 1, 2, 3, 4], settings=settings or {}, created_by="U1",
                   created_at=NOW, updated_at=NOW)


def test_defaults_of_every_section():
    settings = ProgramSettings()
    assert settings.blockers == BlockerSettings()
    assert settings.blockers.sla_hours.model_dump() == {"critical": 4, "high": 8, "medium": 24, "low": 40}
    assert settings.escalations == EscalationSettings(risk_threshold=15, steps_hours=(4, 4),
                                                      steps_hours_critical=(1, 1))
    assert settings.status_report == StatusReportSettings(enabled=True, day=4, time="16:00", channel="")
    empty = program()
    assert settings_of(empty) == settings
    assert [sla_for(empty, s) for s in ("critical", "high", "medium", "low")] == [4, 8, 24, 40]
    assert risk_threshold(empty) == 15 and steps_hours(empty, "") == (4, 4)
    assert steps_hours(empty, "critical_blocker") == (1, 1)
    assert schedule_of(empty).describe(empty) == "every Fri at 16:00 (UTC) in <#C1>"


def test_every_reader_sees_the_stored_sections():
    stored = program({"blockers": {"sla_hours": {"high": 2}},
                      "escalations": {"risk_threshold": 12, "steps_hours": [2, 6], "steps_hours_critical": [0.5, 1]},
                      "status_report": {"enabled": True, "day": 0, "time": "09:15", "channel": "C9"}})
    assert sla_for(stored, "high") == 2 and sla_for(stored, "medium") == 24
    assert risk_threshold(stored) == 12
    assert steps_hours(stored, "") == (2, 6) and steps_hours(stored, "critical_blocker") == (0.5, 1)
    assert schedule_of(stored).describe(stored) == "every Mon at 09:15 (UTC) in <#C9>"
    assert "owner → leads after 2h → escalation channel after 6h more" in describe_ladder(stored)


@pytest.mark.parametrize("doc", [
    {"risk_threshold": 12},  # the old flat shape: refused, not silently ignored
    {"escalations": {"risk_treshold": 12}},  # a typo
    {"escalations": {"risk_threshold": 26}},
    {"escalations": {"steps_hours": [4]}},
    {"escalations": {"steps_hours": [0.1, 4]}},
    {"blockers": {"sla_hours": {"urgent": 3}}},
    {"blockers": {"sla_hours": {"high": 0}}},
    {"status_report": {"day": 7}},
    {"status_report": {"time": "25:00"}},
])
def test_unknown_or_out_of_range_settings_are_refused(doc):
    with pytest.raises(ValidationError):
        ProgramSettings.model_validate(doc)
    section, fields = next(iter(doc.items()))
    if section in ProgramSettings.model_fields:
        with pytest.raises(SettingsError):
            merged_settings({}, section, **fields)


def test_a_write_keeps_other_sections_and_stores_only_what_was_set():
    doc = {"status_report": {"enabled": False, "day": 4, "time": "16:00", "channel": ""}}
    doc = merged_settings(doc, "escalations", risk_threshold=12)
    doc = merged_settings(doc, "escalations", steps_hours=[2, 6])
    assert doc == {"escalations": {"risk_threshold": 12, "steps_hours": [2.0, 6.0]},
                   "status_report": {"enabled": False, "day": 4, "time": "16:00", "channel": ""}}
    assert "steps_hours_critical" not in doc["escalations"]  # a default stays a default: it may change later
    with pytest.raises(SettingsError):
        merged_settings(doc, "nonsense", x=1)
    with pytest.raises(SettingsError):
        merged_settings(doc, "escalations", risk_threshold=0)


def test_settings_are_parsed_once_per_document_and_again_when_it_is_replaced():
    stored = program({"escalations": {"risk_threshold": 12}})
    first = settings_of(stored)
    assert settings_of(stored) is first
    stored.settings = merged_settings(stored.settings, "escalations", risk_threshold=9)
    assert settings_of(stored).escalations.risk_threshold == 9
