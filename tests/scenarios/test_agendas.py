"""Meeting agendas end to end: the set-up modal, the agenda posted its lead time before each meeting in
local time (daylight saving, holidays, exactly once), `/agenda` now, `action:` / `decision:` replies
recorded and shown by editing the one agenda message, the Done button's permissions, carry-over into
the next agendas, and a program too large for one message."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from sandbox import state_values as sv
from scheduled.tick import run_due
from storage.agenda_models import Agenda, Meeting
from storage.models import Occurrence, Program
from storage.raid_models import Item, ItemEvent

UTC = timezone.utc
SETUP = "agenda.setup.modal"


def cmd(slack, bot, text, user="U0ALICE", name="/agenda", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    bot.wait_idle()
    return response


def tick(deps, bot, clock, at):
    clock.set(at)
    report = run_due(deps, at, client=bot.app.client)
    bot.wait_idle()
    return report


def form(name="Weekly sync", days=("1", "3"), time="10:00", lead="1h", channel="C0APOLLO", tz=""):
    def field(key, value):
        return {f"agenda.setup.{key}": {"agenda.setup.input": value}}

    return {**field("name", sv.plain_text(name)), **field("weekdays", sv.checkboxes(list(days))),
            **field("time", sv.timepicker(time)), **field("lead", sv.plain_text(lead)),
            **field("channel", sv.conversations_select(channel)), **field("timezone", sv.plain_text(tz))}


def set_up_meeting(slack, bot, workspace, **fields):
    """Alice binds #apollo (program in Los Angeles time, she leads it) and saves a meeting."""
    cmd(slack, bot, "setup", name="/tpm")
    cmd(slack, bot, "setup")
    view = workspace.latest_view("U0ALICE", callback_id=SETUP)
    response = slack.view_submission(view, form(**fields), user="U0ALICE")
    bot.wait_idle()
    return response


def agenda_posts(sandbox):
    return [c for c in sandbox.calls_to("chat.postMessage") if "Agenda" in json.dumps(c.args.get("blocks"))]


def blocks_text(call):
    return json.dumps(call.args["blocks"], ensure_ascii=False)


def reply(slack, bot, thread, text, user="U0ALICE"):
    slack.message("C0APOLLO", user, text, thread_ts=thread)
    bot.wait_idle()


def test_setup_modal_validates_saves_and_edits(slack, bot, deps, workspace):
    cmd(slack, bot, "setup", name="/tpm")
    cmd(slack, bot, "setup")
    view = workspace.latest_view("U0ALICE", callback_id=SETUP)
    bad = slack.view_submission(view, form(name=" ", days=(), lead="soon", tz="Mars/Olympus"), user="U0ALICE")
    assert set(bad.json["errors"]) == {"agenda.setup.name", "agenda.setup.weekdays", "agenda.setup.lead",
                                       "agenda.setup.timezone"}
    assert "30m, 2h, 1d" in bad.json["errors"]["agenda.setup.lead"]
    slack.view_submission(view, form(lead="90"), user="U0ALICE")
    bot.wait_idle()
    saved = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "Saved *Weekly sync*: Tue, Thu at 10:00 (America/Los_Angeles), agenda 1h30m before" in saved
    assert "Next meeting: Tue 1 Dec, 10:00 (America/Los_Angeles)" in saved
    # the same name again is refused in the form
    cmd(slack, bot, "setup")
    again = slack.view_submission(workspace.latest_view("U0ALICE", callback_id=SETUP), form(name="weekly SYNC"),
                                  user="U0ALICE")
    assert "already has a meeting called" in again.json["errors"]["agenda.setup.name"]
    # edit by name: prefilled, saved onto the same row, with its own timezone
    cmd(slack, bot, "setup weekly sync")
    edit = workspace.latest_view("U0ALICE", callback_id=SETUP)
    assert edit["blocks"][0]["element"]["initial_value"] == "Weekly sync"
    assert edit["blocks"][3]["element"]["initial_value"] == "1h30m"
    slack.view_submission(edit, form(time="11:00", tz="Europe/Berlin"), user="U0ALICE")
    bot.wait_idle()
    with deps.session() as session:
        [meeting] = session.exec(select(Meeting)).all()
    assert (meeting.name, meeting.local_time, meeting.timezone, meeting.lead_minutes, meeting.weekdays) == (
        "Weekly sync", "11:00", "Europe/Berlin", 60, [1, 3])
    # only leads set meetings up; an unknown meeting gets an example
    cmd(slack, bot, "setup", user="U0BOB")
    assert "Only the program's leads" in workspace.ephemerals(user="U0BOB")[-1]["text"]
    cmd(slack, bot, "setup Retro")
    assert "no meeting called “Retro”" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    cmd(slack, bot, "list")
    assert "*Weekly sync*: Tue, Thu at 11:00 (Europe/Berlin)" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    help_text = json.dumps(cmd(slack, bot, "help").json)
    assert "/agenda setup [meeting name]" in help_text and "/agenda list" in help_text


def test_posted_lead_time_before_in_local_time_across_dst_and_holidays_once(slack, bot, deps, workspace, sandbox,
                                                                            clock):
    set_up_meeting(slack, bot, workspace, days=("0", "3"), time="10:00", lead="1h")  # Mon, Thu 10:00 LA
    with deps.session() as session:
        program = session.exec(select(Program)).one()
        program.holiday_region = "US"
        session.add(program)
    sandbox.clear_calls()
    # Thursday 29 Oct (PDT, UTC-7): 09:00 local is 16:00Z; twice in the same minute posts once
    tick(deps, bot, clock, datetime(2026, 10, 29, 16, 0, tzinfo=UTC))
    tick(deps, bot, clock, datetime(2026, 10, 29, 16, 0, 40, tzinfo=UTC))
    [first] = agenda_posts(sandbox)
    assert first.args["channel"] == "C0APOLLO" and "Agenda · Weekly sync" in blocks_text(first)
    assert "Thu 29 Oct, 10:00 (America/Los_Angeles)" in blocks_text(first)
    # Monday 2 Nov (PST, UTC-8): not at 16:00Z any more, at 17:00Z
    tick(deps, bot, clock, datetime(2026, 11, 2, 16, 0, tzinfo=UTC))
    assert len(agenda_posts(sandbox)) == 1
    tick(deps, bot, clock, datetime(2026, 11, 2, 17, 0, tzinfo=UTC))
    assert len(agenda_posts(sandbox)) == 2
    # Thanksgiving, Thursday 26 Nov: no meeting, no agenda
    tick(deps, bot, clock, datetime(2026, 11, 26, 17, 0, tzinfo=UTC))
    assert len(agenda_posts(sandbox)) == 2
    with deps.session() as session:
        due = [o.due_at for o in session.exec(select(Occurrence).where(Occurrence.kind == "agenda.post")
                                               .order_by(Occurrence.due_at))]
        starts = [a.occurs_at for a in session.exec(select(Agenda).order_by(Agenda.occurs_at))]
    assert due == [datetime(2026, 10, 29, 16, 0, tzinfo=UTC), datetime(2026, 11, 2, 17, 0, tzinfo=UTC)]
    assert starts == [datetime(2026, 10, 29, 17, 0, tzinfo=UTC), datetime(2026, 11, 2, 18, 0, tzinfo=UTC)]


def test_agenda_now_thread_record_in_place_updates_done_button_and_carry_over(slack, bot, deps, workspace, sandbox,
                                                                             clock):
    set_up_meeting(slack, bot, workspace)  # Tue, Thu 10:00 Los Angeles, agenda 1h before
    cmd(slack, bot, "waiting on API keys due dec 2 sev:high", name="/blocker")
    cmd(slack, bot, "vendor may slip p:4 i:5", name="/risk")
    sandbox.clear_calls()
    cmd(slack, bot, "")  # Tuesday 1 Dec 01:00 in Los Angeles: the next meeting is today at 10:00
    [posted] = agenda_posts(sandbox)
    text = blocks_text(posted)
    assert "Tue 1 Dec, 10:00 (America/Los_Angeles)" in text
    assert "*B-1* waiting on API keys" in text and "*R-1* vendor may slip (score 20)" in text
    assert "*Due or overdue*" in text and "due Wed 2 Dec" in text
    assert "is up to date in <#C0APOLLO>" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    thread = posted.response["ts"]

    reply(slack, bot, thread, "action: <@U0BOB> send the rollout plan by friday")
    reply(slack, bot, thread, "decision: ship the beta behind a flag")
    with deps.session() as session:
        [action] = session.exec(select(Item).where(Item.kind == "action")).all()
        [decision] = session.exec(select(Item).where(Item.kind == "decision")).all()
        [agenda] = session.exec(select(Agenda)).all()
    assert (action.key, action.owner_id, action.reporter_id, action.status) == ("A-1", "U0BOB", "U0ALICE", "open")
    assert action.title == "send the rollout plan" and action.details["agenda_id"] == agenda.id
    assert action.due_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Fri 4 Dec 17:00 in Los Angeles
    assert (decision.key, decision.title, decision.owner_id, decision.status) == (
        "DEC-1", "ship the beta behind a flag", "U0ALICE", "decided")
    assert decision.details["agenda_id"] == agenda.id
    confirmations = [e["text"] for e in workspace.ephemerals(user="U0ALICE")[-2:]]
    assert "Logged action item *A-1* — owner <@U0BOB>, due Fri 4 Dec 2026 (America/Los_Angeles)" in confirmations[0]
    assert "Logged decision *DEC-1*" in confirmations[1]
    # each is a record with its one message in the channel, and the agenda is edited to show it
    record_posts = [c for c in sandbox.calls_to("chat.postMessage") if c.args.get("text", "").startswith(
        ("Action item A-1", "Decision DEC-1"))]
    assert len(record_posts) == 2 and {c.args["channel"] for c in record_posts} == {"C0APOLLO"}
    updates = sandbox.calls_to("chat.update")
    assert len(updates) == 2 and {u.args["ts"] for u in updates} == {thread}
    assert "*A-1* send the rollout plan — <@U0BOB>" in blocks_text(updates[0])  # the owner's mention is live
    assert "*A-1* send the rollout plan — <@U0BOB>" in blocks_text(updates[1])
    assert "*DEC-1* ship the beta behind a flag — <@U0ALICE>" in blocks_text(updates[1])
    assert "agenda.message.action_done" in blocks_text(updates[1])
    assert f'"value": "record:{action.id}"' in blocks_text(updates[1])

    # at the lead time the schedule does not post again: it refreshes the one message
    tick(deps, bot, clock, datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    assert len(agenda_posts(sandbox)) == 1 and len(sandbox.calls_to("chat.update")) == 3
    assert sandbox.calls_to("chat.update")[-1].args["ts"] == thread

    # Done: Carol may not, Bob (the owner) may
    message = {"ts": thread, "type": "message"}
    slack.block_action("agenda.message.action_done", value=f"record:{action.id}", user="U0CAROL", message=message)
    bot.wait_idle()
    assert "Only A-1's owner" in workspace.ephemerals(user="U0CAROL")[-1]["text"]
    slack.block_action("agenda.message.action_done", value=f"record:{action.id}", user="U0BOB", message=message)
    bot.wait_idle()
    with deps.session() as session:
        done = session.get(Item, action.id)
        history = [e.action for e in session.exec(select(ItemEvent).where(ItemEvent.item_id == action.id))]
    assert (done.status, done.closed_by, history) == ("done", "U0BOB", ["created", "done"])
    record_edit = [u for u in sandbox.calls_to("chat.update") if u.args["ts"] == done.message_ts]
    assert record_edit and "*Done* by <@U0BOB>" in blocks_text(record_edit[-1])  # the record's own message too
    assert ":white_check_mark:" in blocks_text(sandbox.calls_to("chat.update")[-1])
    reply(slack, bot, thread, "action: <@U0CAROL> check the budget")

    # Thursday's agenda: last meeting's actions (A-1 done, A-2 open); then next Tuesday's carries A-2 over
    sandbox.clear_calls()
    tick(deps, bot, clock, datetime(2026, 12, 3, 17, 0, tzinfo=UTC))
    [thursday] = agenda_posts(sandbox)
    text = blocks_text(thursday)
    last = text.split("Action items from last meeting")[1].split("Carry-over")[0]
    assert "A-1" in last and "A-2" in last and "Nothing carried over." in text
    assert "↻ 2 blocker(s) and risk(s) listed last time are still open." in text
    assert "overdue since Wed 2 Dec" in text  # B-1 was due before this meeting
    # Carol closes A-2 from Thursday's agenda: both agendas that show it are edited
    with deps.session() as session:
        a2 = session.exec(select(Item).where(Item.kind == "action", Item.number == 2)).one()
    slack.block_action("agenda.message.action_done", value=f"record:{a2.id}", user="U0CAROL",
                       message={"ts": thursday.response["ts"], "type": "message"})
    bot.wait_idle()
    agenda_edits = [u for u in sandbox.calls_to("chat.update") if u.args.get("text", "").startswith("Agenda for")]
    assert {u.args["ts"] for u in agenda_edits} == {thread, thursday.response["ts"]}  # (R-1's escalation card too)
    assert "Nothing carried over." in blocks_text(agenda_edits[-1])
    reply(slack, bot, thursday.response["ts"], "action: <@U0DIETER> book the venue due dec 20")
    tick(deps, bot, clock, datetime(2026, 12, 8, 17, 0, tzinfo=UTC))
    tuesday = blocks_text(agenda_posts(sandbox)[-1])
    carry = tuesday.split("Carry-over")[1].split("Actions recorded in this meeting")[0]
    assert "Nothing carried over." in carry  # A-2 is done, A-3 was recorded last time
    assert "*A-3* book the venue — <@U0DIETER>" in tuesday.split("Action items from last meeting")[1]
    tick(deps, bot, clock, datetime(2026, 12, 10, 17, 0, tzinfo=UTC))
    thursday_after = blocks_text(agenda_posts(sandbox)[-1])
    carry = thursday_after.split("Carry-over")[1].split("Actions recorded in this meeting")[0]
    assert "*A-3* book the venue — <@U0DIETER>" in carry and "A-1" not in carry and "A-2" not in carry
    assert "None recorded." in thursday_after.split("Action items from last meeting")[1].split("Carry-over")[0]


def test_a_done_button_on_an_agenda_posted_before_the_upgrade_closes_the_migrated_record(slack, bot, deps,
                                                                                         workspace, sandbox):
    """Agendas posted before action items were records carry the old action item's id on their Done buttons;
    the upgrade kept it on the record (details.action_item_id), and the button finds the record by it, not
    by a record id that is another record's (here B-1's)."""
    from bot.records import service
    from bot.records.kinds import action
    from bot.records.spec import Draft

    set_up_meeting(slack, bot, workspace)
    cmd(slack, bot, "staging is down", name="/blocker")
    cmd(slack, bot, "weekly sync")
    [posted] = agenda_posts(sandbox)
    with deps.session() as session:
        program = session.exec(select(Program)).one()
        [agenda] = session.exec(select(Agenda)).all()
        blocker = session.exec(select(Item).where(Item.kind == "blocker")).one()
        migrated = service.create(session=session, program=program, spec=action.SPEC, author_id="U0ALICE",
                                  now=deps.clock.now(), draft=Draft("send the plan", "U0BOB"),
                                  details={"agenda_id": agenda.id, "action_item_id": blocker.id})
    slack.block_action("agenda.message.action_done", value=str(blocker.id), user="U0BOB",
                       message={"ts": posted.response["ts"], "type": "message"})
    bot.wait_idle()
    with deps.session() as session:
        assert session.get(Item, migrated.id).status == "done"
        assert session.get(Item, blocker.id).status == "open"
    assert ":white_check_mark:" in blocks_text(sandbox.calls_to("chat.update")[-1])


def test_bad_replies_are_explained_and_nothing_is_saved(slack, bot, deps, workspace, sandbox):
    set_up_meeting(slack, bot, workspace)
    cmd(slack, bot, "weekly sync")
    [posted] = agenda_posts(sandbox)
    thread = posted.response["ts"]
    sandbox.clear_calls()
    for text in ("action:", "action: <@U0BOB> write the plan due banana", "action: <@U0BOB> call them by yesterday",
                 "decision:   "):
        reply(slack, bot, thread, text)
    replies = [e["text"] for e in workspace.ephemerals(user="U0ALICE")[-4:]]
    assert "Say what the action is about" in replies[0] and "Example: `action: " in replies[0]
    assert "couldn't read “banana” as a date" in replies[1]
    assert "is in the past" in replies[2]
    assert "Say what the decision is about" in replies[3] and "Example: `decision:" in replies[3]
    reply(slack, bot, thread, "just chatting about the plan")  # not a record: ignored
    with deps.session() as session:
        assert session.exec(select(Item)).all() == []
    assert sandbox.calls_to("chat.update") == []
    reply(slack, bot, thread, "blocker: staging is down sev:critical", user="U0BOB")
    assert "*B-1* staging is down" in blocks_text(sandbox.calls_to("chat.update")[-1])
    cmd(slack, bot, "retro")
    assert "no meeting called “retro”" in workspace.ephemerals(user="U0ALICE")[-1]["text"]


def test_a_large_program_fits_in_one_message(slack, bot, deps, workspace, sandbox, clock):
    from bot.records import service
    from bot.records.kinds import action, decision
    from bot.records.spec import Draft
    from bot.services import raid
    from bot.services.raid_grammar import BlockerDraft, RiskDraft
    from storage.agendas import ensure_agenda

    set_up_meeting(slack, bot, workspace)
    now = clock.now()
    long = ("a very long description of what is in the way " * 20)[:480]  # the grammar caps text at 500
    with deps.session() as session:
        program = session.exec(select(Program)).one()
        meeting = session.exec(select(Meeting)).one()
        for n in range(250):
            raid.create_blocker(session=session, program=program, author_id="U0ALICE", now=now - timedelta(hours=n),
                                draft=BlockerDraft(f"blocker {n} {long}", "U0BOB", "high", None))
        for n in range(80):
            raid.create_risk(session=session, program=program, author_id="U0ALICE", now=now,
                             draft=RiskDraft(f"risk {n} {long}", None, 3, 4, None, ""))
        agenda = ensure_agenda(session=session, meeting=meeting, occurs_at=datetime(2026, 12, 1, 18, tzinfo=UTC),
                               now=now)
        here = {"agenda_id": agenda.id}
        for n in range(40):
            service.create(session=session, program=program, spec=action.SPEC, author_id="U0ALICE", now=now,
                           draft=Draft(f"action {n} {long}"[:500], "U0BOB"), details=here)
            service.create(session=session, program=program, spec=decision.SPEC, author_id="U0ALICE", now=now,
                           draft=Draft(f"decision {n} {long}"[:500], status="decided"), details=here)
    sandbox.clear_calls()
    cmd(slack, bot, "")
    [posted] = agenda_posts(sandbox)
    assert posted.status == 200 and posted.response["ok"]
    blocks = posted.args["blocks"]
    assert len(blocks) <= 50 and all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    text = blocks_text(posted)
    assert "*Open blockers* (250, oldest first)" in text and "more" in text
    assert "*Top risks* (5 of 80 open)" in text
    assert text.count("agenda.message.action_done") == 12 and "…and 28 more:" in text
    assert "DEC-1" in text and "DEC-40" not in text


def test_a_channel_without_the_bot_is_explained_and_retried_after_an_invite(slack, bot, deps, workspace, sandbox):
    workspace.add_channel("C0ROADMAP", "roadmap", members=["U0ALICE", "U0BOB"], bot_member=False)
    refused = set_up_meeting(slack, bot, workspace, channel="C0ROADMAP")  # checked in the form first
    assert refused.json["errors"] == {"agenda.setup.channel": "I'm not in #roadmap — /invite @tpmbot first"}
    workspace.add_bot_to("C0ROADMAP")
    view = workspace.latest_view("U0ALICE", callback_id=SETUP)
    assert not slack.view_submission(view, form(channel="C0ROADMAP"), user="U0ALICE").body.strip()
    bot.wait_idle()
    workspace.remove_bot_from("C0ROADMAP")  # later, someone removes me
    cmd(slack, bot, "")
    assert "Slack refused the agenda in <#C0ROADMAP> (not_in_channel)" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    workspace.add_bot_to("C0ROADMAP")
    cmd(slack, bot, "")
    posted = [c for c in agenda_posts(sandbox) if c.response.get("ok")]
    assert len(posted) == 1 and posted[0].args["channel"] == "C0ROADMAP"
    assert "is up to date in <#C0ROADMAP>" in workspace.ephemerals(user="U0ALICE")[-1]["text"]


def test_a_private_programs_agenda_is_not_posted_in_a_public_channel(slack, bot, deps, workspace):
    workspace.add_bot_to("C0LEADERS")
    cmd(slack, bot, "setup", name="/tpm", channel="C0LEADERS")
    cmd(slack, bot, "setup", channel="C0LEADERS")
    view = workspace.latest_view("U0ALICE", callback_id=SETUP)
    refused = slack.view_submission(view, form(channel="C0GENERAL"), user="U0ALICE")
    bot.wait_idle()
    assert refused.json["response_action"] == "errors"
    assert "#leadership is private, so its agenda can't go to #general" in refused.json["errors"]["agenda.setup.channel"]
    with deps.session() as session:
        assert session.exec(select(Meeting)).all() == []
    slack.view_submission(view, form(channel="C0LEADERS"), user="U0ALICE")
    bot.wait_idle()
    with deps.session() as session:
        assert [m.channel_id for m in session.exec(select(Meeting))] == ["C0LEADERS"]


def test_the_agenda_lists_milestones_due_in_two_weeks_or_slipping(slack, bot, deps, workspace, sandbox):
    set_up_meeting(slack, bot, workspace)
    cmd(slack, bot, "Design review due dec 9", name="/milestone")
    cmd(slack, bot, "Beta due mar 1", name="/milestone")
    cmd(slack, bot, "GA due feb 1", name="/milestone")
    cmd(slack, bot, "move M-3 feb 5 reason: the store review takes longer", name="/milestone")
    sandbox.clear_calls()
    cmd(slack, bot, "")
    text = blocks_text(agenda_posts(sandbox)[-1])
    assert "*Milestones* (due in the next two weeks, or slipping)" in text
    assert "*M-1* Design review — Wed 9 Dec 2026" in text  # due within two weeks
    assert "*M-3* GA — Fri 5 Feb 2027, slipped 4 working days" in text  # slipped this week
    assert "*M-2*" not in text  # neither soon nor slipping
