"""The status report through signed Slack payloads: `/status` now, the weekly schedule (once, in the
program's time), RAG by the documented rules, trends, highlights, and a report that fits Slack's limits
however large the program."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.services.raid import create_blocker, create_risk
from bot.services.raid_grammar import BlockerDraft, RiskDraft
from scheduled.tick import run_due
from storage.models import Program


def cmd(slack, bot, text, name="/status", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def reports(sandbox, channel="C0APOLLO"):
    return [c for c in sandbox.calls_to("chat.postMessage")
            if c.args["channel"] == channel and c.args["text"].startswith("Status of")]


def text_of(call) -> str:
    return json.dumps(call.args["blocks"], ensure_ascii=False)


def test_status_now_is_green_then_red_with_reasons_and_kpis(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "setup", name="/tpm")
    cmd(slack, bot, "")
    [green] = reports(sandbox)
    assert green.args["text"] == "Status of program-apollo: GREEN" and green.response["ok"]
    assert "No open blockers." in text_of(green) and "No open risks." in text_of(green)

    cmd(slack, bot, "y: shipped the login page; fixed flaky test\nt: payments", name="/standup", user="U0KENJI")
    cmd(slack, bot, "checkout down sev:critical", name="/blocker")
    cmd(slack, bot, "vendor may slip p:4 i:4", name="/risk")
    clock.advance(timedelta(days=2))
    cmd(slack, bot, "update R-1 p:5", name="/risk")
    cmd(slack, bot, "")
    red = reports(sandbox)[-1]
    body = text_of(red)
    assert red.args["text"] == "Status of program-apollo: RED"
    assert "1 critical blocker(s) open: B-1" in body and "1 risk(s) scoring 20+: R-1" in body
    assert "*R-1* vendor may slip — score 20 (new)" in body  # created this week: no trend yet
    assert "<@U0KENJI>: shipped the login page" in body and "fixed flaky test" in body
    assert "Risk exposure (sum of scores)*\\n20" in body and "New this week (2)" in body


def test_risk_trend_compares_with_a_week_ago(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "setup", name="/tpm")
    cmd(slack, bot, "supplier audit p:2 i:3", name="/risk")
    clock.advance(timedelta(days=8))
    cmd(slack, bot, "update R-1 i:5", name="/risk")
    cmd(slack, bot, "")
    body = text_of(reports(sandbox)[-1])
    assert "score 10 (:arrow_up: from 6)" in body and "10 :arrow_up: +4 this week" in body


def test_closed_items_are_listed_in_the_order_they_closed(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "setup", name="/tpm")
    for title in ("first logged", "second logged", "third logged"):
        cmd(slack, bot, title, name="/blocker")
    for key in ("B-3", "B-1", "B-2"):
        clock.advance(timedelta(hours=1))
        cmd(slack, bot, f"resolve {key}", name="/blocker")
    cmd(slack, bot, "")
    body = text_of(reports(sandbox)[-1])
    assert body.index("*B-3*") < body.index("*B-1*") < body.index("*B-2*")


def test_weekly_report_posts_once_at_the_programs_local_time(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "setup", name="/tpm")  # Los Angeles: Friday 16:00 there is Saturday 00:00 UTC
    cmd(slack, bot, "when")
    friday = datetime(2026, 12, 5, 0, 0, tzinfo=timezone.utc)
    for at in (friday - timedelta(minutes=1), friday, friday + timedelta(seconds=30)):
        clock.set(at)
        run_due(deps, at, client=bot.app.client)
    assert len(reports(sandbox)) == 1

    cmd(slack, bot, "schedule monday 9:00 <#C0GENERAL|general>")
    with deps.session() as session:
        assert session.exec(select(Program)).one().settings["status_report"] == {
            "enabled": True, "day": 0, "time": "09:00", "channel": "C0GENERAL"}
    monday = datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)  # 09:00 in Los Angeles
    clock.set(monday)
    run_due(deps, monday, client=bot.app.client)
    assert len(reports(sandbox, "C0GENERAL")) == 1
    cmd(slack, bot, "schedule off")
    next_monday = monday + timedelta(days=7)
    clock.set(next_monday)
    run_due(deps, next_monday, client=bot.app.client)
    assert len(reports(sandbox, "C0GENERAL")) == 1


def test_schedule_input_and_channel_checks(slack, bot, deps, workspace):
    cmd(slack, bot, "setup", name="/tpm")
    reply = json.loads(cmd(slack, bot, "schedule someday").body)["text"]
    assert "Say the day and the time" in reply and "/status schedule fri 16:00 #leadership" in reply
    cmd(slack, bot, "schedule fri 16:00 <#C0LEADERS|leadership>")  # private, and the bot is not in it
    assert "I can't see that channel: if it's private, /invite @tpmbot there first" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    cmd(slack, bot, "schedule fri 16:00", user="U0KENJI")
    assert "Only the program's leads" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    with deps.session() as session:
        assert "status_report" not in session.exec(select(Program)).one().settings


def test_a_huge_program_still_fits_slacks_limits(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "setup", name="/tpm")
    now = clock.now()
    with deps.session() as session:
        program = session.exec(select(Program)).one()
        for n in range(400):
            create_blocker(session=session, program=program, author_id="U0ALICE", now=now - timedelta(hours=n),
                           draft=BlockerDraft(title="x" * 500, owner_id=None, severity="high", due=None))
        for n in range(200):
            create_risk(session=session, program=program, author_id="U0ALICE", now=now, draft=RiskDraft(
                title="y" * 500, owner_id=None, probability=5, impact=5, mitigation="", review=None))
    cmd(slack, bot, "")
    [report] = reports(sandbox)
    assert report.response["ok"] and len(report.args["blocks"]) <= 50  # the sandbox checks every Block Kit limit
    body = text_of(report)
    # 400 blockers, one an hour back from now: 168 of them (and all 200 risks) are this week's
    assert "_…and 392 more_" in body and "New this week (368)" in body and "_…and 360 more_" in body


def test_the_report_lists_the_weeks_decisions_and_overdue_actions_by_owner(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "help", name="/tpm")
    cmd(slack, bot, "pick the old vendor", name="/decision")  # decided more than a week before the report
    clock.advance(timedelta(days=8))
    cmd(slack, bot, "ship the beta to 10% first <@U0BOB> <@U0CAROL> why: limits the blast radius", name="/decision")
    cmd(slack, bot, "send the plan to legal <@U0BOB> due tomorrow", name="/action")
    cmd(slack, bot, "book the venue <@U0BOB> due tomorrow", name="/action")
    cmd(slack, bot, "check the budget <@U0CAROL> due tomorrow", name="/action")
    cmd(slack, bot, "write the retro <@U0CAROL> due in 2 weeks", name="/action")
    cmd(slack, bot, "done A-2", name="/action")
    clock.advance(timedelta(days=2))
    cmd(slack, bot, "")
    body = text_of(reports(sandbox)[-1])
    decisions = body.split("Decisions this week (1)*")[1].split("Overdue actions")[0]
    assert "*DEC-2* ship the beta to 10% first — <@U0BOB>, <@U0CAROL>" in decisions and "DEC-1" not in decisions
    overdue = body.split("Overdue actions (2)*")[1].split("New this week")[0]
    bob, carol = overdue.index("<@U0BOB> (1): *A-1* send the plan to legal (due "), overdue.index("<@U0CAROL> (1): *A-3*")
    assert bob < carol and "A-2" not in overdue and "A-4" not in overdue  # done, and not due yet


def test_milestones_drive_the_rag_and_have_their_section(slack, bot, deps, sandbox, clock):
    cmd(slack, bot, "Design signed off due dec 4", name="/milestone")
    cmd(slack, bot, "Beta due dec 18 after M-1", name="/milestone")
    cmd(slack, bot, "GA due jan 15", name="/milestone")
    cmd(slack, bot, "Docs due jan 29", name="/milestone")
    cmd(slack, bot, "")
    green = reports(sandbox)[-1]
    assert green.args["text"] == "Status of program-apollo: GREEN"
    body = text_of(green)
    assert "*Milestones*" in body and "*M-1* Design signed off — Fri 4 Dec 2026" in body
    assert "*M-4* Docs —" not in body and "…and 1 more: `/milestone list`" in body  # the next three only
    # The roadmap picture right under the Milestones section: drawn and uploaded when the report is sent.
    blocks = green.args["blocks"]
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == "status.milestones")
    image = blocks[at + 1]
    assert image["type"] == "image" and image["slack_file"]["id"].startswith("F")
    assert "M-1 Design signed off: forecast 04 Dec 2026" in image["alt_text"]
    assert "tpmbot_pictures" not in green.args and len(sandbox.calls_to("files.completeUploadExternal")) == 1

    cmd(slack, bot, "auth vendor may not deliver p:4 i:4", name="/risk")
    cmd(slack, bot, "link M-2 R-1", name="/milestone")
    clock.advance(timedelta(minutes=1))  # a report a minute: the same minute's is the same report
    cmd(slack, bot, "")
    amber = reports(sandbox)[-1]
    assert amber.args["text"] == "Status of program-apollo: AMBER"
    assert "1 milestone(s) at risk: M-2 (R-1 is a risk scoring 16 (threshold 15))" in text_of(amber)

    cmd(slack, bot, "move M-1 dec 16 reason: legal asked for a second review", name="/milestone")
    clock.advance(timedelta(minutes=1))
    cmd(slack, bot, "")
    red = reports(sandbox)[-1]
    body = text_of(red)
    assert red.args["text"] == "Status of program-apollo: RED"
    assert "1 milestone(s) off track: M-1 (slipped 8 working days past its baseline" in body
    assert "*Slips this week (1)*" in body and "legal asked for a second review" in body

    cmd(slack, bot, "done M-1", name="/milestone")
    clock.advance(timedelta(minutes=1))
    cmd(slack, bot, "")
    assert "*Done this week (1)*" in text_of(reports(sandbox)[-1])
