"""Stakeholders through signed Slack payloads: `/tpm stakeholders` opens the modal prefilled with what is
saved, a lead saves sponsor, approvers and policy, consulted and informed people and channels; an informed
channel the bot is not in is refused under its field; a non-lead is refused; approvers default to the leads."""

from sqlmodel import select

from sandbox import state_values as sv
from storage.models import Program
from bot.services import stakeholders

CALLBACK = "tpm.stakeholders.modal"
INPUT = "tpm.stakeholders.input"


def cmd(slack, bot, text, name="/tpm", user="U0ALICE", channel="C0APOLLO"):
    assert slack.command(name, text, user=user, channel=channel).status == 200
    bot.wait_idle()


def open_modal(slack, bot, workspace, user="U0ALICE"):
    cmd(slack, bot, "stakeholders", user=user)
    view = workspace.latest_view(user, callback_id=CALLBACK)
    assert view is not None
    return view


def values(sponsor=None, approvers=(), approval="all", consulted=(), people=(), channels=()):
    b = "tpm.stakeholders."
    return {b + "sponsor": {INPUT: sv.users_select(sponsor)},
            b + "approvers": {INPUT: sv.multi_users_select(approvers)},
            b + "approval": {INPUT: sv.static_select(approval)},
            b + "consulted": {INPUT: sv.multi_users_select(consulted)},
            b + "informed_people": {INPUT: sv.multi_users_select(people)},
            b + "informed_channels": {INPUT: {"type": "multi_conversations_select",
                                               "selected_conversations": list(channels)}}}


def program(deps) -> Program:
    with deps.session() as session:
        return session.exec(select(Program)).one()


def test_a_lead_saves_stakeholders_and_the_modal_shows_them_again(slack, bot, deps, workspace):
    view = open_modal(slack, bot, workspace)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:7] == ["Sponsor", "Approvers", "Who must approve a change", "Consulted", "Informed (people)",
                      "Informed (channels)", "Schedule changes"]
    assert stakeholders.approvers(program(deps)) == ["U0ALICE"]  # none named: the leads
    response = slack.view_submission(view, values("U0CAROL", ["U0BOB", "U0SOFIA"], "majority", ["U0PRIYA"],
                                                  ["U0JAMES"], ["C0GENERAL"]), user="U0ALICE")
    bot.wait_idle()
    assert response.status == 200 and not response.body.strip()
    saved = program(deps)
    assert stakeholders.approvers(saved) == ["U0BOB", "U0SOFIA"]
    assert stakeholders.informed(saved) == ["U0JAMES", "C0GENERAL"]
    assert stakeholders.approval_policy(saved) == "majority"
    assert saved.settings["stakeholders"]["sponsor"] == "U0CAROL"
    note = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "Stakeholders of" in note and "a majority of the approvers must approve" in note

    again = open_modal(slack, bot, workspace)
    by_block = {b["block_id"]: b["element"] for b in again["blocks"] if b["type"] == "input"}
    assert by_block["tpm.stakeholders.approvers"]["initial_users"] == ["U0BOB", "U0SOFIA"]
    assert by_block["tpm.stakeholders.informed_channels"]["initial_conversations"] == ["C0GENERAL"]
    assert by_block["tpm.stakeholders.approval"]["initial_option"]["value"] == "majority"
    assert by_block["tpm.stakeholders.sponsor"]["initial_user"] == "U0CAROL"


def test_an_informed_channel_without_the_bot_is_refused_under_its_field(slack, bot, deps, workspace):
    workspace.add_channel("C0QUIET", "quiet-room", members=["U0ALICE"], bot_member=False)
    view = open_modal(slack, bot, workspace)
    response = slack.view_submission(view, values(approvers=["U0BOB"], channels=["C0QUIET"]), user="U0ALICE")
    bot.wait_idle()
    assert response.json["response_action"] == "errors"
    error = response.json["errors"]["tpm.stakeholders.informed_channels"]
    assert "I'm not in #quiet-room" in error and "/invite @tpmbot" in error
    assert "stakeholders" not in (program(deps).settings or {})  # nothing saved

    workspace.add_bot_to("C0QUIET")
    assert slack.view_submission(view, values(approvers=["U0BOB"], channels=["C0QUIET"]),
                                 user="U0ALICE").status == 200
    bot.wait_idle()
    assert stakeholders.informed(program(deps)) == ["C0QUIET"]


def test_a_non_lead_can_read_but_not_save(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")  # binds #apollo: Alice leads it
    view = open_modal(slack, bot, workspace, user="U0KENJI")
    assert "Only the program's leads can save" in str(view["blocks"][-1])
    response = slack.view_submission(view, values(approvers=["U0KENJI"]), user="U0KENJI")
    bot.wait_idle()
    assert "Only the program's leads" in response.json["errors"]["tpm.stakeholders.sponsor"]
    assert stakeholders.approvers(program(deps)) == ["U0ALICE"]
