"""The communication plan's rules without Slack: defaults are today's behaviour, the frequencies (every two
weeks from its documented anchor, monthly on the first such weekday), the destinations, the form's checks,
and the modal that shows it, within Block Kit's limits."""

from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError
from slack_sdk.models.views import View

from bot.blocks.stakeholders import stakeholders_modal
from bot.services import communication_plan as plan
from bot.services.communication_plan import Route
from bot.services.program_settings import CommunicationPlan, ProgramSettings
from bot.services.stakeholders import decided_notice_targets, form_of
from storage.models import Program

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def program(settings=None) -> Program:
    return Program(id=1, team_id="T", channel_id="C1", name="p", leads=["U1"], escalation_channel_id="C1",
                   timezone="UTC", working_days=[0, 1, 2, 3, 4], settings=settings or {}, created_by="U1",
                   created_at=NOW, updated_at=NOW)


def test_nothing_set_is_todays_behaviour():
    empty = program()
    assert ProgramSettings().communication == CommunicationPlan()
    for output in plan.OUTPUTS:
        assert plan.sends(empty, output.name) and plan.also_to(empty, output.name) == []
    assert all(plan.on_schedule(empty, "status_report", date(2026, 12, 4) + timedelta(weeks=n)) for n in range(10))
    assert decided_notice_targets(program({"stakeholders": {"informed": ["U2", "C2"]}}), "U1") == ["U1", "U2", "C2"]


@pytest.mark.parametrize("doc", [
    {"communication": {"status_report": {"frequency": "daily"}}},
    {"communication": {"digest": {"frequency": "weekly"}}},  # not a digest's frequency
    {"communication": {"digest": {"also_to": ["#general"]}}},
    {"communication": {"digest": {"also_to": [f"C{n:03d}" for n in range(21)]}}},
    {"communication": {"standups": {}}},
    {"communication": {"escalations": {"channels": ["C1"]}}},
])
def test_bad_plans_are_refused(doc):
    with pytest.raises(ValidationError):
        ProgramSettings.model_validate(doc)


def test_every_two_weeks_counts_from_its_anchor_and_monthly_is_the_first_such_weekday():
    biweekly = program({"communication": {"status_report": {"frequency": "biweekly"}}})
    fridays = [date(2026, 12, 4) + timedelta(weeks=n) for n in range(6)]
    sent = [d for d in fridays if plan.on_schedule(biweekly, "status_report", d)]
    assert sent == [date(2026, 12, 11), date(2026, 12, 25), date(2027, 1, 8)]  # every other week, across the year
    assert plan.on_schedule(biweekly, "status_report", plan.ANCHOR_MONDAY)
    monthly = program({"communication": {"portfolio": {"frequency": "monthly"}}})
    assert [d for d in fridays if plan.on_schedule(monthly, "portfolio", d)] == [date(2026, 12, 4), date(2027, 1, 1)]
    off = program({"communication": {"status_report": {"frequency": "off", "also_to": ["U2"]}}})
    assert not any(plan.on_schedule(off, "status_report", d) for d in fridays) and plan.also_to(off, "status_report") == []


def test_destinations_and_who_hears_of_a_decided_change():
    p = program({"stakeholders": {"informed": ["U2"]},
                 "communication": {"change_outcomes": {"also_to": ["U3", "C3", "U2"]},
                                   "digest": {"also_to": ["C1", "C4"]}}})
    assert plan.also_to(p, "digest", besides=("C1",)) == ["C4"]
    assert decided_notice_targets(p, "U1") == ["U1", "U2", "U3", "C3"]
    off = program({"stakeholders": {"informed": ["U2"]},
                   "communication": {"change_outcomes": {"frequency": "off", "also_to": ["U3"]}}})
    assert decided_notice_targets(off, "U1") == ["U1"]
    assert plan.extra_key("status.report:1:x", "U3") == "status.report:1:x:to:U3"


def test_the_form_checks_and_the_stored_fields():
    routes = {"digest": Route(channels=tuple(f"C{n:03d}" for n in range(21))),
              "status_report": Route(frequency="hourly")}
    errors = plan.route_errors(routes)
    assert "at most 20" in errors[("digest", "channels")] and "Every two weeks" in errors[("status_report", "frequency")]
    fields = plan.plan_fields({"status_report": Route(people=("U2",), channels=("C2", "C2"), frequency="monthly")})
    assert fields["status_report"] == {"also_to": ["U2", "C2"], "frequency": "monthly"}
    assert fields["digest"] == {"also_to": [], "frequency": "each"}
    CommunicationPlan.model_validate(fields)


def test_the_modal_shows_the_saved_plan_within_block_kit_limits():
    p = program({"communication": {"escalations": {"also_to": ["U2", "C2"], "frequency": "off"}}})
    view = stakeholders_modal(p, form_of(p), "{}", may_edit=True)
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    by_block = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert by_block["tpm.stakeholders.plan.escalations.people"]["initial_users"] == ["U2"]
    assert by_block["tpm.stakeholders.plan.escalations.channels"]["initial_conversations"] == ["C2"]
    assert by_block["tpm.stakeholders.plan.escalations.frequency"]["initial_option"]["value"] == "off"
    assert by_block["tpm.stakeholders.plan.status_report.frequency"]["initial_option"]["value"] == "weekly"
    said = plan.describe_plan(p)
    assert "*Escalations*: off" in said and "*Status report* (every week): the status report's channel" in said
