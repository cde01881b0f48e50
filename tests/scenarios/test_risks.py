"""Risks through signed Slack payloads: scoring, the register, top risks with the matrix, updates."""

import json

from sqlmodel import select

from storage.raid_models import Item


def risks(deps):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == "risk").order_by(Item.number)).all()


def run(slack, bot, text, user="U0ALICE"):
    assert slack.command("/risk", text, user=user, channel="C0APOLLO").status == 200
    bot.wait_idle()


def reply(workspace, user="U0ALICE"):
    return workspace.ephemerals(user=user)[-1]


def test_risk_capture_scores_and_confirms(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "vendor may slip the SDK p:4 i:5 <@U0BOB> review dec 10 mitigation: ask for a beta build")
    [risk] = risks(deps)
    assert (risk.key, risk.probability, risk.impact, risk.score, risk.owner_id) == ("R-1", 4, 5, 20, "U0BOB")
    assert risk.mitigation == "ask for a beta build" and risk.review_at is not None
    text = reply(workspace)["text"]
    assert "Logged risk *R-1* — owner <@U0BOB>, score 20 (P4 × I5), review Thu 10 Dec 2026 (America/Los_Angeles)" in text
    [post] = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"]
    assert "Score*\\n20" in json.dumps(post.args["blocks"]) and "raid.message.resolve" in json.dumps(post.args["blocks"])


def test_defaults_and_bad_levels(slack, bot, deps, workspace):
    run(slack, bot, "key engineer may leave")
    assert (risks(deps)[0].probability, risks(deps)[0].impact, risks(deps)[0].owner_id) == (3, 3, "U0ALICE")
    run(slack, bot, "something p:9")
    assert "`p:9` is out of range" in reply(workspace)["text"] and "Example: `/risk" in reply(workspace)["text"]
    run(slack, bot, "something i:0")
    assert "`i:0` is out of range" in reply(workspace)["text"]
    run(slack, bot, "something mitigation:")
    assert "`mitigation:` needs some text" in reply(workspace)["text"]
    assert len(risks(deps)) == 1


def test_top_list_has_the_matrix_and_update_rescores(slack, bot, deps, workspace):
    run(slack, bot, "low one p:1 i:2")
    run(slack, bot, "big one p:5 i:5")
    run(slack, bot, "middle p:3 i:3", user="U0DIETER")
    run(slack, bot, "list top")
    blocks = json.dumps(reply(workspace)["blocks"])
    assert blocks.index("R-2") < blocks.index("R-3") < blocks.index("R-1")
    assert "impact" in blocks and "probability" in blocks
    run(slack, bot, "list mine", user="U0DIETER")
    mine = json.dumps(reply(workspace, "U0DIETER")["blocks"])
    assert "R-3" in mine and "R-2" not in mine
    run(slack, bot, "update R-2 p:2 mitigation: second vendor")
    risk = risks(deps)[1]
    assert (risk.probability, risk.impact, risk.score, risk.mitigation) == (2, 5, 10, "second vendor")
    assert "now scores 10" in reply(workspace)["text"]
    run(slack, bot, "update R-2")
    assert "Nothing to change" in reply(workspace)["text"]


def test_close_and_permissions(slack, bot, deps, workspace):
    run(slack, bot, "data loss on migration p:2 i:5", user="U0DIETER")
    run(slack, bot, "close R-1 no longer relevant", user="U0KENJI")
    assert "Only R-1's owner, its reporter or a program lead" in reply(workspace, "U0KENJI")["text"]
    assert risks(deps)[0].status == "open"
    run(slack, bot, "close R-1 migrated safely", user="U0DIETER")
    assert (risks(deps)[0].status, risks(deps)[0].close_note) == ("closed", "migrated safely")
    run(slack, bot, "list")
    assert "none open" in json.dumps(reply(workspace)["blocks"])
    run(slack, bot, "list sideways")
    assert "isn't a list filter" in reply(workspace)["text"]
