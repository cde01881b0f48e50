"""Milestones through signed Slack payloads: the plan's dates with baseline and forecast, slips with
their reasons, the order they come in, links, a lead's status and the status rules; bad input refused
with nothing stored."""

import json
from datetime import timedelta

from sqlmodel import select

from storage.raid_models import Item, ItemEvent


ON, RISK, OFF = ":large_green_circle: on track", ":large_yellow_circle: at risk", ":red_circle: off track"


def milestones(deps):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == "milestone").order_by(Item.number)).all()


def run(slack, bot, text, user="U0ALICE", command="/milestone"):
    assert slack.command(command, text, user=user, channel="C0APOLLO").status == 200
    bot.wait_idle()


def reply(workspace, user="U0ALICE"):
    return workspace.ephemerals(user=user)[-1]


def listing(slack, bot, workspace, text="list"):
    run(slack, bot, text)
    return json.dumps(reply(workspace)["blocks"])


def test_a_milestone_has_a_baseline_and_slips_are_kept_with_reasons(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Beta in the app store due dec 15 <@U0BOB>")
    [beta] = milestones(deps)
    assert (beta.key, beta.owner_id, beta.title) == ("M-1", "U0BOB", "Beta in the app store")
    assert beta.details["baseline"] == beta.details["forecast"] == "2026-12-15"
    assert "Logged milestone *M-1*" in reply(workspace)["text"] and "Tue 15 Dec 2026" in reply(workspace)["text"]
    [post] = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"]
    assert "Baseline*\\nTue 15 Dec 2026" in json.dumps(post.args["blocks"])

    run(slack, bot, "move M-1 dec 18")
    assert "Say why it moves" in reply(workspace)["text"] and "Example: `/milestone move" in reply(workspace)["text"]
    assert milestones(deps)[0].details["forecast"] == "2026-12-15"

    run(slack, bot, "move M-1 dec 18 reason: the SDK beta came late")
    [beta] = milestones(deps)
    assert (beta.details["baseline"], beta.details["forecast"]) == ("2026-12-15", "2026-12-18")
    [slip] = beta.details["slips"]
    assert (slip["from"], slip["to"], slip["reason"], slip["by"]) == (
        "2026-12-15", "2026-12-18", "the SDK beta came late", "U0ALICE")
    assert "is now forecast for Fri 18 Dec 2026" in reply(workspace)["text"]
    edits = [c for c in sandbox.calls_to("chat.update") if c.args["channel"] == "C0APOLLO"]
    assert "Forecast*\\nFri 18 Dec 2026" in json.dumps(edits[-1].args["blocks"])
    with deps.session() as session:
        actions = [e.action for e in session.exec(select(ItemEvent).where(ItemEvent.item_id == beta.id))]
    assert actions == ["created", "moved"]
    # Three working days late is inside the default tolerance (5): still on track.
    assert ON in listing(slack, bot, workspace) and "slipped 3 working days" in listing(slack, bot, workspace)

    run(slack, bot, "move M-1 jan 8 reason: holidays")
    assert OFF in listing(slack, bot, workspace)
    run(slack, bot, "show M-1")
    shown = json.dumps(reply(workspace)["blocks"])
    assert "moved" in shown and "holidays" in shown


def test_status_rules_follow_linked_records_and_order(slack, bot, deps, workspace, clock):
    run(slack, bot, "Design done due dec 10")
    run(slack, bot, "Launch due dec 20 after M-1")
    assert milestones(deps)[1].details["after"] == ["M-1"]
    run(slack, bot, "payments API is down sev:high", command="/blocker")
    run(slack, bot, "link M-2 B-1")
    assert milestones(deps)[1].details["links"] == ["B-1"]
    text = listing(slack, bot, workspace)
    assert "M-2" in text and RISK in text and "B-1 is an open high blocker" in text
    run(slack, bot, "resolve B-1 fixed", command="/blocker")
    assert RISK not in listing(slack, bot, workspace)

    # The earlier milestone's forecast passes: it is off track, and the one after it at risk.
    clock.set(clock.now() + timedelta(days=10))
    text = listing(slack, bot, workspace)
    assert OFF in text and "comes after M-1, which is off track" in text

    # A lead's status wins over the rules for a week.
    run(slack, bot, "status M-2 on track the team has absorbed the delay")
    text = listing(slack, bot, workspace)
    assert ON + " (set by a lead)" in text
    run(slack, bot, "status M-2 at risk", user="U0KENJI")
    assert "Only a program lead can set" in reply(workspace, "U0KENJI")["text"]
    clock.set(clock.now() + timedelta(days=7, minutes=1))
    assert "set by a lead" not in listing(slack, bot, workspace)

    run(slack, bot, "done M-1")
    assert milestones(deps)[0].status == "done"


def test_bad_input_is_refused_with_nothing_stored(slack, bot, deps, workspace):
    run(slack, bot, "Beta")
    assert "needs its date" in reply(workspace)["text"]
    run(slack, bot, "Beta due someday maybe")
    assert "Dates can be like" in reply(workspace)["text"]
    run(slack, bot, "Beta due dec 15 after M-9")
    assert "There is no M-9" in reply(workspace)["text"]
    assert milestones(deps) == []

    run(slack, bot, "Design due dec 15")
    run(slack, bot, "Launch due dec 10 after M-1")
    assert "comes after M-1, due Tue 15 Dec 2026" in reply(workspace)["text"]
    run(slack, bot, "Launch due dec 20 after M-1")
    run(slack, bot, "after M-1 M-2")
    assert "That makes a loop: M-1 → M-2 → M-1" in reply(workspace)["text"]
    assert milestones(deps)[0].details["after"] == []
    run(slack, bot, "move M-2 dec 12 reason: faster")
    assert "comes after M-1" in reply(workspace)["text"]
    assert milestones(deps)[1].details["forecast"] == "2026-12-20"

    run(slack, bot, "link M-2 B-99")
    assert "There is no B-99" in reply(workspace)["text"]
    run(slack, bot, "link M-2 banana")
    assert "isn't something I can link" in reply(workspace)["text"]
    run(slack, bot, "link M-2 jira:pay-12 github:milestone/3")
    assert milestones(deps)[1].details["links"] == ["jira:PAY-12", "github:milestone/3"]
    run(slack, bot, "status M-2 sideways")
    assert "on track, at risk or off track" in reply(workspace)["text"]


def test_an_escalation_opens_when_the_forecast_passes(slack, bot, deps, workspace, clock):
    from storage.escalation_models import Escalation

    run(slack, bot, "Design done due dec 2")
    clock.set(clock.now() + timedelta(days=2))
    run(slack, bot, "move M-1 dec 30 reason: rework", user="U0ALICE")
    with deps.session() as session:
        [escalation] = session.exec(select(Escalation)).all()
    assert escalation.rule == "milestone_slipped" and "slipped" in escalation.reason


def test_roadmap_posts_the_picture_in_the_channel_once_per_content(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "", command="/roadmap")
    assert "has no program yet" in reply(workspace)["text"]
    run(slack, bot, "setup", command="/tpm")
    run(slack, bot, "", command="/roadmap")
    assert "no milestones yet" in reply(workspace)["text"]
    run(slack, bot, "Design due dec 10")
    run(slack, bot, "Beta due jan 20 after M-1")
    run(slack, bot, "move M-2 jan 29 reason: vendor SDK late")
    run(slack, bot, "", command="/roadmap")
    [picture] = [m for m in workspace.messages("C0APOLLO") if any(b["type"] == "image" for b in m.get("blocks", []))]
    image = next(b for b in picture["blocks"] if b["type"] == "image")
    assert image["slack_file"]["id"].startswith("F") and "image_url" not in image
    assert "M-2 Beta: forecast 29 Jan 2027, +9 days from baseline 20 Jan" in image["alt_text"]
    assert workspace.file_store.bytes_of(image["slack_file"]["id"])[0][:8] == b"\x89PNG\r\n\x1a\n"
    run(slack, bot, "", command="/roadmap")  # nothing changed: posted again, the same file
    assert len(sandbox.calls_to("files.getUploadURLExternal")) == 1
    pictures = [m for m in workspace.messages("C0APOLLO") if any(b["type"] == "image" for b in m.get("blocks", []))]
    assert len(pictures) == 2


def test_app_home_shows_the_roadmap_of_the_programs_a_lead_leads(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Design due dec 10")
    run(slack, bot, "Beta due jan 20 after M-1")
    assert slack.app_home_opened("U0ALICE").status == 200
    bot.wait_idle()
    home = workspace.home_views["U0ALICE"]
    [image] = [b for b in home["blocks"] if b["type"] == "image"]
    assert image["slack_file"]["id"].startswith("F") and "M-1 Design: forecast 10 Dec 2026" in image["alt_text"]
    assert slack.app_home_opened("U0ALICE").status == 200  # opened again, nothing changed: no new upload
    bot.wait_idle()
    assert len(sandbox.calls_to("files.getUploadURLExternal")) == 1
    assert slack.app_home_opened("U0KENJI").status == 200  # leads nothing: no picture
    bot.wait_idle()
    assert not [b for b in workspace.home_views["U0KENJI"]["blocks"] if b["type"] == "image"]
