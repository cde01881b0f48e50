"""Text in once, out once, end to end: the sandbox sends what a person types HTML-escaped, as Slack does;
the bot stores exactly what was typed and escapes it once on the way out (each defect of the first hour
has its test here)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from sandbox import state_values as sv
from storage.raid_models import Item
from storage.standup_models import StandupAnswer
from tests.scenarios.test_standups import answers, cmd, setup


def posted_texts(sandbox) -> list[str]:
    """Every message the bot posted or edited, blocks and top-level text, as JSON text."""
    return [json.dumps([call.args.get("text"), call.args.get("blocks")])
            for method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
            for call in sandbox.calls_to(method)]


def digest_blocks(slack, bot, sandbox) -> str:
    sandbox.clear_calls()
    cmd(slack, bot, "", name="/digest")
    calls = sandbox.calls_to("chat.postMessage") + sandbox.calls_to("chat.update")
    assert calls, "no digest was posted"
    return json.dumps(calls[-1].args["blocks"])


def configured(slack, bot, workspace):
    view, values = setup(slack, bot, workspace)
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()


def test_ampersand_typed_in_standup_is_stored_plain_and_escaped_once_in_the_digest(slack, bot, deps, workspace, sandbox):
    configured(slack, bot, workspace)
    cmd(slack, bot, "y: R&D review; t: Q&A <prep> & \"notes\"")
    [answer] = answers(deps)
    assert (answer.yesterday, answer.today) == ("R&D review", 'Q&A <prep> & "notes"')
    digest = digest_blocks(slack, bot, sandbox)
    assert "R&amp;D review" in digest and "Q&amp;A &lt;prep&gt; &amp;" in digest
    assert "&amp;amp;" not in digest and "&amp;lt;" not in digest


def test_a_mention_in_an_answer_is_a_live_mention_in_the_digest(slack, bot, deps, workspace, sandbox):
    configured(slack, bot, workspace)
    slack.command("/standup", "t: pairing with <@U0DIETER|dieter> on <#C0APOLLO|program-apollo>", user="U0ALICE",
                  channel="C0APOLLO")
    bot.wait_idle()
    digest = digest_blocks(slack, bot, sandbox)
    assert "pairing with <@U0DIETER> on <#C0APOLLO>" in digest
    assert "&lt;@U0DIETER" not in digest and "|dieter" not in digest


def test_a_dm_answer_arrives_escaped_and_is_stored_as_typed(slack, bot, deps, workspace, sandbox, clock):
    configured(slack, bot, workspace)
    cmd(slack, bot, "t: first")  # a run exists for today: a DM reply is an answer to it
    workspace.open_dm("U0ALICE")
    slack.message("D0ALICE", "U0ALICE", "y: A&B <-> C; t: ship & tell")
    bot.wait_idle()
    delivered = [m for m in workspace.messages("D0ALICE") if m.get("user") == "U0ALICE"][-1]
    assert delivered["text"] == "y: A&amp;B &lt;-&gt; C; t: ship &amp; tell"  # how Slack stores and sends it
    [answer] = answers(deps)
    assert (answer.yesterday, answer.today) == ("A&B <-> C", "ship & tell")


def test_help_shows_placeholders_literally(slack, bot, workspace):
    response = slack.command("/tpm", "help", user="U0ALICE", channel="C0APOLLO")
    help_text = json.dumps(response.json["blocks"])
    assert "[sev:&lt;low|medium|high|critical&gt;]" in help_text
    assert "ladder &lt;hours&gt; &lt;hours&gt;" in help_text and "due &lt;date&gt;" in help_text
    command_help = json.dumps(slack.command("/blocker", "help", user="U0ALICE", channel="C0APOLLO").json["blocks"])
    assert "/blocker list [mine|all|@user|overdue|sev:&lt;level&gt;]" in command_help


def test_an_unknown_subcommand_is_quoted_inert(slack, bot, workspace, sandbox):
    response = slack.command("/tpm", "<!here>&co", user="U0ALICE", channel="C0APOLLO")
    text = json.dumps(response.json)
    assert "&lt;!here&gt;&amp;co" in text and "<!here>" not in text


def test_a_message_shortcut_prefills_the_modal_with_the_text_as_typed(slack, bot, workspace):
    slack.message("C0APOLLO", "U0KENJI", "Q&A <tonight> for R&D")
    message = [m for m in workspace.messages("C0APOLLO") if m.get("user") == "U0KENJI"][-1]
    assert message["text"] == "Q&amp;A &lt;tonight&gt; for R&amp;D"
    slack.message_shortcut("blocker.shortcut.log", message, channel="C0APOLLO", user="U0ALICE")
    bot.wait_idle()
    modal = workspace.latest_view("U0ALICE")
    initial = [b["element"].get("initial_value") for b in modal["blocks"] if b.get("type") == "input"]
    assert "Q&A <tonight> for R&D" in initial


def test_nul_characters_are_dropped_from_commands_and_modal_inputs(slack, bot, deps, workspace):
    configured(slack, bot, workspace)
    cmd(slack, bot, "t: nul\x00 here")
    assert answers(deps)[0].today == "nul here"
    prompt_run = answers(deps)[0].run_id
    slack.block_action("standup.prompt.answer", value=str(prompt_run), user="U0KENJI", channel="D0KENJI")
    bot.wait_idle()
    modal = workspace.latest_view("U0KENJI", callback_id="standup.modal")
    slack.view_submission(modal, {"standup.modal.today": {"standup.modal.input": sv.plain_text("te\x00st & plan")}},
                          user="U0KENJI")
    bot.wait_idle()
    with deps.session() as session:
        kenji = session.exec(select(StandupAnswer).where(StandupAnswer.user_id == "U0KENJI")).one()
    assert kenji.today == "test & plan"  # modal input is not escaped by Slack: stored as typed, NUL dropped


def test_a_long_answer_full_of_ampersands_is_clipped_before_escaping(slack, bot, deps, workspace, sandbox):
    configured(slack, bot, workspace)
    typed = "t: " + "a&b " * 1000
    cmd(slack, bot, typed[:3000])  # within the answer's limit; escaped, it is longer than a section
    digest = json.loads(digest_blocks(slack, bot, sandbox))
    section = next(b for b in digest if b["type"] == "section" and "<@U0ALICE>" in b.get("text", {}).get("text", ""))
    text = section["text"]["text"]
    assert len(text) <= 3000 and text.endswith("…")
    body = text.split("*Today:* ", 1)[1][:-1]
    assert body.replace("&amp;", "&").replace("a&b ", "") in ("", "a", "a&", "a&b")  # whole entities only


def test_a_blocker_typed_with_special_mentions_is_stored_as_typed(slack, bot, deps, workspace, sandbox):
    slack.command("/blocker", "Deploy <!here> & <https://evil.example|click me> now", user="U0ALICE",
                  channel="C0APOLLO")
    bot.wait_idle()
    with deps.session() as session:
        [item] = session.exec(select(Item)).all()
    assert item.title == "Deploy <!here> & <https://evil.example|click me> now"
    for posted in posted_texts(sandbox):
        assert "<!here>" not in posted and "<https://evil" not in posted
