"""The portfolio through signed Slack payloads: `/tpm portfolio` shows every program the person may see
(never a private channel's program to a non-member), red first or as asked; App Home's Portfolio section;
the weekly digest, posted once at its time through the tick, which never lists a private program to a
channel whose members are not all members of it."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from scheduled.tick import run_due
from storage.models import OutboundMessage, Program

EVERYONE = ["U0ALICE", "U0BOB", "U0KENJI", "U0CAROL", "U0JAMES", "U0MIA"]


def cmd(slack, bot, text, name="/tpm", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def reply(workspace, user):
    return workspace.ephemerals(user=user)[-1]


def portfolio_of(slack, bot, workspace, user, text=""):
    cmd(slack, bot, f"portfolio {text}".strip(), user=user)
    return json.dumps(reply(workspace, user)["blocks"], ensure_ascii=False)


def three_programs(slack, bot, workspace):
    """Apollo (public, red: a critical blocker), Zeus (public, amber: a risk at the threshold, and a
    milestone) and Leadership (private to four people, green)."""
    cmd(slack, bot, "setup")  # program-apollo, led by Alice
    cmd(slack, bot, "checkout down sev:critical", name="/blocker")
    workspace.add_channel("C0ZEUS", "program-zeus", members=EVERYONE)
    cmd(slack, bot, "vendor may slip p:3 i:5", name="/risk", channel="C0ZEUS")
    cmd(slack, bot, "Beta in the app store due dec 15 <@U0BOB>", name="/milestone", channel="C0ZEUS")
    cmd(slack, bot, "move M-1 dec 18 reason: the SDK came late", name="/milestone", channel="C0ZEUS")
    workspace.add_bot_to("C0LEADERS")  # private: Alice, Carol, James, Bob
    cmd(slack, bot, "we hire two SREs", name="/decision", channel="C0LEADERS")


def test_portfolio_shows_private_programs_only_to_their_members_red_first(slack, bot, deps, workspace):
    three_programs(slack, bot, workspace)

    kenji = portfolio_of(slack, bot, workspace, "U0KENJI")  # not in #leadership
    assert "program-apollo" in kenji and "program-zeus" in kenji and "leadership" not in kenji
    assert "2 programs: 1 red, 1 amber" in kenji

    bob = portfolio_of(slack, bot, workspace, "U0BOB")  # a member of #leadership
    assert "3 programs: 1 red, 1 amber, 1 green" in bob and "sorted red first" in bob
    assert bob.index(":red_circle: *RED* *program-apollo*") < bob.index(":large_yellow_circle: *AMBER* *program-zeus*") \
        < bob.index(":large_green_circle: *GREEN* *leadership*")
    assert "1 critical open: B-1" in bob  # Apollo's critical blocker
    assert "next *M-1* Beta in the app store — Fri 18 Dec 2026, slipped 3 working days (" in bob
    assert "no open milestone" in bob and "no status report yet" in bob

    by_name = portfolio_of(slack, bot, workspace, "U0BOB", "name")
    assert by_name.index("*leadership*") < by_name.index("*program-apollo*") < by_name.index("*program-zeus*")
    by_next = portfolio_of(slack, bot, workspace, "U0BOB", "next")
    assert by_next.index("*program-zeus*") < by_next.index("*program-apollo*")  # Zeus has the only milestone

    refused = json.loads(cmd(slack, bot, "portfolio loudest", user="U0BOB").body)["text"]  # answered in the ack
    assert "isn't a way to sort the portfolio" in refused and "/tpm portfolio rag" in refused


def test_a_member_who_leaves_a_private_channel_stops_seeing_its_program(slack, bot, deps, workspace, clock):
    three_programs(slack, bot, workspace)
    assert "*leadership*" in portfolio_of(slack, bot, workspace, "U0BOB")
    workspace.channel("C0LEADERS")["members"].remove("U0BOB")
    clock.advance(timedelta(minutes=16))  # past what the channel facts are trusted for
    assert "*leadership*" not in portfolio_of(slack, bot, workspace, "U0BOB")


def test_the_last_status_report_date_is_shown(slack, bot, deps, workspace):
    three_programs(slack, bot, workspace)
    cmd(slack, bot, "", name="/status")  # Apollo's report, sent now (Tue 1 Dec)
    body = portfolio_of(slack, bot, workspace, "U0KENJI")
    apollo = body[body.index("*program-apollo*"):body.index("*program-zeus*")]
    assert "last report Tue 1 Dec 2026" in apollo


def test_app_home_has_a_portfolio_section_without_others_private_programs(slack, bot, deps, workspace, sandbox):
    three_programs(slack, bot, workspace)
    slack.app_home_opened("U0KENJI")
    bot.wait_idle()
    kenji = json.dumps(sandbox.calls_to("views.publish")[-1].args["view"])
    assert "*Portfolio* \\u2014 2 programs: 1 red, 1 amber" in kenji and "*leadership*" not in kenji
    slack.app_home_opened("U0CAROL")
    bot.wait_idle()
    carol = json.dumps(sandbox.calls_to("views.publish")[-1].args["view"])
    assert "*Portfolio* \\u2014 3 programs" in carol and ":large_green_circle: *GREEN* *leadership*" in carol


def digests(sandbox, channel):
    return [c for c in sandbox.calls_to("chat.postMessage")
            if c.args["channel"] == channel and c.args["text"].startswith("Weekly portfolio")]


def test_weekly_digest_posts_once_at_its_time_and_leaves_private_programs_out_of_a_public_channel(
        slack, bot, deps, workspace, sandbox, clock):
    three_programs(slack, bot, workspace)
    cmd(slack, bot, "portfolio digest <#C0GENERAL|general> mon 09:00")
    said = reply(workspace, "U0ALICE")["text"]
    assert "every Mon at 09:00 (America/Los_Angeles) in <#C0GENERAL>" in said and "private programs are left out" in said
    with deps.session() as session:
        apollo = session.exec(select(Program).where(Program.channel_id == "C0APOLLO")).one()
        assert apollo.settings["portfolio"] == {"enabled": True, "day": 0, "time": "09:00", "channel": "C0GENERAL"}

    monday = datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)  # 09:00 in Los Angeles
    for at in (monday - timedelta(minutes=1), monday, monday + timedelta(seconds=30), monday + timedelta(minutes=5)):
        clock.set(at)
        run_due(deps, at, client=bot.app.client)
    [digest] = digests(sandbox, "C0GENERAL")
    body = json.dumps(digest.args["blocks"], ensure_ascii=False)
    assert digest.response["ok"] and digest.args["text"] == "Weekly portfolio: 2 programs (1 red, 1 amber)"
    assert body.index("*program-apollo*") < body.index("*program-zeus*") and "leadership" not in body
    assert "1 program not listed" in body
    with deps.session() as session:
        [queued] = session.exec(select(OutboundMessage).where(
            OutboundMessage.idempotency_key.startswith("portfolio.digest:"))).all()
    assert queued.status == "sent"

    next_monday = monday + timedelta(days=7)
    clock.set(next_monday)
    run_due(deps, next_monday, client=bot.app.client)
    assert len(digests(sandbox, "C0GENERAL")) == 2  # weekly

    cmd(slack, bot, "portfolio digest off")
    clock.set(next_monday + timedelta(days=7))
    run_due(deps, next_monday + timedelta(days=7), client=bot.app.client)
    assert len(digests(sandbox, "C0GENERAL")) == 2


def test_a_private_digest_lists_a_private_program_only_when_all_its_readers_are_members(
        slack, bot, deps, workspace, sandbox, clock):
    three_programs(slack, bot, workspace)
    # #board: a subset of #leadership's members; #exec: someone outside #leadership reads it too.
    workspace.add_channel("C0BOARD", "board", is_private=True, members=["U0ALICE", "U0CAROL"], bot_member=True)
    workspace.add_channel("C0EXEC", "exec", is_private=True, members=["U0ALICE", "U0KENJI"], bot_member=True)
    cmd(slack, bot, "portfolio digest <#C0BOARD|board> tue 08:00")
    assert "listed only while every member of that channel is a member" in reply(workspace, "U0ALICE")["text"]
    cmd(slack, bot, "portfolio digest <#C0EXEC|exec> tue 08:00", channel="C0ZEUS")  # Zeus's own digest

    tuesday = datetime(2026, 12, 8, 16, 0, tzinfo=timezone.utc)  # 08:00 in Los Angeles
    clock.set(tuesday)
    run_due(deps, tuesday, client=bot.app.client)
    [board] = digests(sandbox, "C0BOARD")
    [exec_] = digests(sandbox, "C0EXEC")
    assert "*leadership*" in json.dumps(board.args["blocks"]) and "3 programs" in board.args["text"]
    assert "*leadership*" not in json.dumps(exec_.args["blocks"]) and "2 programs" in exec_.args["text"]


def test_digest_input_and_channel_checks(slack, bot, deps, workspace):
    three_programs(slack, bot, workspace)
    said = json.loads(cmd(slack, bot, "portfolio digest mon 09:00").body)["text"]
    assert "Say which channel gets the weekly portfolio digest" in said and "/tpm portfolio digest #leadership" in said
    said = json.loads(cmd(slack, bot, "portfolio digest <#C0GENERAL|general> someday 9").body)["text"]
    assert "I didn't understand `someday 9`" in said
    workspace.add_channel("C0QUIET", "quiet-room", is_private=True, members=["U0ALICE"], bot_member=False)
    cmd(slack, bot, "portfolio digest <#C0QUIET|quiet-room>")
    assert "I can't see that channel" in reply(workspace, "U0ALICE")["text"]
    cmd(slack, bot, "portfolio digest <#C0GENERAL|general>", user="U0KENJI")
    assert "Only the program's leads" in reply(workspace, "U0KENJI")["text"]
    with deps.session() as session:
        assert "portfolio" not in session.exec(select(Program).where(Program.channel_id == "C0APOLLO")).one().settings
