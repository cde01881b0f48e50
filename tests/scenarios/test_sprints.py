"""Sprints through signed Slack payloads: set in `/tpm setup` (length and first day, checked in the modal),
shown in `/tpm settings`, `end of sprint` and `next sprint` as dates in commands and in thread replies,
and the planning agenda's sprint sections."""

import json
from datetime import date, datetime, timezone

from sqlmodel import select

from bot.services.program_settings import settings_of
from sandbox import state_values as sv
from storage.models import Program
from storage.raid_models import Item
from tests.scenarios.test_agendas import SETUP as MEETING_SETUP, agenda_posts, blocks_text, form as meeting_form

UTC = timezone.utc
SETUP = "tpm.setup.modal"


def cmd(slack, bot, text, name="/tpm", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def setup_values(length="2", first_day="2026-11-23"):
    return {
        "tpm.setup.name": {"tpm.setup.name_input": sv.plain_text("Apollo")},
        "tpm.setup.leads": {"tpm.setup.leads_select": sv.multi_users_select(["U0ALICE"])},
        "tpm.setup.escalation_channel": {"tpm.setup.escalation_select": sv.conversations_select("C0APOLLO")},
        "tpm.setup.timezone": {"tpm.setup.timezone_input": sv.plain_text("America/Los_Angeles")},
        "tpm.setup.working_days": {"tpm.setup.days_checkboxes": sv.checkboxes(["0", "1", "2", "3", "4"])},
        "tpm.setup.holiday_region": {"tpm.setup.holiday_input": sv.plain_text("")},
        "tpm.setup.sprint_length": {"tpm.setup.sprint_length_select": sv.static_select(length)},
        "tpm.setup.sprint_first_day": {"tpm.setup.sprint_first_day_picker": sv.datepicker(first_day)},
    }


def program(deps) -> Program:
    with deps.session() as session:
        return session.exec(select(Program)).one()


def items(deps, kind):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == kind).order_by(Item.number)).all()


def set_sprints(slack, bot, workspace, **values):
    cmd(slack, bot, "setup")
    view = workspace.latest_view("U0ALICE", callback_id=SETUP)
    response = slack.view_submission(view, setup_values(**values), user="U0ALICE")
    bot.wait_idle()
    return view, response


def test_setup_sets_sprints_checked_in_the_modal_and_settings_show_them(slack, bot, deps, workspace):
    view, missing_day = set_sprints(slack, bot, workspace, first_day=None)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["tpm.setup.sprint_length"]["element"]["initial_option"]["value"] == "0"  # no sprints yet
    assert [o["value"] for o in blocks["tpm.setup.sprint_length"]["element"]["options"]] == ["0", "1", "2", "3", "4"]
    assert blocks["tpm.setup.sprint_first_day"]["element"]["type"] == "datepicker"
    assert missing_day.json["errors"] == {"tpm.setup.sprint_first_day":
                                          "Pick the day the first sprint starts (or choose no sprints)."}
    assert settings_of(program(deps)).sprints.length_weeks == 0  # nothing half-saved

    good = slack.view_submission(view, setup_values(), user="U0ALICE")
    bot.wait_idle()
    assert not good.body.strip()
    sprints = settings_of(program(deps)).sprints
    assert (sprints.length_weeks, sprints.first_day) == (2, date(2026, 11, 23))

    cmd(slack, bot, "settings")
    shown = json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"], ensure_ascii=False)
    assert "*Sprints*\\n2-week sprints from Mon 23 Nov 2026; now sprint 1 (Mon 23 Nov – Sun 6 Dec)" in shown

    cmd(slack, bot, "setup")  # prefilled with what was saved
    again = {b.get("block_id"): b for b in workspace.latest_view("U0ALICE", callback_id=SETUP)["blocks"]}
    assert again["tpm.setup.sprint_length"]["element"]["initial_option"]["value"] == "2"
    assert again["tpm.setup.sprint_first_day"]["element"]["initial_date"] == "2026-11-23"


def test_end_of_sprint_and_next_sprint_are_dates_once_the_program_has_sprints(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")  # binds #apollo, Los Angeles time, no sprints
    refused = cmd(slack, bot, "send the plan due end of sprint", name="/action")
    reply = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert refused.status == 200 and "This program has no sprints set up, so “end of sprint” has no date" in reply
    assert "/tpm setup" in reply and items(deps, "action") == []  # nothing stored

    set_sprints(slack, bot, workspace)  # two weeks from Mon 23 Nov: now sprint 1, to Sun 6 Dec
    cmd(slack, bot, "send the plan due end of sprint", name="/action")
    cmd(slack, bot, "plan Q2 <@U0BOB> due next sprint", name="/action")
    cmd(slack, bot, "keys missing due end of next sprint sev:high", name="/blocker")
    [this_sprint, next_one] = items(deps, "action")
    [blocker] = items(deps, "blocker")
    assert this_sprint.due_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Fri 4 Dec 17:00 in Los Angeles
    assert next_one.due_at == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # Mon 7 Dec, the next sprint's first day
    assert blocker.due_at == datetime(2026, 12, 19, 1, 0, tzinfo=UTC)  # Fri 18 Dec, that sprint's last weekday
    assert "due Fri 4 Dec 2026" in [e["text"] for e in workspace.ephemerals(user="U0ALICE")][-3]


def test_a_planning_agenda_lists_what_ended_and_what_is_due_in_the_sprint(slack, bot, deps, workspace, sandbox):
    set_sprints(slack, bot, workspace)
    cmd(slack, bot, "flaky database sev:high", name="/blocker")
    cmd(slack, bot, "resolve B-1 fixed the pool", name="/blocker")
    cmd(slack, bot, "write release notes due end of sprint", name="/action")
    cmd(slack, bot, "plan Q2 due next sprint", name="/action")
    for name in ("Sprint planning", "Weekly sync"):
        cmd(slack, bot, "setup", name="/agenda")
        slack.view_submission(workspace.latest_view("U0ALICE", callback_id=MEETING_SETUP),
                              meeting_form(name=name, days=("1",)), user="U0ALICE")
        bot.wait_idle()

    sandbox.clear_calls()
    cmd(slack, bot, "sprint planning", name="/agenda")
    [planning] = agenda_posts(sandbox)
    text = blocks_text(planning)
    sprint = text.split("*Sprint 1 (Mon 23 Nov – Sun 6 Dec): ended in the sprint* (1)")[1].split("*Open blockers*")[0]
    ended, due = sprint.split("*Due in the sprint* (1)")
    assert "*B-1* flaky database" in ended and "resolved Tue 1 Dec" in ended
    assert "*A-1* write release notes" in due and "due Fri 4 Dec" in due and "A-2" not in due  # next sprint's

    # An action recorded in its thread `by end of sprint` is due in the sprint: the agenda shows it.
    slack.message("C0APOLLO", "U0ALICE", "action: <@U0BOB> book the demo room by end of sprint",
                  thread_ts=planning.response["ts"])
    bot.wait_idle()
    [room] = [i for i in items(deps, "action") if i.title == "book the demo room"]
    assert room.due_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    updated = blocks_text(sandbox.calls_to("chat.update")[-1])
    assert "*Due in the sprint* (2)" in updated and "*A-3* book the demo room" in updated

    sandbox.clear_calls()
    cmd(slack, bot, "weekly sync", name="/agenda")
    [weekly] = agenda_posts(sandbox)
    assert "ended in the sprint" not in blocks_text(weekly)  # only planning and retro agendas


def test_the_scheduled_planning_agenda_lists_its_sprint(slack, bot, deps, workspace, sandbox, clock):
    from tests.scenarios.test_agendas import tick

    set_sprints(slack, bot, workspace)
    cmd(slack, bot, "write release notes due end of sprint", name="/action")
    cmd(slack, bot, "setup", name="/agenda")
    slack.view_submission(workspace.latest_view("U0ALICE", callback_id=MEETING_SETUP),
                          meeting_form(name="Retro", days=("1",)), user="U0ALICE")
    bot.wait_idle()
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # 09:00 in Los Angeles: 1 h before 10:00
    [retro] = agenda_posts(sandbox)
    text = blocks_text(retro)
    assert "*Sprint 1 (Mon 23 Nov – Sun 6 Dec): ended in the sprint* (0)" in text and "Nothing closed yet." in text
    assert "*Due in the sprint* (1)" in text and "*A-1* write release notes" in text
