"""The communication plan through signed Slack payloads: a lead saves it in the `/tpm stakeholders` modal
(each channel checked: the bot is in it, a private program's output never to a public channel); the
scheduled outputs then follow it — the status report, the stand-up digest, change outcomes and escalations
also go to the plan's people (a DM) and channels, each once however many ticks run, and as often as the
plan says (every two weeks, monthly, off)."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.services import communication_plan
from sandbox import state_values as sv
from scheduled.tick import run_due
from storage.models import OutboundMessage, Program
from storage.escalation_models import Escalation

CALLBACK = "tpm.stakeholders.modal"
INPUT = "tpm.stakeholders.input"
B = "tpm.stakeholders."
FRIDAY = datetime(2026, 12, 5, 0, 0, tzinfo=timezone.utc)  # Friday 4 Dec, 16:00 in Los Angeles: the report's time


def cmd(slack, bot, text, name="/tpm", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def tick(deps, bot, clock, when):
    clock.set(when)
    run_due(deps, when, client=bot.app.client)
    bot.wait_idle()


def open_modal(slack, bot, workspace, channel="C0APOLLO"):
    cmd(slack, bot, "stakeholders", channel=channel)
    view = workspace.latest_view("U0ALICE", callback_id=CALLBACK)
    assert view is not None
    return view


def values(approvers=(), informed=(), **plan):
    """The modal's state.values; ``plan``: output → dict(people=…, channels=…, frequency=…)."""
    out = {B + "sponsor": {INPUT: sv.users_select(None)},
           B + "approvers": {INPUT: sv.multi_users_select(list(approvers))},
           B + "approval": {INPUT: sv.static_select("all")},
           B + "consulted": {INPUT: sv.multi_users_select([])},
           B + "informed_people": {INPUT: sv.multi_users_select(list(informed))},
           B + "informed_channels": {INPUT: {"type": "multi_conversations_select", "selected_conversations": []}},
           B + "schedule": {INPUT: sv.checkboxes([])}}
    for output in communication_plan.OUTPUTS:
        row = plan.get(output.name, {})
        out[f"{B}plan.{output.name}.people"] = {INPUT: sv.multi_users_select(list(row.get("people", ())))}
        out[f"{B}plan.{output.name}.channels"] = {INPUT: {"type": "multi_conversations_select",
                                                          "selected_conversations": list(row.get("channels", ()))}}
        out[f"{B}plan.{output.name}.frequency"] = {
            INPUT: sv.static_select(row.get("frequency", next(iter(output.frequencies))))}
    return out


def save_plan(slack, bot, workspace, channel="C0APOLLO", **fields):
    view = open_modal(slack, bot, workspace, channel)
    response = slack.view_submission(view, values(**fields), user="U0ALICE")
    bot.wait_idle()
    return response


def program(deps) -> Program:
    with deps.session() as session:
        return session.exec(select(Program)).one()


def posts(sandbox, channel, marker):
    return [c for c in sandbox.calls_to("chat.postMessage")
            if c.args["channel"] == channel and marker in c.args["text"] + json.dumps(c.args.get("blocks"))]


def test_a_lead_saves_the_plan_and_the_modal_and_the_note_show_it(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")
    view = open_modal(slack, bot, workspace)
    assert len(view["blocks"]) <= 100
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Status report: how often" in labels and "Escalations: also to channels" in labels
    response = slack.view_submission(view, values(status_report={"people": ["U0BOB"], "channels": ["C0GENERAL"],
                                                                 "frequency": "biweekly"},
                                                  digest={"frequency": "off"}), user="U0ALICE")
    bot.wait_idle()
    assert response.status == 200 and not response.body.strip()
    saved = program(deps)
    assert saved.settings["communication"]["status_report"] == {"also_to": ["U0BOB", "C0GENERAL"],
                                                                "frequency": "biweekly"}
    assert communication_plan.frequency(saved, "digest") == "off"
    assert communication_plan.also_to(saved, "escalations") == []
    note = workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert "*Communication plan*" in note and "*Stand-up digest*: off" in note
    assert "*Status report* (every two weeks)" in note and "<@U0BOB>, <#C0GENERAL>" in note

    again = open_modal(slack, bot, workspace)
    by_block = {b["block_id"]: b["element"] for b in again["blocks"] if b["type"] == "input"}
    assert by_block[B + "plan.status_report.people"]["initial_users"] == ["U0BOB"]
    assert by_block[B + "plan.status_report.channels"]["initial_conversations"] == ["C0GENERAL"]
    assert by_block[B + "plan.status_report.frequency"]["initial_option"]["value"] == "biweekly"
    assert by_block[B + "plan.digest.frequency"]["initial_option"]["value"] == "off"


def test_a_plan_channel_without_the_bot_is_refused_under_its_field(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")
    workspace.add_channel("C0QUIET", "quiet-room", members=["U0ALICE"], bot_member=False)
    response = save_plan(slack, bot, workspace, digest={"channels": ["C0QUIET"]})
    assert response.json["response_action"] == "errors"
    assert "I'm not in #quiet-room" in response.json["errors"][B + "plan.digest.channels"]
    assert "communication" not in (program(deps).settings or {})  # nothing saved


def test_a_private_programs_output_is_refused_for_a_public_channel(slack, bot, deps, workspace):
    workspace.add_bot_to("C0LEADERS")  # the private #leadership is the program's home
    cmd(slack, bot, "we run Apollo from #leadership", name="/decision", channel="C0LEADERS")
    response = save_plan(slack, bot, workspace, channel="C0LEADERS", status_report={"channels": ["C0GENERAL"]})
    assert response.json["response_action"] == "errors"
    assert response.json["errors"][B + "plan.status_report.channels"] == (
        "#leadership is private, so its status report can't go to #general, which is public. "
        "Choose a private channel (or #leadership itself).")
    assert "communication" not in (program(deps).settings or {})


def test_a_non_lead_cannot_save_the_plan(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")
    cmd(slack, bot, "stakeholders", user="U0KENJI")
    view = workspace.latest_view("U0KENJI", callback_id=CALLBACK)
    response = slack.view_submission(view, values(status_report={"frequency": "off"}), user="U0KENJI")
    bot.wait_idle()
    assert "Only the program's leads" in response.json["errors"][B + "sponsor"]
    assert communication_plan.frequency(program(deps), "status_report") == "weekly"


def test_the_status_report_goes_to_an_extra_channel_and_a_person_once(slack, bot, deps, sandbox, clock, workspace):
    cmd(slack, bot, "setup")
    save_plan(slack, bot, workspace, status_report={"people": ["U0BOB"], "channels": ["C0GENERAL"]})
    for at in (FRIDAY - timedelta(minutes=1), FRIDAY, FRIDAY, FRIDAY + timedelta(seconds=30)):  # overlapping ticks
        tick(deps, bot, clock, at)
    for where in ("C0APOLLO", "C0GENERAL", "U0BOB"):
        [report] = posts(sandbox, where, "Status of program-apollo")
        assert report.response["ok"]
    with deps.session() as session:
        keys = sorted(m.idempotency_key for m in session.exec(select(OutboundMessage))
                      if m.idempotency_key.startswith("status.report:"))
    assert len(keys) == 3 and any(k.endswith(":to:U0BOB") for k in keys) and any(k.endswith(":to:C0GENERAL") for k in keys)


def test_every_two_weeks_monthly_and_off_are_honoured(slack, bot, deps, sandbox, clock, workspace):
    cmd(slack, bot, "setup")
    save_plan(slack, bot, workspace, status_report={"frequency": "biweekly"})
    fridays = [FRIDAY + timedelta(weeks=n) for n in range(3)]  # 4, 11 and 18 Dec: weeks 2969, 2970, 2971 from 1970-01-05
    for at in fridays:
        tick(deps, bot, clock, at)
    sent = [c.args["channel"] for c in posts(sandbox, "C0APOLLO", "Status of program-apollo")]
    assert len(sent) == 1
    with deps.session() as session:
        [key] = [m.idempotency_key for m in session.exec(select(OutboundMessage))
                 if m.idempotency_key.startswith("status.report:")]
    assert key.endswith(fridays[1].isoformat())  # the even week only

    save_plan(slack, bot, workspace, status_report={"frequency": "monthly"})
    for at in (fridays[2] + timedelta(weeks=1), fridays[2] + timedelta(weeks=2)):  # 25 Dec, then 1 Jan
        tick(deps, bot, clock, at)
    assert len(posts(sandbox, "C0APOLLO", "Status of program-apollo")) == 2  # 1 Jan: the month's first Friday

    save_plan(slack, bot, workspace, status_report={"frequency": "off", "people": ["U0BOB"]})
    tick(deps, bot, clock, fridays[2] + timedelta(weeks=6))  # 29 Jan
    tick(deps, bot, clock, fridays[2] + timedelta(weeks=7))  # 5 Feb, a first Friday: off all the same
    assert len(posts(sandbox, "C0APOLLO", "Status of program-apollo")) == 2
    assert posts(sandbox, "U0BOB", "Status of program-apollo") == []


def standup(slack, bot, workspace):
    cmd(slack, bot, "setup")
    cmd(slack, bot, "setup", name="/standup")
    view = workspace.latest_view("U0ALICE", callback_id="standup.setup.modal")
    i = "standup.setup.input"
    slack.view_submission(view, {
        "standup.setup.time": {i: sv.timepicker("09:30")},
        "standup.setup.days": {i: sv.checkboxes(["0", "1", "2", "3", "4"])},
        "standup.setup.questions": {i: sv.plain_text("Yesterday?\nToday?\nBlockers?")},
        "standup.setup.participants": {i: sv.multi_users_select(["U0KENJI"])},
        "standup.setup.mode": {i: sv.static_select("dm")},
        "standup.setup.reminder": {i: sv.plain_text("60")},
        "standup.setup.cutoff": {i: sv.timepicker("11:30")},
        "standup.setup.digest_channel": {i: sv.conversations_select("C0APOLLO")}}, user="U0ALICE")
    bot.wait_idle()


def test_the_digest_goes_to_the_plans_destinations_once_and_not_when_off(slack, bot, deps, sandbox, clock, workspace):
    standup(slack, bot, workspace)
    save_plan(slack, bot, workspace, digest={"people": ["U0BOB"], "channels": ["C0GENERAL"]})
    cutoff = datetime(2026, 12, 2, 19, 30, tzinfo=timezone.utc)  # Wednesday 11:30 in Los Angeles
    for at in (cutoff, cutoff, cutoff + timedelta(minutes=1)):
        tick(deps, bot, clock, at)
    for where in ("C0APOLLO", "C0GENERAL", "U0BOB"):
        [digest] = posts(sandbox, where, "answered")
        assert digest.response["ok"]
    [copy] = posts(sandbox, "C0GENERAL", "answered")
    [digest] = posts(sandbox, "C0APOLLO", "answered")
    assert digest.args["metadata"]["event_type"] == "tpmbot_standup_digest"
    assert copy.args["metadata"]["event_type"] != "tpmbot_standup_digest"  # replies there are not its thread

    save_plan(slack, bot, workspace, digest={"frequency": "off", "people": ["U0BOB"]})
    tick(deps, bot, clock, cutoff + timedelta(days=1))
    assert len(posts(sandbox, "C0APOLLO", "answered")) == 1 and len(posts(sandbox, "U0BOB", "answered")) == 1


def test_change_outcomes_go_to_the_informed_and_the_plan_or_only_the_requester_when_off(slack, bot, deps, sandbox,
                                                                                      workspace):
    cmd(slack, bot, "Beta in the app store due dec 15", name="/milestone")
    save_plan(slack, bot, workspace, approvers=["U0BOB"], informed=["U0JAMES"],
              change_outcomes={"people": ["U0SOFIA"], "channels": ["C0GENERAL"]})

    def approve_latest():
        with deps.session() as session:
            from storage.raid_models import Item
            cr = session.exec(select(Item).where(Item.kind == "change").order_by(Item.number.desc())).first()
        assert slack.block_action("change.request.approve", value=str(cr.id), user="U0BOB").status == 200
        bot.wait_idle()
        assert slack.block_action("change.request.approve", value=str(cr.id), user="U0BOB").status == 200
        bot.wait_idle()

    cmd(slack, bot, "push beta M-1 to jan 8", name="/change")
    approve_latest()
    def notices(where, key):
        return [c for c in posts(sandbox, where, "was approved") if key in c.args["text"]]

    for told in ("U0ALICE", "U0JAMES", "U0SOFIA", "C0GENERAL"):
        assert len(notices(told, "CR-1")) == 1

    save_plan(slack, bot, workspace, approvers=["U0BOB"], informed=["U0JAMES"],
              change_outcomes={"frequency": "off", "people": ["U0SOFIA"]})
    cmd(slack, bot, "push beta M-1 to jan 15", name="/change")
    approve_latest()
    assert len(notices("U0ALICE", "CR-2")) == 1  # the requester is always told
    for silent in ("U0JAMES", "U0SOFIA", "C0GENERAL"):
        assert notices(silent, "CR-2") == []


def escalation_ready(slack, bot, deps, workspace, **plan):
    cmd(slack, bot, "setup")
    with deps.session() as session:  # as `/tpm setup` would
        stored = session.exec(select(Program)).one()
        stored.escalation_channel_id = "C0GENERAL"
        session.add(stored)
    workspace.add_channel("C0OPS", "ops", members=["U0ALICE"])
    save_plan(slack, bot, workspace, **plan)
    cmd(slack, bot, "prod database is read-only <@U0DIETER> sev:critical", name="/blocker")


def escalation_cards(sandbox, channel):
    return [c for c in sandbox.calls_to("chat.postMessage")
            if c.args["channel"] == channel and "escalation.card" in json.dumps(c.args.get("blocks"))]


def test_an_escalation_reaching_the_channel_also_goes_to_the_plans_destinations_once(slack, bot, deps, sandbox, clock,
                                                                                   workspace):
    escalation_ready(slack, bot, deps, workspace, escalations={"people": ["U0SOFIA"], "channels": ["C0OPS"]})
    day = datetime(2026, 12, 1, tzinfo=timezone.utc)
    for hour in (17, 18):  # owner, then leads: the plan's destinations wait for the channel rung
        tick(deps, bot, clock, day.replace(hour=hour))
    assert escalation_cards(sandbox, "C0OPS") == [] and escalation_cards(sandbox, "U0SOFIA") == []
    for at in (day.replace(hour=19), day.replace(hour=19), day.replace(hour=19, minute=5), day.replace(hour=20)):
        tick(deps, bot, clock, at)
    for where in ("C0GENERAL", "C0OPS", "U0SOFIA"):
        [card] = escalation_cards(sandbox, where)
        assert card.response["ok"] and "told so far: escalation channel" in json.dumps(card.args["blocks"])
    with deps.session() as session:
        esc = session.exec(select(Escalation)).one()
    assert esc.level == 3 and len(esc.posts) == 5  # owner, leads, channel and the two copies: each edited later


def test_escalations_off_climb_but_post_nothing_at_the_channel_rung(slack, bot, deps, sandbox, clock, workspace):
    escalation_ready(slack, bot, deps, workspace, escalations={"frequency": "off", "channels": ["C0OPS"]})
    day = datetime(2026, 12, 1, tzinfo=timezone.utc)
    for hour in (17, 18, 19, 20):
        tick(deps, bot, clock, day.replace(hour=hour))
    assert len(escalation_cards(sandbox, "U0DIETER")) == 1 and len(escalation_cards(sandbox, "C0APOLLO")) == 1
    assert escalation_cards(sandbox, "C0GENERAL") == [] and escalation_cards(sandbox, "C0OPS") == []
    with deps.session() as session:
        assert session.exec(select(Escalation)).one().level == 3


def test_a_plan_channel_that_would_leak_a_now_private_program_is_refused_at_send_time(slack, bot, deps, sandbox, clock,
                                                                                    workspace):
    cmd(slack, bot, "setup")
    save_plan(slack, bot, workspace, status_report={"channels": ["C0GENERAL"], "people": ["U0BOB"]})
    with workspace.lock:  # #program-apollo turned private after the plan was saved
        workspace.channels["C0APOLLO"].update(is_private=True, is_channel=False, is_group=True)
    tick(deps, bot, clock, FRIDAY)
    assert len(posts(sandbox, "C0APOLLO", "Status of program-apollo")) == 1
    assert len(posts(sandbox, "U0BOB", "Status of program-apollo")) == 1  # a person chosen by a lead: a DM
    assert posts(sandbox, "C0GENERAL", "Status of program-apollo") == []
    with deps.session() as session:
        [copy] = [m for m in session.exec(select(OutboundMessage)) if m.idempotency_key.endswith(":to:C0GENERAL")]
    assert (copy.status, copy.last_error) == ("dead", "private_to_public")


def test_the_portfolio_digest_goes_to_each_person_listing_what_they_may_read(slack, bot, deps, sandbox, clock,
                                                                           workspace):
    from tests.scenarios.test_portfolio import three_programs

    three_programs(slack, bot, workspace)
    cmd(slack, bot, "portfolio digest <#C0GENERAL|general> mon 09:00")
    save_plan(slack, bot, workspace, portfolio={"people": ["U0BOB", "U0KENJI"]})
    monday = datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)  # 09:00 in Los Angeles
    for at in (monday, monday, monday + timedelta(minutes=5)):
        tick(deps, bot, clock, at)
    [general] = posts(sandbox, "C0GENERAL", "Weekly portfolio")
    [bob] = posts(sandbox, "U0BOB", "Weekly portfolio")
    [kenji] = posts(sandbox, "U0KENJI", "Weekly portfolio")
    assert general.args["text"] == kenji.args["text"] == "Weekly portfolio: 2 programs (1 red, 1 amber)"
    assert bob.args["text"] == "Weekly portfolio: 3 programs (1 red, 1 amber, 1 green)"  # Bob is in #leadership
    assert "leadership" not in json.dumps(kenji.args["blocks"]) and "leadership" in json.dumps(bob.args["blocks"])


def test_a_copy_of_an_escalation_card_is_edited_with_the_others(slack, bot, deps, sandbox, clock, workspace):
    escalation_ready(slack, bot, deps, workspace, escalations={"channels": ["C0OPS"]})
    day = datetime(2026, 12, 1, tzinfo=timezone.utc)
    for hour in (17, 18, 19):
        tick(deps, bot, clock, day.replace(hour=hour))
    [copy] = escalation_cards(sandbox, "C0OPS")
    message = workspace.get_message("C0OPS", copy.response["ts"])
    esc_id = message["blocks"][-1]["block_id"].rsplit(".", 1)[-1]
    slack.block_action("escalation.card.acknowledge", value=esc_id, user="U0ALICE", channel="C0OPS", message=message,
                       block_id=f"escalation.card.actions.{esc_id}")
    bot.wait_idle()
    tick(deps, bot, clock, day.replace(hour=19, minute=5))
    edited = workspace.get_message("C0OPS", copy.response["ts"])
    assert "Acknowledged by <@U0ALICE>" in json.dumps(edited["blocks"])
    assert "Acknowledged by" not in json.dumps(copy.args["blocks"])  # as first posted
    with deps.session() as session:
        assert session.exec(select(Escalation)).one().status == "acknowledged"
