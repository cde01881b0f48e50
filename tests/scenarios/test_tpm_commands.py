"""/tpm through signed payloads: zero set-up, settings, the set-up modal and its validation."""

import json

from sqlmodel import select

from sandbox import state_values as sv
from storage.models import Member, Program


def programs(deps):
    with deps.session() as session:
        return session.exec(select(Program)).all()


def test_first_recording_command_binds_the_channel_with_defaults(slack, bot, deps, workspace):
    response = slack.command("/tpm", "setup", user="U0KENJI", channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    [program] = programs(deps)
    assert (program.name, program.channel_id, program.leads) == ("program-apollo", "C0APOLLO", ["U0KENJI"])
    assert program.timezone == "Asia/Tokyo"  # from users.info
    assert program.working_days == [0, 1, 2, 3, 4] and program.escalation_channel_id == "C0APOLLO"
    replies = workspace.ephemerals(channel="C0APOLLO", user="U0KENJI")
    assert "now the home of program *program-apollo*" in replies[0]["text"]
    assert "/tpm setup" in replies[0]["text"]
    slack.command("/tpm", "settings", user="U0KENJI", channel="C0APOLLO")
    bot.wait_idle()
    assert "Settings of program-apollo" in json.dumps(workspace.ephemerals(channel="C0APOLLO", user="U0KENJI")[-1])
    with deps.session() as session:
        assert session.exec(select(Member)).one().timezone == "Asia/Tokyo"


def test_second_command_does_not_bind_again(slack, bot, deps, workspace):
    slack.command("/tpm", "setup", user="U0KENJI", channel="C0APOLLO")
    bot.wait_idle()
    slack.command("/blocker", "keys missing", user="U0BOB", channel="C0APOLLO")
    bot.wait_idle()
    assert len(programs(deps)) == 1
    assert programs(deps)[0].leads == ["U0KENJI"]
    bound_notices = [e for e in workspace.ephemerals(channel="C0APOLLO") if "now the home" in e["text"]]
    assert len(bound_notices) == 1


def test_unknown_subcommand_gets_help_and_stores_nothing(slack, bot, deps):
    response = slack.command("/tpm", "frobnicate now", user="U0ALICE", channel="C0GENERAL")
    assert response.status == 200
    text = json.dumps(response.json)
    assert "`/tpm frobnicate` isn't something I know." in text and "/tpm setup" in text
    bot.wait_idle()
    assert programs(deps) == []


def setup_values(name="Apollo", leads=("U0ALICE",), channel="C0LEADERS", tz="Europe/Berlin",
                 days=("0", "1", "2", "3"), region=""):
    return {
        "tpm.setup.name": {"tpm.setup.name_input": sv.plain_text(name)},
        "tpm.setup.leads": {"tpm.setup.leads_select": sv.multi_users_select(list(leads))},
        "tpm.setup.escalation_channel": {"tpm.setup.escalation_select": sv.conversations_select(channel)},
        "tpm.setup.timezone": {"tpm.setup.timezone_input": sv.plain_text(tz)},
        "tpm.setup.working_days": {"tpm.setup.days_checkboxes": sv.checkboxes(list(days))},
        "tpm.setup.holiday_region": {"tpm.setup.holiday_input": sv.plain_text(region)},
    }


def open_setup(slack, bot, workspace, user="U0ALICE"):
    assert slack.command("/tpm", "setup", user=user, channel="C0APOLLO").status == 200
    bot.wait_idle()
    return workspace.latest_view(user, callback_id="tpm.setup.modal")


def test_setup_modal_validates_inside_the_modal_then_saves(slack, bot, deps, workspace, sandbox):
    view = open_setup(slack, bot, workspace)
    assert view is not None and view["title"]["text"] == "Program set-up"
    initial = {b["block_id"]: b for b in view["blocks"] if "block_id" in b}
    assert initial["tpm.setup.timezone"]["element"]["initial_value"] == "America/Los_Angeles"

    bad = slack.view_submission(view, setup_values(tz="Mars/Base", days=(), region="XX"), user="U0ALICE")
    assert bad.status == 200 and bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"tpm.setup.timezone", "tpm.setup.working_days", "tpm.setup.holiday_region"}
    assert "Europe/Berlin" in bad.json["errors"]["tpm.setup.timezone"]
    bot.wait_idle()
    assert programs(deps)[0].timezone == "America/Los_Angeles"  # nothing half-saved

    # The escalation channel is checked before the modal closes: I must be able to post there.
    unseen = slack.view_submission(view, setup_values(), user="U0ALICE")  # private #leadership, without me
    assert unseen.json["response_action"] == "errors"
    assert unseen.json["errors"] == {"tpm.setup.escalation_channel":
                                     "I can't see that channel: if it's private, /invite @tpmbot there first."}
    workspace.add_channel("C0OUTSIDE", "outside", bot_member=False)
    outside = slack.view_submission(view, setup_values(channel="C0OUTSIDE"), user="U0ALICE")
    assert outside.json["errors"] == {"tpm.setup.escalation_channel": "I'm not in #outside — /invite @tpmbot first"}
    bot.wait_idle()
    assert programs(deps)[0].escalation_channel_id == "C0APOLLO"
    workspace.add_bot_to("C0LEADERS")

    good = slack.view_submission(view, setup_values(name="Apollo launch", leads=("U0ALICE", "U0BOB"),
                                                    region="de-by"), user="U0ALICE")
    assert good.status == 200 and not good.body.strip()
    bot.wait_idle()
    [program] = programs(deps)
    assert (program.name, program.leads, program.escalation_channel_id) == ("Apollo launch", ["U0ALICE", "U0BOB"], "C0LEADERS")
    assert (program.timezone, program.working_days, program.holiday_region) == ("Europe/Berlin", [0, 1, 2, 3], "DE-BY")
    assert any("Saved the settings of *Apollo launch*" in e["text"]
               for e in workspace.ephemerals(channel="C0APOLLO", user="U0ALICE"))


def test_a_private_programs_escalations_never_go_to_a_public_channel(slack, bot, deps, workspace):
    workspace.add_channel("C0SECRET", "secret-project", is_private=True, members=["U0ALICE"], bot_member=True)
    assert slack.command("/tpm", "setup", user="U0ALICE", channel="C0SECRET").status == 200
    bot.wait_idle()
    view = workspace.latest_view("U0ALICE", callback_id="tpm.setup.modal")
    refused = slack.view_submission(view, setup_values(channel="C0GENERAL"), user="U0ALICE")
    assert refused.json["response_action"] == "errors"
    assert refused.json["errors"]["tpm.setup.escalation_channel"] == (
        "#secret-project is private, so its escalations can't go to #general, which is public. "
        "Choose a private channel (or #secret-project itself).")
    bot.wait_idle()
    [program] = programs(deps)
    assert program.escalation_channel_id == "C0SECRET" and program.name == "secret-project"
    workspace.add_bot_to("C0LEADERS")
    slack.view_submission(view, setup_values(channel="C0LEADERS"), user="U0ALICE")  # private to private: fine
    bot.wait_idle()
    assert programs(deps)[0].escalation_channel_id == "C0LEADERS"


def test_only_leads_may_open_or_submit_setup(slack, bot, deps, workspace, sandbox):
    view = open_setup(slack, bot, workspace, user="U0ALICE")
    sandbox.clear_calls()
    response = slack.command("/tpm", "setup", user="U0DIETER", channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    assert sandbox.calls_to("views.open") == []
    refusal = workspace.ephemerals(channel="C0APOLLO", user="U0DIETER")[-1]["text"]
    assert "Only the program's leads (<@U0ALICE>)" in refusal

    slack.view_submission(view, setup_values(name="Hijacked"), user="U0DIETER")
    bot.wait_idle()
    assert programs(deps)[0].name == "program-apollo"


def test_settings_button_opens_the_modal(slack, bot, deps, workspace, sandbox):
    slack.command("/tpm", "setup", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    program = programs(deps)[0]
    sandbox.clear_calls()
    slack.block_action("tpm.help.open_setup", value=str(program.id), user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    assert len(sandbox.calls_to("views.open")) == 1
    assert workspace.latest_view("U0ALICE", callback_id="tpm.setup.modal") is not None


def test_app_home_lists_the_programs_a_user_leads(slack, bot, workspace, sandbox):
    slack.command("/tpm", "setup", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    slack.app_home_opened("U0ALICE")
    bot.wait_idle()
    [call] = sandbox.calls_to("views.publish")
    assert call.args["user_id"] == "U0ALICE"
    assert "program-apollo" in json.dumps(call.args["view"]) and ":large_green_circle: *GREEN*" in json.dumps(
        call.args["view"])
    assert "Nothing open is yours." in json.dumps(call.args["view"])


def test_app_home_shows_my_items_and_my_programs_rag(slack, bot, workspace, sandbox):
    slack.command("/tpm", "setup", user="U0ALICE", channel="C0APOLLO")
    slack.command("/blocker", "prod is down <@U0BOB> sev:critical", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    slack.app_home_opened("U0BOB")
    bot.wait_idle()
    slack.app_home_opened("U0ALICE")
    bot.wait_idle()
    bob, alice = (json.dumps(c.args["view"], ensure_ascii=False) for c in sandbox.calls_to("views.publish"))
    assert "*B-1* prod is down" in bob and "Programs you lead" not in bob
    assert ":red_circle: *RED* — 1 critical blocker(s) open: B-1" in alice and "Nothing open is yours." in alice


def test_slack_failure_gives_an_apology_with_an_error_id(slack, bot, sandbox, workspace, caplog):
    slack.command("/tpm", "setup", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    workspace.archive_channel("C0APOLLO")
    sandbox.inject_faults(method="views.open", status=500)
    sandbox.clear_calls()
    slack.command("/tpm", "setup", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    apology = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "something went wrong on my side" in apology and "error id" in apology
    assert "Traceback" not in apology
    assert len(sandbox.calls_to("views.open")) == 4  # first try + 3 retries of the 5xx
