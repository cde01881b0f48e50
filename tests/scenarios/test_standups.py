"""Stand-ups end to end: set-up, prompts in each member's zone, three ways to answer, reminder, and a
digest that is posted once and edited when a late answer arrives. Scheduled work runs through
`run_due` at explicit instants, exactly as `tpmbot tick --at` does."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from sandbox import state_values as sv
from scheduled.tick import run_due
from storage.models import Occurrence, Program
from storage.standup_models import StandupAnswer, StandupConfig

UTC = timezone.utc


def cmd(slack, bot, text, user="U0ALICE", name="/standup", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    bot.wait_idle()
    return response


def answers(deps, current=True):
    with deps.session() as session:
        query = select(StandupAnswer).order_by(StandupAnswer.id)
        if current:
            query = query.where(StandupAnswer.superseded == False)  # noqa: E712
        return session.exec(query).all()


def tick(deps, bot, clock, at):
    clock.set(at)
    report = run_due(deps, at, client=bot.app.client)
    bot.wait_idle()
    return report


def setup(slack, bot, workspace, participants=("U0ALICE", "U0KENJI", "U0DIETER"), mode="dm", days=("0", "1", "2", "3", "4")):
    cmd(slack, bot, "setup", name="/tpm")  # Alice binds the channel (the first recording command) and leads it
    cmd(slack, bot, "setup")
    view = workspace.latest_view("U0ALICE", callback_id="standup.setup.modal")
    values = {
        "standup.setup.time": {"standup.setup.input": sv.timepicker("09:30")},
        "standup.setup.days": {"standup.setup.input": sv.checkboxes(list(days))},
        "standup.setup.questions": {"standup.setup.input": sv.plain_text("Yesterday?\nToday?\nBlockers?")},
        "standup.setup.participants": {"standup.setup.input": sv.multi_users_select(list(participants))},
        "standup.setup.mode": {"standup.setup.input": sv.static_select(mode)},
        "standup.setup.reminder": {"standup.setup.input": sv.plain_text("60")},
        "standup.setup.cutoff": {"standup.setup.input": sv.timepicker("11:30")},
        "standup.setup.digest_channel": {"standup.setup.input": sv.conversations_select("C0APOLLO")},
    }
    return view, values


def test_one_line_update_sections_and_bad_input(slack, bot, deps, workspace):
    response = cmd(slack, bot, "y: shipped login; t: payments API\nb: waiting on keys")
    assert response.status == 200
    [answer] = answers(deps)
    assert (answer.yesterday, answer.today, answer.blockers) == ("shipped login", "payments API", "waiting on keys")
    assert "Got your stand-up" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    cmd(slack, bot, "just the plan for today")
    assert answers(deps)[0].today == "just the plan for today" and len(answers(deps, current=False)) == 2
    bad = cmd(slack, bot, "t: something; b:")
    assert "`b:` has no text after it" in bad.json["text"] and "Example: `/standup" in bad.json["text"]
    assert len(answers(deps, current=False)) == 2


def test_skip_ooo_and_status(slack, bot, deps, workspace):
    cmd(slack, bot, "t: coding", user="U0BOB")
    cmd(slack, bot, "skip dentist", user="U0DIETER")
    cmd(slack, bot, "ooo until yesterday", user="U0KENJI")
    assert "is in the past" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    cmd(slack, bot, "ooo until dec 10", user="U0KENJI")
    assert "out of office through <!date^1796914799^{date_short_pretty}|Thu 10 Dec> (Asia/Tokyo)" in \
        workspace.ephemerals(user="U0KENJI")[-1]["text"]  # the end of 10 Dec in Tokyo, each reader's own day
    cmd(slack, bot, "status")
    status = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "Answered: <@U0BOB>" in status and "Skipped: <@U0DIETER>" in status
    cmd(slack, bot, "status week")
    assert "<@U0BOB>: 1 / 0 / 0 / 0 / 0" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    cmd(slack, bot, "status month")
    assert "isn't a status view" in workspace.ephemerals(user="U0ALICE")[-1]["text"]


def test_setup_modal_validates_then_saves(slack, bot, deps, workspace):
    view, values = setup(slack, bot, workspace)
    bad = dict(values, **{"standup.setup.days": {"standup.setup.input": sv.checkboxes([])},
                          "standup.setup.reminder": {"standup.setup.input": sv.plain_text("soon")}})
    response = slack.view_submission(view, bad, user="U0ALICE")
    assert set(response.json["errors"]) == {"standup.setup.days", "standup.setup.reminder"}
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    with deps.session() as session:
        config = session.exec(select(StandupConfig)).one()
    assert (config.local_time, config.cutoff, config.participants) == ("09:30", "11:30", ["U0ALICE", "U0KENJI", "U0DIETER"])
    assert config.questions == ["Yesterday?", "Today?", "Blockers?"]
    assert "Stand-up saved: 3 people" in workspace.ephemerals(user="U0ALICE")[-1]["text"]


def test_prompts_go_out_at_each_members_local_time_once(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace)
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    sandbox.clear_calls()
    # Wednesday 2 Dec 2026 09:30 in Tokyo, Berlin and Los Angeles
    kenji, dieter, alice = (datetime(2026, 12, 2, 0, 30, tzinfo=UTC), datetime(2026, 12, 2, 8, 30, tzinfo=UTC),
                            datetime(2026, 12, 2, 17, 30, tzinfo=UTC))
    tick(deps, bot, clock, kenji)
    tick(deps, bot, clock, kenji + timedelta(seconds=30))  # the same minute again: nothing more
    posts = sandbox.calls_to("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["U0KENJI"]
    assert "Answer" in json.dumps(posts[0].args["blocks"])
    tick(deps, bot, clock, dieter)
    tick(deps, bot, clock, alice)
    assert [p.args["channel"] for p in sandbox.calls_to("chat.postMessage")] == ["U0KENJI", "U0DIETER", "U0ALICE"]


def test_three_ways_to_answer_reminder_and_a_digest_edited_in_place(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0DIETER", "U0KENJI", "U0PRIYA"))
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    day = datetime(2026, 12, 2, tzinfo=UTC)
    tick(deps, bot, clock, day.replace(hour=0, minute=30))  # Kenji, Tokyo
    tick(deps, bot, clock, day.replace(hour=4))  # Priya, Kolkata 09:30
    tick(deps, bot, clock, day.replace(hour=8, minute=30))  # Dieter, Berlin
    # Kenji answers by replying in the DM, Priya through the modal from the Answer button
    slack.message("D0KENJI", "U0KENJI", "y: fixed crash; t: release build; b: none")
    bot.wait_idle()
    prompt = next(p for p in sandbox.calls_to("chat.postMessage") if p.args["channel"] == "U0PRIYA")
    run_id = prompt.args["blocks"][-1]["elements"][0]["value"]
    slack.block_action("standup.prompt.answer", value=run_id, user="U0PRIYA", channel="D0PRIYA")
    bot.wait_idle()
    modal = workspace.latest_view("U0PRIYA", callback_id="standup.modal")
    slack.view_submission(modal, {"standup.modal.today": {"standup.modal.input": sv.plain_text("test plan")},
                                  "standup.modal.blockers": {"standup.modal.input": sv.plain_text("no staging DB")}},
                          user="U0PRIYA")
    bot.wait_idle()
    assert {a.user_id: a.source for a in answers(deps)} == {"U0KENJI": "dm", "U0PRIYA": "modal"}
    # Reminder at Dieter's 10:30: only he has not answered
    sandbox.clear_calls()
    tick(deps, bot, clock, day.replace(hour=9, minute=30))
    assert [p.args["channel"] for p in sandbox.calls_to("chat.postMessage")] == ["U0DIETER"]
    assert "Reminder" in sandbox.calls_to("chat.postMessage")[0].args["text"]
    # Digest at 11:30 program time (Los Angeles, Alice's zone): 19:30 UTC
    sandbox.clear_calls()
    tick(deps, bot, clock, day.replace(hour=19, minute=30))
    [digest] = sandbox.calls_to("chat.postMessage")
    text = json.dumps(digest.args["blocks"])
    assert digest.args["channel"] == "C0APOLLO" and "*2* answered" in text and "Missing: <@U0DIETER>" in text
    assert "standup.digest.log_blocker" in text  # Priya named a blocker; Kenji's "none" is not one
    assert text.count("standup.digest.log_blocker") == 1
    # Dieter answers late, by command: the digest is edited, not posted again
    clock.advance(timedelta(minutes=10))
    cmd(slack, bot, "t: on call", user="U0DIETER")
    assert "marked late" in workspace.ephemerals(user="U0DIETER")[-1]["text"]
    [update] = sandbox.calls_to("chat.update")
    assert update.args["ts"] == digest.response["ts"] and "*3* answered" in json.dumps(update.args["blocks"])
    assert "(late)" in json.dumps(update.args["blocks"])
    cmd(slack, bot, "", name="/digest")
    assert len(sandbox.calls_to("chat.postMessage")) == 1 and len(sandbox.calls_to("chat.update")) == 2
    tick(deps, bot, clock, day.replace(hour=19, minute=30, second=40))
    assert len(sandbox.calls_to("chat.postMessage")) == 1


def test_thread_mode_takes_replies_in_the_prompt_thread(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0BOB",), mode="thread")
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 2, 17, 30, tzinfo=UTC))  # 09:30 in Los Angeles (program zone)
    [prompt] = sandbox.calls_to("chat.postMessage")
    assert prompt.args["channel"] == "C0APOLLO"
    slack.message("C0APOLLO", "U0BOB", "t: reviews", thread_ts=prompt.response["ts"])
    bot.wait_idle()
    [answer] = answers(deps)
    assert (answer.user_id, answer.today, answer.source) == ("U0BOB", "reviews", "thread")
    slack.message("C0APOLLO", "U0BOB", "an unrelated message")
    bot.wait_idle()
    assert len(answers(deps)) == 1
    slack.message("C0APOLLO", "U0KENJI", "t: not my stand-up", thread_ts=prompt.response["ts"])
    bot.wait_idle()
    assert "You're not in program-apollo's stand-up" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert len(answers(deps)) == 1
    slack.block_action("standup.prompt.answer", value=str(answer.run_id), user="U0KENJI", channel="C0APOLLO")
    bot.wait_idle()
    assert "You're not in program-apollo's stand-up" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert sandbox.calls_to("views.open") == []


def test_daylight_saving_and_holidays_move_nothing(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0BOB",))  # New York
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    with deps.session() as session:
        program = session.exec(select(Program)).one()
        program.holiday_region = "US"
        session.add(program)
    sandbox.clear_calls()
    # Friday 30 Oct (EDT, UTC-4) and Monday 2 Nov (EST, UTC-5): 09:30 local each time
    tick(deps, bot, clock, datetime(2026, 10, 30, 13, 30, tzinfo=UTC))
    tick(deps, bot, clock, datetime(2026, 11, 2, 13, 30, tzinfo=UTC))
    tick(deps, bot, clock, datetime(2026, 11, 2, 14, 30, tzinfo=UTC))
    assert len(sandbox.calls_to("chat.postMessage")) == 2
    with deps.session() as session:
        due = sorted(o.due_at for o in session.exec(select(Occurrence).where(Occurrence.kind == "standup.prompt")))
    assert due == [datetime(2026, 10, 30, 13, 30, tzinfo=UTC), datetime(2026, 11, 2, 14, 30, tzinfo=UTC)]
    # Thanksgiving, Thursday 26 Nov 2026: no prompt
    tick(deps, bot, clock, datetime(2026, 11, 26, 14, 30, tzinfo=UTC))
    assert len(sandbox.calls_to("chat.postMessage")) == 2


def test_a_slack_failure_mid_way_retries_without_double_prompts(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0ALICE", "U0BOB", "U0MIA"))
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    # Make everyone's prompt due at the same instant: all in New York (read from Slack on the daily refresh)
    for user in ("U0ALICE", "U0BOB", "U0MIA"):
        workspace.users[user]["tz"] = "America/New_York"
    sandbox.clear_calls()
    sandbox.inject_faults(method="chat.postMessage", status=500, count=4)  # the first four posts fail
    at = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
    tick(deps, bot, clock, at)
    assert [c.status for c in sandbox.calls_to("chat.postMessage")] == [500, 500, 500]
    for minute in range(1, 4):  # the queue retries with backoff; each retry first looks for an earlier post
        tick(deps, bot, clock, at + timedelta(minutes=minute))
    delivered = [c.args["channel"] for c in sandbox.calls_to("chat.postMessage") if c.status == 200]
    assert sorted(delivered) == ["U0ALICE", "U0BOB", "U0MIA"]
    assert sandbox.calls_to("conversations.history")  # the 5xx left the outcome open: it was checked


def test_blocker_and_risk_replies_in_the_stand_up_thread_become_items(slack, bot, deps, workspace, sandbox, clock):
    from storage.raid_models import Item

    view, values = setup(slack, bot, workspace, participants=("U0BOB",), mode="thread")
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    tick(deps, bot, clock, datetime(2026, 12, 2, 17, 30, tzinfo=UTC))
    [prompt] = sandbox.calls_to("chat.postMessage")
    thread = prompt.response["ts"]
    slack.message("C0APOLLO", "U0BOB", "blocker: staging DB is down sev:critical", thread_ts=thread)
    slack.message("C0APOLLO", "U0BOB", "Risk: the vendor may slip p:4 i:4", thread_ts=thread)
    slack.message("C0APOLLO", "U0BOB", "blocker: broken sev:urgent", thread_ts=thread)
    bot.wait_idle()
    with deps.session() as session:
        found = {(i.kind, i.key, i.title, i.severity, i.score) for i in session.exec(select(Item))}
        links = [i.source_link for i in session.exec(select(Item))]
    assert found == {("blocker", "B-1", "staging DB is down", "critical", None),
                     ("risk", "R-1", "the vendor may slip", None, 16)}
    assert all(link.startswith("https://") for link in links)
    replies = [e["text"] for e in workspace.ephemerals(user="U0BOB")]  # the three replies are handled concurrently
    assert any("`sev:urgent` isn't a severity" in r and "Example: `blocker: " in r for r in replies)
    assert answers(deps) == []  # item replies are not stand-up answers


def test_a_member_whose_timezone_changes_is_prompted_in_the_new_zone(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0DIETER",))
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 2, 8, 30, tzinfo=UTC))  # 09:30 Berlin
    workspace.users["U0DIETER"]["tz"] = "Asia/Tokyo"  # Dieter moves; Slack tells us on the next refresh
    tick(deps, bot, clock, datetime(2026, 12, 4, 0, 30, tzinfo=UTC))  # 09:30 Tokyo on Friday
    tick(deps, bot, clock, datetime(2026, 12, 4, 8, 30, tzinfo=UTC))  # 09:30 Berlin: no longer his time
    prompts = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "U0DIETER"]
    assert len(prompts) == 2
    with deps.session() as session:
        rows = session.exec(select(Occurrence).where(Occurrence.kind == "standup.prompt")).all()
    due = sorted(o.due_at for o in rows if o.status == "done")
    assert due == [datetime(2026, 12, 2, 8, 30, tzinfo=UTC), datetime(2026, 12, 4, 0, 30, tzinfo=UTC)]
    # Thursday's prompt fell in the day no tick ran: recorded as missed, never sent late
    assert [o.due_at for o in rows if o.status == "missed"] == [datetime(2026, 12, 3, 0, 30, tzinfo=UTC)]


def test_prefixed_replies_in_prompt_and_digest_threads_make_records_and_leave_the_answer(slack, bot, deps, workspace,
                                                                                        sandbox, clock):
    from storage.raid_models import Item

    view, values = setup(slack, bot, workspace, participants=("U0BOB",), mode="thread")
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    tick(deps, bot, clock, datetime(2026, 12, 2, 17, 30, tzinfo=UTC))
    [prompt] = sandbox.calls_to("chat.postMessage")
    thread = prompt.response["ts"]
    slack.message("C0APOLLO", "U0BOB", "t: reviews; y: the release notes", thread_ts=thread)
    bot.wait_idle()
    slack.message("C0APOLLO", "U0BOB", "action: send the rollout plan <@U0DIETER> due friday", thread_ts=thread)
    slack.message("C0APOLLO", "U0BOB", "decision: we ship on the 14th why: QA signed off", thread_ts=thread)
    bot.wait_idle()
    [answer] = answers(deps)
    assert (answer.today, answer.yesterday) == ("reviews", "the release notes")  # the update is as it was
    with deps.session() as session:
        found = {(i.kind, i.key, i.title, i.owner_id) for i in session.exec(select(Item))}
    assert found == {("action", "A-1", "send the rollout plan", "U0DIETER"),
                     ("decision", "DEC-1", "we ship on the 14th", "U0BOB")}
    # The digest's thread takes them too.
    cmd(slack, bot, "", name="/digest")
    digest = [c for c in sandbox.calls_to("chat.postMessage") if "answered" in json.dumps(c.args.get("blocks"))][-1]
    slack.message("C0APOLLO", "U0ALICE", "blocker: the staging DB is down", thread_ts=digest.response["ts"])
    slack.message("C0APOLLO", "U0ALICE", "just chatting about it", thread_ts=digest.response["ts"])
    bot.wait_idle()
    with deps.session() as session:
        assert {i.key for i in session.exec(select(Item))} == {"A-1", "DEC-1", "B-1"}
    [answer] = answers(deps)
    assert answer.today == "reviews"


def test_out_of_office_is_away_in_the_digest_the_status_the_week_and_the_report(slack, bot, deps, workspace,
                                                                                 sandbox, clock):
    view, values = setup(slack, bot, workspace)  # Alice (Los Angeles, the program's zone), Kenji (Tokyo), Dieter
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    cmd(slack, bot, "ooo until dec 4", user="U0KENJI")  # Tue 1 Dec: out through Friday, his Friday
    for day in (1, 2, 3, 4):  # 10:00 in Los Angeles, before the 11:30 cutoff
        clock.set(datetime(2026, 12, day, 18, 0, tzinfo=UTC))
        cmd(slack, bot, f"t: work {day}", user="U0ALICE")
        cmd(slack, bot, f"t: work {day}", user="U0DIETER")
        if day == 2:  # an answer given while out counts: answered that day, not away
            cmd(slack, bot, "t: one thing while away", user="U0KENJI")
            cmd(slack, bot, "status")
            status = workspace.ephemerals(user="U0ALICE")[-1]["text"]
            assert "<@U0KENJI>" in status.split("\n")[1] and "Out: nobody" in status and "Not yet: nobody" in status
        if day == 3:
            cmd(slack, bot, "status")
            status = workspace.ephemerals(user="U0ALICE")[-1]["text"]
            assert "Out: <@U0KENJI>" in status and "Not yet: nobody" in status
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 4, 19, 30, tzinfo=UTC))  # Friday's cutoff: Saturday in Tokyo
    [digest] = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"]
    text = json.dumps(digest.args["blocks"])
    assert "*2* answered" in text and "*1* out" in text and "*0* missing" in text
    assert "Out: <@U0KENJI>" in text and "Missing" not in text
    cmd(slack, bot, "status week")
    week = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "(on time / late / missed / skipped / away)" in week
    assert "<@U0KENJI>: 1 / 0 / 0 / 0 / 3" in week and "<@U0DIETER>: 4 / 0 / 0 / 0 / 0" in week
    sandbox.clear_calls()
    cmd(slack, bot, "", name="/status")  # the report's KPI: away days are not expected
    [report] = [c for c in sandbox.calls_to("chat.postMessage") if c.args["text"].startswith("Status of")]
    assert "*Stand-up participation (7 days)*\\n100%" in json.dumps(report.args["blocks"])


def test_standup_back_ends_an_out_of_office_early(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace)
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    cmd(slack, bot, "ooo until dec 10", user="U0DIETER")  # Tue 1 Dec, Berlin
    cmd(slack, bot, "status")  # Tuesday's run
    assert "Out: <@U0DIETER>" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    clock.set(datetime(2026, 12, 2, 18, 0, tzinfo=UTC))  # Wed 2 Dec: 19:00 in Berlin, 10:00 in Los Angeles
    cmd(slack, bot, "status")
    assert "Out: <@U0DIETER>" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    cmd(slack, bot, "back", user="U0DIETER")
    back = workspace.ephemerals(user="U0DIETER")[-1]["text"]
    assert "Welcome back" in back and "<!date^1796943599^{date_short_pretty}|Thu 10 Dec>" in back
    assert answers(deps) == []  # not taken for an update
    cmd(slack, bot, "status")  # back today: today's stand-up is expected of him again
    status = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "Out: nobody" in status and "<@U0DIETER>" in status.split("Not yet:")[1]
    cmd(slack, bot, "back", user="U0DIETER")
    assert "weren't out of office" in workspace.ephemerals(user="U0DIETER")[-1]["text"]
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 3, 8, 30, tzinfo=UTC))  # Thursday 09:30 Berlin: prompted again
    assert [c.args["channel"] for c in sandbox.calls_to("chat.postMessage")] == ["U0DIETER"]
    cmd(slack, bot, "status week")  # Tuesday he was out; Wednesday, back, he did not answer (nor yet Thursday)
    assert "<@U0DIETER>: 0 / 0 / 2 / 0 / 1" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "/standup back" in json.dumps(cmd(slack, bot, "help").json)  # the help lists it


def test_too_long_or_invisible_text_is_refused_not_cut(slack, bot, deps, workspace):
    long = cmd(slack, bot, "y: done; t: " + "x" * 3001)
    assert "“today” part is 3,001 characters; the limit is 3,000" in long.json["text"]
    assert "Example: `/standup" in long.json["text"]
    exact = "x" * 3000
    cmd(slack, bot, "t: " + exact)
    [answer] = answers(deps)
    assert answer.today == exact  # at the limit: whole
    for text in ("\u200b\u200c\u200d", "\u2060 \ufeff", "t: \u200b"):
        response = cmd(slack, bot, text)
        assert "empty" in response.json["text"] or "has no text after it" in response.json["text"], text
    reason = cmd(slack, bot, "skip " + "r" * 501)
    assert "501 characters; a skip reason can be at most 500" in reason.json["text"]
    assert len(answers(deps, current=False)) == 1  # nothing else stored
    cmd(slack, bot, "skip " + "r" * 500)
    assert answers(deps)[0].skip_reason == "r" * 500
    cmd(slack, bot, "ooo until nov 30", user="U0KENJI")  # Tue 1 Dec: this year's 30 Nov has passed
    far = workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert "would be Tue 30 Nov 2027" in far and "more than six months" in far
    assert "Example: `/standup ooo until nov 30 2027`" in far


def test_the_answer_modal_refuses_invisible_or_too_long_text(slack, bot, deps, workspace):
    cmd(slack, bot, "")
    modal = workspace.latest_view("U0ALICE", callback_id="standup.modal")
    blank = slack.view_submission(modal, {"standup.modal.today": {"standup.modal.input": sv.plain_text("\u200b\u2060")}},
                                  user="U0ALICE")
    assert set(blank.json["errors"]) == {"standup.modal.today"}
    long = slack.view_submission(modal, {"standup.modal.today": {"standup.modal.input": sv.plain_text("ok")},
                                         "standup.modal.blockers": {"standup.modal.input": sv.plain_text("b" * 3200)}},
                                 user="U0ALICE")
    assert long.json["errors"] == {"standup.modal.blockers": "3,200 characters: the limit is 3,000. "
                                                             "Shorten it (link a doc for the rest)."}
    bot.wait_idle()
    assert answers(deps) == []


def test_a_reply_in_an_edited_digests_thread_still_finds_its_digest(slack, bot, deps, workspace, sandbox, clock):
    from storage.raid_models import Item

    view, values = setup(slack, bot, workspace, participants=("U0BOB",), mode="thread")
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    cmd(slack, bot, "", name="/digest")
    digest = [c for c in sandbox.calls_to("chat.postMessage") if "answered" in json.dumps(c.args.get("blocks"))][-1]
    cmd(slack, bot, "t: reviews", user="U0BOB")  # edits the digest, through the outbox
    assert sandbox.calls_to("chat.update")
    slack.message("C0APOLLO", "U0ALICE", "blocker: the staging DB is down", thread_ts=digest.response["ts"])
    bot.wait_idle()
    with deps.session() as session:
        assert [i.key for i in session.exec(select(Item))] == ["B-1"]
