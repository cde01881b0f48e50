"""Escalations through signed Slack payloads and `run_due` at explicit instants: the rules, the ladder
(owner → leads → escalation channel) inside working hours only, one live escalation per item edited in
place, and Acknowledge / Resolve / Snooze / Reassign with who-may checks.

The program is bound by Alice, so it runs on Los Angeles time: 17:00 UTC is 09:00 there."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from scheduled.tick import run_due
from storage.escalation_models import Escalation
from storage.models import Program
from storage.raid_models import Item

ESCALATION_CHANNEL = "C0GENERAL"


def at(hour, minute=0, day=1):
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone.utc)


def cmd(slack, bot, text, name="/blocker", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()


def tick(deps, bot, clock, when):
    clock.set(when)
    report = run_due(deps, when, client=bot.app.client)
    bot.wait_idle()
    return report


def escalation(deps) -> Escalation:
    with deps.session() as session:
        return session.exec(select(Escalation)).one()


def item(deps) -> Item:
    with deps.session() as session:
        return session.exec(select(Item)).one()


def cards(sandbox, channel):
    return [c for c in sandbox.calls_to("chat.postMessage")
            if c.args["channel"] == channel and "escalation.card" in json.dumps(c.args.get("blocks"))]


def press(slack, bot, workspace, action_id, user, card_call, **extra):
    message = workspace.get_message(card_call.response["channel"], card_call.response["ts"])
    esc_id = message["blocks"][-1]["block_id"].rsplit(".", 1)[-1]
    slack.block_action(action_id, value=None if extra else esc_id, user=user, channel=card_call.response["channel"],
                       message=message, block_id=f"escalation.card.actions.{esc_id}", **extra)
    bot.wait_idle()
    return workspace.get_message(card_call.response["channel"], card_call.response["ts"])


def bind_with_escalation_channel(slack, bot, deps):
    cmd(slack, bot, "setup", name="/tpm")  # Alice binds #apollo and leads the program
    with deps.session() as session:  # as `/tpm setup` would (the modal has its own tests)
        program = session.exec(select(Program)).one()
        program.escalation_channel_id = ESCALATION_CHANNEL
        session.add(program)


def test_critical_blocker_climbs_owner_leads_channel_inside_working_hours_once(slack, bot, deps, clock, sandbox,
                                                                            workspace):
    bind_with_escalation_channel(slack, bot, deps)
    cmd(slack, bot, "prod database is read-only <@U0DIETER> sev:critical")  # 01:00 in Los Angeles
    esc = escalation(deps)
    assert (esc.rule, esc.status, esc.level) == ("critical_blocker", "open", 0)
    assert cards(sandbox, "U0DIETER") == []  # nobody is woken at 1 a.m.: the first rung waits for 09:00

    tick(deps, bot, clock, at(16, 55))
    assert cards(sandbox, "U0DIETER") == []
    tick(deps, bot, clock, at(17, 0))
    [dm] = cards(sandbox, "U0DIETER")
    assert dm.response["channel"] == "D0DIETER" and "B-1" in dm.args["text"]
    text = json.dumps(dm.args["blocks"])
    assert "critical blocker" in text and "<@U0DIETER>" in text
    assert [e["action_id"] for e in dm.args["blocks"][-1]["elements"]] == [
        "escalation.card.acknowledge", "escalation.card.resolve", "escalation.card.snooze", "escalation.card.reassign"]

    tick(deps, bot, clock, at(17, 55))
    assert cards(sandbox, "C0APOLLO") == []
    tick(deps, bot, clock, at(18, 0))  # one business hour later: the leads
    [leads] = cards(sandbox, "C0APOLLO")
    assert "<@U0ALICE>: not acknowledged by <@U0DIETER> yet" in json.dumps(leads.args["blocks"])
    edited = workspace.get_message("D0DIETER", dm.response["ts"])
    assert "told so far: leads" in json.dumps(edited["blocks"])

    tick(deps, bot, clock, at(19, 0))
    [channel_card] = cards(sandbox, ESCALATION_CHANNEL)
    assert "told so far: escalation channel" in json.dumps(channel_card.args["blocks"])
    for when in (at(19, 0), at(19, 5), at(20, 0), at(17, 0, day=2)):
        tick(deps, bot, clock, when)
    posted = len(cards(sandbox, "U0DIETER")) + len(cards(sandbox, "C0APOLLO")) + len(cards(sandbox, ESCALATION_CHANNEL))
    assert posted == 3 and escalation(deps).level == 3


def test_acknowledge_checks_who_records_when_and_stops_the_ladder(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "payments are failing <@U0DIETER> sev:critical")  # 09:00 in LA: the owner is told at once
    [dm] = cards(sandbox, "U0DIETER")

    press(slack, bot, workspace, "escalation.card.acknowledge", "U0KENJI", dm)
    assert "Only B-1's owner or a program lead can acknowledge" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert escalation(deps).status == "open"

    clock.set(at(17, 20))
    card = press(slack, bot, workspace, "escalation.card.acknowledge", "U0DIETER", dm)
    esc = escalation(deps)
    assert (esc.status, esc.acknowledged_by, esc.acknowledged_at) == ("acknowledged", "U0DIETER", at(17, 20))
    assert "Acknowledged by <@U0DIETER>" in json.dumps(card["blocks"])
    assert "escalation.card.acknowledge" not in json.dumps(card["blocks"])

    for hour in (18, 19, 20, 21):
        tick(deps, bot, clock, at(hour))
    assert cards(sandbox, "C0APOLLO") == [] and cards(sandbox, ESCALATION_CHANNEL) == []


def test_resolve_from_the_card_resolves_the_item_and_edits_everything(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "checkout down <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    tick(deps, bot, clock, at(18, 0))
    [leads] = cards(sandbox, "C0APOLLO")

    card = press(slack, bot, workspace, "escalation.card.resolve", "U0DIETER", leads)
    assert item(deps).status == "resolved"
    esc = escalation(deps)
    assert (esc.status, esc.ended_by) == ("resolved", "U0DIETER")
    assert "Resolved by <@U0DIETER>" in json.dumps(card["blocks"]) and card["blocks"][-1]["type"] != "actions"
    assert "Resolved by <@U0DIETER>" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])
    canonical = workspace.get_message("C0APOLLO", item(deps).message_ts)
    assert "raid.message.reopen" in json.dumps(canonical["blocks"])

    tick(deps, bot, clock, at(19, 0))
    assert cards(sandbox, ESCALATION_CHANNEL) == []
    cmd(slack, bot, "reopen B-1")  # the item crosses the rule again: a new round, a new DM
    assert escalation(deps).round == 2 and len(cards(sandbox, "U0DIETER")) == 2


def test_snooze_pauses_then_the_ladder_goes_on(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "release branch broken <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    card = press(slack, bot, workspace, "escalation.card.snooze", "U0ALICE", dm,
                 selected_option={"text": {"type": "plain_text", "text": "4 hours"}, "value": "4h"})
    esc = escalation(deps)
    assert (esc.status, esc.snoozed_by, esc.snoozed_until) == ("snoozed", "U0ALICE", at(21, 0))
    assert ":zzz: Snoozed by <@U0ALICE>" in json.dumps(card["blocks"])
    for hour in (18, 19, 20):
        tick(deps, bot, clock, at(hour))
    assert cards(sandbox, "C0APOLLO") == []
    tick(deps, bot, clock, at(21, 0))
    assert escalation(deps).status == "open" and cards(sandbox, "C0APOLLO") == []  # the step restarts at waking
    tick(deps, bot, clock, at(22, 0))
    assert len(cards(sandbox, "C0APOLLO")) == 1


def test_reassign_from_the_card_restarts_the_ladder_with_the_new_owner(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "login loop <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    clock.set(at(17, 30))
    press(slack, bot, workspace, "escalation.card.reassign", "U0ALICE", dm, action_type="users_select",
          selected_user="U0BOB")
    assert item(deps).owner_id == "U0BOB"
    [bob] = cards(sandbox, "U0BOB")
    assert "<@U0BOB>" in json.dumps(bob.args["blocks"])
    assert "<@U0BOB>" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])
    tick(deps, bot, clock, at(18, 0))
    assert cards(sandbox, "C0APOLLO") == []  # Bob's hour started at 17:30
    tick(deps, bot, clock, at(18, 30))
    assert len(cards(sandbox, "C0APOLLO")) == 1


def test_risk_rules_open_and_clear_escalations(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "vendor may slip p:5 i:4 <@U0DIETER>", name="/risk")
    esc = escalation(deps)
    assert esc.rule == "risk_score" and "risk score 20 ≥ threshold 15" in esc.reason
    [dm] = cards(sandbox, "U0DIETER")
    cmd(slack, bot, "update R-1 p:2", name="/risk")
    assert escalation(deps).status == "cleared"
    assert "No longer escalated" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])

    cmd(slack, bot, "escalations threshold 8", name="/tpm", user="U0KENJI")
    assert "Only the program's leads" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    cmd(slack, bot, "escalations threshold 8", name="/tpm")
    tick(deps, bot, clock, at(17, 5))
    esc = escalation(deps)
    assert (esc.status, esc.round, esc.rule) == ("open", 2, "risk_score") and "threshold 8" in esc.reason


def test_a_new_threshold_holds_live_risk_escalations_to_it_at_once(slack, bot, deps, clock, sandbox, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "vendor may slip p:4 i:4 <@U0DIETER>", name="/risk")  # 16 >= 15: escalated
    [dm] = cards(sandbox, "U0DIETER")
    assert escalation(deps).status == "open"

    cmd(slack, bot, "escalations threshold 20", name="/tpm")  # no sweep runs in between
    esc = escalation(deps)
    assert (esc.status, esc.ended_by) == ("cleared", "U0ALICE")
    assert "No longer escalated" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])
    assert "1 risk escalation cleared" in workspace.ephemerals(user="U0ALICE")[-1]["text"]

    cmd(slack, bot, "escalations threshold 16", name="/tpm")
    esc = escalation(deps)
    assert (esc.status, esc.round) == ("open", 2) and "threshold 16" in esc.reason
    assert "1 risk escalation opened" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert len(cards(sandbox, "U0DIETER")) == 2  # the new round's card, sent now


def test_risk_review_overdue_and_blocker_past_sla(slack, bot, deps, clock, sandbox):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "flaky integration tests <@U0DIETER> sev:high")  # high: 8 business hours
    cmd(slack, bot, "supplier audit p:2 i:2 review tomorrow", name="/risk")
    with deps.session() as session:
        assert session.exec(select(Escalation)).all() == []
    tick(deps, bot, clock, at(23, 0))  # 6 business hours: within the SLA
    tick(deps, bot, clock, at(18, 0, day=2))  # 9 business hours (Wed 10:00 in LA): past it
    with deps.session() as session:
        rows = {e.rule: e for e in session.exec(select(Escalation))}
    assert "blocker_past_sla" in rows and "high blocker past its 8h SLA" in rows["blocker_past_sla"].reason
    tick(deps, bot, clock, at(17, 0, day=3))  # the risk's review (Wed 17:00 in LA) has passed
    with deps.session() as session:
        rules = {e.rule for e in session.exec(select(Escalation))}
    assert rules == {"blocker_past_sla", "risk_review_overdue"}


def test_escalations_command_lists_and_sets_the_ladder(slack, bot, deps, clock, workspace):
    bind_with_escalation_channel(slack, bot, deps)
    cmd(slack, bot, "escalations", name="/tpm")
    assert "Nothing is escalated" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])
    cmd(slack, bot, "db on fire sev:critical")
    cmd(slack, bot, "escalations", name="/tpm")
    listing = json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])
    assert "Live escalations (1)" in listing and "B-1" in listing
    cmd(slack, bot, "escalations ladder 2 6h", name="/tpm")
    with deps.session() as session:
        assert session.exec(select(Program)).one().settings["escalations"]["steps_hours"] == [2.0, 6.0]
    reply = json.loads(slack.command("/tpm", "escalations ladder soon", user="U0ALICE", channel="C0APOLLO").body)
    assert "Give `ladder` two step lengths" in reply["text"] and "/tpm escalations ladder 4 8" in reply["text"]
    cmd(slack, bot, "settings", name="/tpm")
    assert "owner → leads after 2h" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"], ensure_ascii=False)


def test_snoozing_the_item_holds_its_escalation_and_shows_on_its_message(slack, bot, deps, clock, sandbox,
                                                                          workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "builds are red <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    blocker = item(deps)
    message = workspace.get_message("C0APOLLO", blocker.message_ts)
    option = {"text": {"type": "plain_text", "text": "1 day"}, "value": "1d"}
    slack.block_action("raid.message.snooze", user="U0KENJI", channel="C0APOLLO", message=message,
                       block_id=f"raid.message.actions.{blocker.id}", selected_option=option)
    bot.wait_idle()
    assert "Only B-1's owner, its reporter or a program lead" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    slack.block_action("raid.message.snooze", user="U0DIETER", channel="C0APOLLO", message=message,
                       block_id=f"raid.message.actions.{blocker.id}", selected_option=option)
    bot.wait_idle()
    assert item(deps).snoozed_until == at(17, 0, day=2)
    esc = escalation(deps)
    assert (esc.status, esc.snoozed_by, esc.snoozed_until) == ("snoozed", "U0DIETER", at(17, 0, day=2))
    assert "escalation snoozed until" in json.dumps(workspace.get_message("C0APOLLO", blocker.message_ts)["blocks"])
    assert ":zzz: Snoozed by <@U0DIETER>" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])
    for hour in (18, 20, 22):
        tick(deps, bot, clock, at(hour))
    assert cards(sandbox, "C0APOLLO") == []
    tick(deps, bot, clock, at(17, 0, day=2))  # awake: the step's clock starts again
    tick(deps, bot, clock, at(18, 0, day=2))
    assert len(cards(sandbox, "C0APOLLO")) == 1


def test_cards_are_recomposed_from_the_state_now_at_every_step_and_press(slack, bot, deps, clock, sandbox,
                                                                          workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "payments are failing <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    assert "critical blocker, open 0m" in dm.args["text"]
    tick(deps, bot, clock, at(18, 0))  # the leads' step, an hour later, says how old the blocker is now
    [leads] = cards(sandbox, "C0APOLLO")
    posted = json.dumps(leads.args["blocks"])
    assert "critical blocker, open 1h" in posted and "open 0m" not in posted
    assert "critical blocker, open 1h" in leads.args["text"]
    assert "open 1h" in json.dumps(workspace.get_message("D0DIETER", dm.response["ts"])["blocks"])

    clock.set(at(18, 25))
    press(slack, bot, workspace, "escalation.card.acknowledge", "U0DIETER", dm)
    card = json.dumps(workspace.get_message("C0APOLLO", leads.response["ts"])["blocks"])
    assert "not acknowledged" not in card
    assert "<@U0ALICE>: acknowledged by <@U0DIETER>" in card and "Acknowledged by <@U0DIETER>" in card
    assert "critical blocker, open 1h" in card


def test_a_private_programs_escalation_is_not_posted_in_a_public_channel_saved_before_the_check(
        slack, bot, deps, clock, sandbox, workspace):
    workspace.add_bot_to("C0LEADERS")  # the private #leadership is the program's home
    cmd(slack, bot, "we run Apollo from #leadership", name="/decision", channel="C0LEADERS")  # binds it
    with deps.session() as session:  # as an older release saved it, unchecked
        program = session.exec(select(Program)).one()
        program.escalation_channel_id = ESCALATION_CHANNEL  # the public #general
        session.add(program)
    clock.set(at(17, 0))
    cmd(slack, bot, "payroll export broken <@U0DIETER> sev:critical", channel="C0LEADERS")
    tick(deps, bot, clock, at(18, 0))
    assert len(cards(sandbox, "C0LEADERS")) == 1
    for hour in (19, 20, 21):
        tick(deps, bot, clock, at(hour))
    assert escalation(deps).level == 3
    assert [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == ESCALATION_CHANNEL] == []
    assert not [m for m in workspace.messages(ESCALATION_CHANNEL) if m.get("bot_id")]
    notices = [m["text"] for m in workspace.messages("D0ALICE") if m.get("bot_id")]
    assert len(notices) == 1
    assert "<#C0LEADERS> is private and <#C0GENERAL> is public" in notices[0] and "/tpm setup" in notices[0]
