"""Where a program's output goes: every set-up modal checks its channel before it closes (the bot is in
it, and a private program's output never goes to a public channel), and a destination saved before that
check existed is refused at send time, with the leads told once."""

import json

from sqlmodel import select

from sandbox import state_values as sv
from storage.models import OutboundMessage, Program
from storage.standup_models import StandupConfig


def cmd(slack, bot, text, name, user="U0ALICE", channel="C0LEADERS"):
    response = slack.command(name, text, user=user, channel=channel)
    bot.wait_idle()
    return response


def standup_values(digest_channel):
    return {
        "standup.setup.time": {"standup.setup.input": sv.timepicker("09:30")},
        "standup.setup.days": {"standup.setup.input": sv.checkboxes(["0", "1", "2", "3", "4"])},
        "standup.setup.questions": {"standup.setup.input": sv.plain_text("Yesterday?\nToday?\nBlockers?")},
        "standup.setup.participants": {"standup.setup.input": sv.multi_users_select(["U0ALICE"])},
        "standup.setup.mode": {"standup.setup.input": sv.static_select("dm")},
        "standup.setup.reminder": {"standup.setup.input": sv.plain_text("60")},
        "standup.setup.cutoff": {"standup.setup.input": sv.timepicker("11:30")},
        "standup.setup.digest_channel": {"standup.setup.input": sv.conversations_select(digest_channel)},
    }


def private_program(slack, bot, workspace):
    workspace.add_bot_to("C0LEADERS")  # the private #leadership is the program's home
    cmd(slack, bot, "we run Apollo from #leadership", "/decision")  # a recording command binds the channel


def config(deps) -> StandupConfig:
    with deps.session() as session:
        return session.exec(select(StandupConfig)).one()


def test_standup_setup_refuses_a_public_digest_channel_for_a_private_program(slack, bot, deps, workspace):
    private_program(slack, bot, workspace)
    cmd(slack, bot, "setup", "/standup")
    view = workspace.latest_view("U0ALICE", callback_id="standup.setup.modal")
    refused = slack.view_submission(view, standup_values("C0GENERAL"), user="U0ALICE")
    assert refused.status == 200 and refused.json["response_action"] == "errors"
    assert refused.json["errors"] == {"standup.setup.digest_channel": (
        "#leadership is private, so its stand-up digest can't go to #general, which is public. "
        "Choose a private channel (or #leadership itself).")}
    bot.wait_idle()
    with deps.session() as session:
        assert session.exec(select(StandupConfig)).first() is None  # nothing saved

    workspace.add_channel("C0QUIET", "quiet-room", is_private=True, members=["U0ALICE"], bot_member=False)
    unseen = slack.view_submission(view, standup_values("C0QUIET"), user="U0ALICE")
    assert "if it's private, /invite @tpmbot there first" in unseen.json["errors"]["standup.setup.digest_channel"]

    saved = slack.view_submission(view, standup_values("C0LEADERS"), user="U0ALICE")
    assert saved.status == 200 and not saved.body.strip()
    bot.wait_idle()
    assert config(deps).digest_channel_id == "C0LEADERS"


def test_a_public_digest_channel_saved_before_the_check_gets_nothing(slack, bot, deps, workspace, sandbox):
    private_program(slack, bot, workspace)
    with deps.session() as session:  # as an older release saved it, unchecked
        program = session.exec(select(Program)).one()
        session.add(StandupConfig(program_id=program.id, participants=["U0ALICE"], digest_channel_id="C0GENERAL",
                                  updated_at=program.created_at))
    cmd(slack, bot, "", "/digest")
    cmd(slack, bot, "", "/digest")
    assert [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0GENERAL"] == []
    assert not [m for m in workspace.messages("C0GENERAL") if m.get("bot_id")]
    with deps.session() as session:
        [digest] = session.exec(select(OutboundMessage).where(OutboundMessage.channel == "C0GENERAL")).all()
    assert (digest.status, digest.last_error) == ("dead", "private_to_public")
    notices = [m["text"] for m in workspace.messages("D0ALICE") if m.get("bot_id")]
    assert len(notices) == 1  # told once
    assert "<#C0LEADERS> is private and <#C0GENERAL> is public" in notices[0] and "/standup setup" in notices[0]
    reply = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "up to date in <#C0GENERAL>" not in reply
