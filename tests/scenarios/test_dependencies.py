"""Dependencies (`D-n`) between two programs, through signed Slack payloads: the handshake on both
sides' messages (request, another date proposed and accepted, delivered; declined with a reason;
cancelled), who may press what, bad input refused with nothing stored, every step once under
repeated presses and Slack's retries, escalation after two working days, and a milestone put at risk."""

import json
from datetime import datetime, timezone

from sqlmodel import select

from sandbox import payloads
from sandbox import state_values as sv
from scheduled.tick import run_due
from storage.dependency_models import DependencyParty
from storage.models import OutboundMessage
from storage.raid_models import Item, ItemEvent

APOLLO, PAY = "C0APOLLO", "C0PAY"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def cmd(slack, bot, text, user="U0ALICE", channel=APOLLO, command="/dep"):
    response = slack.command(command, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def said(response, workspace, user="U0ALICE"):
    if response.json and response.json.get("text"):
        return response.json["text"]
    return workspace.ephemerals(user=user)[-1]["text"]


def last(workspace, user):
    return workspace.ephemerals(user=user)[-1]["text"]


def deps_of(deps):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == "dependency").order_by(Item.id)).all()


def history(deps, item):
    with deps.session() as session:
        return [(e.action, e.actor_id) for e in
                session.exec(select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id))]


def posts_to(sandbox, channel):
    return [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == channel]


def card_of(sandbox, workspace, user, marker="asks"):
    [post] = [c for c in posts_to(sandbox, user) if marker in c.args["text"]]
    return workspace.get_message(post.response["channel"], post.response["ts"]), post.response["channel"]


def shown(workspace, channel, ts):
    return json.dumps(workspace.get_message(channel, ts)["blocks"])


def press(slack, bot, workspace, action_id, item, user, card, retry=False):
    message, channel = card
    entry = payloads.action(action_id, str(item.id), None, "button", payloads.action_ts(workspace))
    payload = payloads.block_actions(workspace, [entry], user, workspace.new_trigger_id(user), channel=channel,
                                     message=message, response_url=slack._response_url(channel, user, message["ts"]))
    assert slack.interactive(payload).status == 200
    bot.wait_idle()
    if retry:  # Slack sends the very same action again
        assert slack.interactive(payload, headers=RETRY).status == 200
        bot.wait_idle()


def submit(slack, bot, sandbox, values, user):
    view = sandbox.calls_to("views.open")[-1].response["view"]
    response = slack.view_submission(view, values, user=user)
    bot.wait_idle()
    return response


def two_programs(slack, bot, workspace):
    """Apollo (lead Alice, milestone M-1 due Fri 18 Dec) and Payments (lead Carol) in their channels."""
    workspace.add_channel(PAY, "payments", members=["U0CAROL", "U0OMAR", "U0ALICE"])
    cmd(slack, bot, "Launch due dec 18", command="/milestone")
    cmd(slack, bot, "payments on-call rota <@U0OMAR> due dec 20", user="U0CAROL", channel=PAY, command="/action")


def test_request_counter_accept_counter_deliver_on_both_sides(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    reply = said(cmd(slack, bot, f"sandbox keys for the payments API from <#{PAY}|payments> by dec 10"),
                 workspace)
    [dep] = deps_of(deps)
    assert (dep.key, dep.title, dep.owner_id, dep.details["state"]) == ("D-1", "sandbox keys for the payments API",
                                                                       "U0ALICE", "requested")
    assert "Logged dependency *D-1*" in reply and "Thu 10 Dec 2026" in reply
    with deps.session() as session:
        party = session.get(DependencyParty, dep.id)
    assert party.provider_user_id is None and party.provider_program_id != dep.program_id
    card = card_of(sandbox, workspace, "U0CAROL")
    assert "Accept" in json.dumps(card[0]["blocks"]) and "Propose another date" in json.dumps(card[0]["blocks"])
    assert "on-call" not in json.dumps(card[0]["blocks"])  # the requester's other records stay theirs
    # "by dec 10" from Los Angeles is 01:00 on Dec 11 in UTC: every reader is shown the day Alice typed.
    assert "*Needed by*\\nThu 10 Dec 2026" in json.dumps(card[0]["blocks"])

    # Payments proposes another date; its lead sees it listed as incoming, Apollo's as outgoing.
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card)
    values = sv.merge(sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-12-14")),
                      sv.state_value("dependency.modal.note", "dependency.modal.note.input", sv.plain_text("after the freeze")))
    submit(slack, bot, sandbox, values, "U0CAROL")
    [dep] = deps_of(deps)
    assert dep.details["state"] == "countered" and dep.details["proposed"].startswith("2026-12-1")
    assert "Proposed instead" in shown(workspace, APOLLO, dep.message_ts)
    assert "Mon 14 Dec 2026" in shown(workspace, APOLLO, dep.message_ts)  # the day Carol picked, for every reader
    assert "Waiting for" in shown(workspace, card[1], card[0]["ts"])
    cmd(slack, bot, "list in", user="U0CAROL", channel=PAY)
    assert "D-1" in json.dumps(workspace.ephemerals(user="U0CAROL")[-1]["blocks"])
    cmd(slack, bot, "list out")
    assert "countered" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])

    # Alice takes the date on her card; a second press is one step only.
    ask = card_of(sandbox, workspace, "U0ALICE", "countered")
    press(slack, bot, workspace, "dependency.ask.accept", dep, "U0ALICE", ask)
    press(slack, bot, workspace, "dependency.ask.accept", dep, "U0ALICE", ask)
    assert "has no other date proposed" in last(workspace, "U0ALICE")
    [dep] = deps_of(deps)
    assert dep.details["state"] == "accepted" and dep.details["proposed"] is None
    assert dep.details["committed"].startswith("2026-12-1") and dep.due_at.isoformat() == dep.details["committed"]
    assert "Committed for" in shown(workspace, APOLLO, dep.message_ts)

    # Payments delivers, from its own channel.
    cmd(slack, bot, "deliver D-1 keys are in the vault", user="U0CAROL", channel=PAY)
    [dep] = deps_of(deps)
    assert dep.status == "delivered" and dep.closed_by == "U0CAROL"
    assert "D-1 is delivered" in last(workspace, "U0CAROL")
    assert "Delivered" in shown(workspace, APOLLO, dep.message_ts)
    assert "Delivered" in shown(workspace, card[1], card[0]["ts"])
    assert history(deps, dep) == [("created", "U0ALICE"), ("countered", "U0CAROL"), ("accepted counter", "U0ALICE"),
                                  ("delivered", "U0CAROL")]


def test_decline_with_a_reason_and_accept_is_once_under_retries(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"a fraud review from <#{PAY}> by dec 10")
    cmd(slack, bot, "a security review of login from <@U0OMAR> by dec 11")
    first, second = deps_of(deps)
    card = card_of(sandbox, workspace, "U0CAROL")
    press(slack, bot, workspace, "dependency.card.accept", first, "U0CAROL", card, retry=True)
    press(slack, bot, workspace, "dependency.card.accept", first, "U0CAROL", card)
    assert "already accepted" in last(workspace, "U0CAROL")
    assert [a for a, _ in history(deps, deps_of(deps)[0])] == ["created", "accepted"]

    omar = card_of(sandbox, workspace, "U0OMAR")
    press(slack, bot, workspace, "dependency.card.decline", second, "U0OMAR", omar)
    blank = sv.state_value("dependency.modal.reason", "dependency.modal.reason.input", sv.plain_text("  "))
    answer = submit(slack, bot, sandbox, blank, "U0OMAR")
    assert "Say why" in json.dumps(answer.json) and deps_of(deps)[1].status == "open"
    reason = sv.state_value("dependency.modal.reason", "dependency.modal.reason.input", sv.plain_text("no capacity"))
    submit(slack, bot, sandbox, reason, "U0OMAR")
    declined = deps_of(deps)[1]
    assert (declined.status, declined.close_note, declined.closed_by) == ("declined", "no capacity", "U0OMAR")
    assert "no capacity" in shown(workspace, APOLLO, declined.message_ts)
    assert "Declined" in shown(workspace, omar[1], omar[0]["ts"])


def test_cancel_and_who_may_press_what(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"a fraud review from <#{PAY}> by dec 10")
    [dep] = deps_of(deps)
    card = card_of(sandbox, workspace, "U0CAROL")
    press(slack, bot, workspace, "dependency.card.accept", dep, "U0ALICE", card)  # the requester is not the provider
    assert "Only the side D-1 is asked of can accept it: <@U0CAROL>" in last(workspace, "U0ALICE")
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0KENJI", card)
    assert "<@U0CAROL>" in last(workspace, "U0KENJI") and not sandbox.calls_to("views.open")
    cmd(slack, bot, "deliver D-1", user="U0KENJI")
    assert "Only the side D-1 is asked of" in last(workspace, "U0KENJI")
    cmd(slack, bot, "cancel D-1", user="U0CAROL", channel=APOLLO)
    assert "Only D-1's owner" in last(workspace, "U0CAROL")
    assert deps_of(deps)[0].status == "open" and [a for a, _ in history(deps, dep)] == ["created"]

    cmd(slack, bot, "cancel D-1 found another way")
    [dep] = deps_of(deps)
    assert dep.status == "cancelled" and "Cancelled" in shown(workspace, card[1], card[0]["ts"])
    press(slack, bot, workspace, "dependency.card.accept", dep, "U0CAROL", card)
    assert "cancelled: there is nothing to answer" in last(workspace, "U0CAROL")


def test_bad_input_is_refused_with_an_example_and_nothing_stored(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    workspace.add_channel("C0EMPTY", "nobody-home", members=["U0ALICE"])
    cases = [
        ("keys from <#C0EMPTY|nobody-home> by dec 10", "no program's home"),
        (f"keys from <#{PAY}> by yesterday", "in the past"),
        (f"keys from <#{PAY}> by dec 10 for M-9", "There is no M-9"),
        ("keys by dec 10", "Say who it is asked of"),
        (f"keys from <#{PAY}>", "Say when you need it"),
        (f"keys from <#{APOLLO}> by dec 10", "this program's own channel"),
        ("keys from <@U0ALICE> by dec 10", "That's you"),
    ]
    for text, problem in cases:
        reply = said(cmd(slack, bot, text), workspace)
        assert problem in reply and "Example: `/" in reply, (text, reply)
    assert deps_of(deps) == []
    assert not [c for c in posts_to(sandbox, "U0CAROL")]

    cmd(slack, bot, f"keys from <#{PAY}> by dec 10")
    [dep] = deps_of(deps)
    card = card_of(sandbox, workspace, "U0CAROL")
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card)
    early = sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-11-30"))
    answer = submit(slack, bot, sandbox, early, "U0CAROL")
    assert "today or a later date" in json.dumps(answer.json)
    assert deps_of(deps)[0].details["state"] == "requested"


def test_a_retried_request_is_one_dependency_and_one_card(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    body = payloads.slash_command(workspace, "/dep", f"keys from <#{PAY}> by dec 10", "U0ALICE", APOLLO,
                                  sandbox.new_response_url(APOLLO, "U0ALICE"), workspace.new_trigger_id("U0ALICE"))
    from urllib.parse import urlencode

    for headers in (None, RETRY):
        assert slack.post(urlencode(body), "application/x-www-form-urlencoded", headers=headers).status == 200
        bot.wait_idle()
    assert len(deps_of(deps)) == 1 and len(posts_to(sandbox, "U0CAROL")) == 1


def tick(deps, bot, clock, at):
    clock.set(at)
    run_due(deps, at, client=bot.app.client)
    bot.wait_idle()


def test_unanswered_for_two_working_days_escalates_and_the_provider_is_told(slack, bot, deps, workspace, sandbox, clock):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"keys from <#{PAY}> by dec 15")
    tick(deps, bot, clock, datetime(2026, 12, 2, 17, 0, tzinfo=timezone.utc))  # one working day: nothing
    with deps.session() as session:
        assert not session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key.like("escalation:%"))).all()
    told = [c for c in posts_to(sandbox, "U0CAROL") if "escalated" in c.args["text"]]
    assert told == []
    tick(deps, bot, clock, datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc))  # Thursday: two working days
    tick(deps, bot, clock, datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc))
    with deps.session() as session:
        cards = session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key.like("escalation:%"))).all()
    assert cards and "unanswered" in json.dumps(cards[0].payload)
    told = [c for c in posts_to(sandbox, "U0CAROL") if "escalated" in c.args["text"]]
    assert len(told) == 1 and "D-1" in told[0].args["text"]


def test_reopened_it_is_asked_anew_and_waits_two_working_days_from_then(slack, bot, deps, workspace, sandbox, clock):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"keys from <#{PAY}> by dec 15")
    clock.set(datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc))  # Friday: three working days unanswered
    cmd(slack, bot, "cancel D-1")
    cmd(slack, bot, "reopen D-1")
    [dep] = deps_of(deps)
    assert (dep.status, dep.details["state"]) == ("open", "requested")
    assert dep.details["waiting_since"].startswith("2026-12-04T18:00")

    def escalated():
        with deps.session() as session:
            return session.exec(select(OutboundMessage).where(
                OutboundMessage.idempotency_key.like("escalation:%"))).all()

    tick(deps, bot, clock, datetime(2026, 12, 4, 18, 30, tzinfo=timezone.utc))
    tick(deps, bot, clock, datetime(2026, 12, 7, 19, 0, tzinfo=timezone.utc))  # Monday: one working day since
    assert escalated() == []
    tick(deps, bot, clock, datetime(2026, 12, 8, 19, 0, tzinfo=timezone.utc))  # Tuesday: two
    tick(deps, bot, clock, datetime(2026, 12, 8, 19, 30, tzinfo=timezone.utc))
    assert escalated() and "unanswered" in json.dumps(escalated()[0].payload)


def test_a_date_after_the_milestone_s_forecast_puts_it_at_risk_and_tells_its_owner(slack, bot, deps, workspace,
                                                                                 sandbox):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, "Beta due dec 11 <@U0BOB>", command="/milestone")
    cmd(slack, bot, f"keys from <#{PAY}> by dec 9 for M-2")
    milestone = [i for i in _items(deps) if i.key == "M-2"][0]
    assert milestone.details["links"] == ["D-1"]
    [dep] = deps_of(deps)
    card = card_of(sandbox, workspace, "U0CAROL")
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card)
    late = sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-12-16"))
    submit(slack, bot, sandbox, late, "U0CAROL")
    told = [c for c in posts_to(sandbox, "U0BOB") if "at risk" in c.args["text"]]
    assert len(told) == 1 and "M-2" in told[0].args["text"] and "D-1" in told[0].args["text"]
    cmd(slack, bot, "list", command="/milestone")
    assert "at risk" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])


def _items(deps):
    with deps.session() as session:
        return session.exec(select(Item).order_by(Item.id)).all()


def test_past_its_committed_date_it_escalates_until_delivered(slack, bot, deps, workspace, sandbox, clock):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"keys from <#{PAY}> by dec 2")
    [dep] = deps_of(deps)
    press(slack, bot, workspace, "dependency.card.accept", dep, "U0CAROL", card_of(sandbox, workspace, "U0CAROL"))
    assert "is accepted, committed for" in last(workspace, "U0CAROL")
    tick(deps, bot, clock, datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc))
    with deps.session() as session:
        cards = session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key.like("escalation:%"))).all()
    assert cards and "not delivered" in json.dumps(cards[0].payload)
    assert [c for c in posts_to(sandbox, "U0CAROL") if "escalated" in c.args["text"] and "not delivered" in c.args["text"]]
    cmd(slack, bot, "deliver D-1", user="U0CAROL", channel=PAY)
    from storage.escalation_models import Escalation

    with deps.session() as session:
        [escalation] = session.exec(select(Escalation)).all()
    assert escalation.status == "resolved"


def test_the_bare_command_opens_a_form_that_asks_the_same_way(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, "")
    view = sandbox.calls_to("views.open")[-1].response["view"]
    assert view["callback_id"] == "dependency.modal.request"

    def values(person=None, channel=None, by="2026-12-10", milestone=""):
        return sv.merge(
            sv.state_value("dependency.modal.what", "dependency.modal.what.input", sv.plain_text("fraud rules export")),
            sv.state_value("dependency.modal.person", "dependency.modal.person.input", sv.users_select(person)),
            sv.state_value("dependency.modal.channel", "dependency.modal.channel.input", sv.conversations_select(channel)),
            sv.state_value("dependency.modal.by", "dependency.modal.by.input", sv.datepicker(by)),
            sv.state_value("dependency.modal.milestone", "dependency.modal.milestone.input", sv.plain_text(milestone)))

    for wrong, problem in ((values(), "Pick a person"), (values(channel=PAY, by="2026-11-20"), "in the future"),
                           (values(channel="C0GENERAL"), "no program's home"),
                           (values(channel=PAY, milestone="M-9"), "There is no M-9")):
        answer = slack.view_submission(view, wrong, user="U0ALICE")
        bot.wait_idle()
        assert problem in json.dumps(answer.json), (problem, answer.json)
    assert deps_of(deps) == []
    slack.view_submission(view, values(channel=PAY, milestone="M-1"), user="U0ALICE")
    bot.wait_idle()
    [dep] = deps_of(deps)
    assert (dep.title, dep.details["asked_of"]["channel"], dep.details["milestone"]) == ("fraud rules export", PAY, "M-1")
    assert "Logged dependency *D-1*" in last(workspace, "U0ALICE")
    assert card_of(sandbox, workspace, "U0CAROL")


def test_the_agenda_assesses_milestones_with_their_dependencies(slack, bot, deps, workspace, sandbox):
    from tests.scenarios.test_agendas import agenda_posts, blocks_text, set_up_meeting

    set_up_meeting(slack, bot, workspace)
    two_programs(slack, bot, workspace)  # M-1 Launch, due Fri 18 Dec
    cmd(slack, bot, f"keys from <#{PAY}> by dec 9 for M-1")
    [dep] = deps_of(deps)
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card_of(sandbox, workspace, "U0CAROL"))
    late = sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-12-22"))
    submit(slack, bot, sandbox, late, "U0CAROL")
    sandbox.clear_calls()
    cmd(slack, bot, "", command="/agenda")
    text = blocks_text(agenda_posts(sandbox)[-1])
    assert "*M-1* Launch" in text and "at risk" in text and "D-1" in text, text


def status_reports(sandbox, channel):
    return [json.dumps(c.args["blocks"]) for c in sandbox.calls if c.method in ("chat.postMessage", "chat.update")
            and c.args.get("channel") == channel and c.args.get("text", "").startswith("Status of")]


def test_both_programs_status_reports_show_the_dependency_and_the_handshake_kpis(slack, bot, deps, workspace,
                                                                                   sandbox, clock):
    from datetime import timedelta

    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"sandbox keys from <#{PAY}|payments> by dec 10")
    [dep] = deps_of(deps)
    clock.advance(timedelta(hours=5))
    press(slack, bot, workspace, "dependency.card.accept", dep, "U0CAROL", card_of(sandbox, workspace, "U0CAROL"))
    cmd(slack, bot, "", command="/status")
    cmd(slack, bot, "", user="U0CAROL", channel=PAY, command="/status")
    [ours] = status_reports(sandbox, APOLLO)
    [theirs] = status_reports(sandbox, PAY)
    assert "We wait on (1)" in ours and "*D-1* sandbox keys" in ours and "accepted" in ours
    assert "Dependency turnaround (30 days)*\\n5.0 h over 1" in ours
    assert "Dependencies delivered on time (30 days)*\\nnone delivered" in ours
    assert "Asked of us (1)" in theirs and "*D-1* sandbox keys" in theirs
    assert "Launch" not in theirs  # only what the requester wrote: never Apollo's other records
    assert "Asked of us" not in ours and "We wait on" not in theirs

    cmd(slack, bot, "deliver D-1 in the vault", user="U0CAROL", channel=PAY)  # before the date committed to
    clock.advance(timedelta(minutes=1))  # a report asked for at the same instant is the same report
    cmd(slack, bot, "", command="/status")
    later = status_reports(sandbox, APOLLO)[-1]
    assert "Dependencies delivered on time (30 days)*\\n1/1 (100%)" in later
    assert "We wait on" not in later and "No open dependencies" in later


def test_a_counter_proposal_before_today_is_refused_under_its_field_and_changes_nothing(slack, bot, deps, workspace,
                                                                                       sandbox):
    two_programs(slack, bot, workspace)
    cmd(slack, bot, f"keys from <#{PAY}> by dec 10")
    [dep] = deps_of(deps)
    card = card_of(sandbox, workspace, "U0CAROL")
    sandbox.clear_calls()
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card)
    # Tue 1 Dec, 09:00 in Carol's London: yesterday is refused; nothing is stored, posted or edited.
    early = sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-11-30"))
    answer = submit(slack, bot, sandbox, early, "U0CAROL")
    assert answer.json == {"response_action": "errors", "errors": {"dependency.modal.date": "Pick today or a later date."}}
    [after] = deps_of(deps)
    assert after.details == dep.details and after.version == dep.version and after.due_at == dep.due_at
    assert history(deps, after) == [("created", "U0ALICE")]
    assert not [c for c in sandbox.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]

    today = sv.state_value("dependency.modal.date", "dependency.modal.date.input", sv.datepicker("2026-12-01"))
    press(slack, bot, workspace, "dependency.card.counter", dep, "U0CAROL", card)
    assert submit(slack, bot, sandbox, today, "U0CAROL").json in (None, {})  # today is fine: the modal closes
    [after] = deps_of(deps)
    assert after.details["state"] == "countered" and after.details["proposed"].startswith("2026-12-01")


def digests(sandbox, channel):
    return [json.dumps(c.args["blocks"], ensure_ascii=False) for c in sandbox.calls if c.method in ("chat.postMessage", "chat.update")
            and c.args.get("channel") == channel and c.args.get("text", "").startswith("Stand-up digest")]


def agendas(sandbox, channel):
    return [json.dumps(c.args["blocks"], ensure_ascii=False) for c in sandbox.calls if c.method in ("chat.postMessage", "chat.update")
            and c.args.get("channel") == channel and c.args.get("text", "").startswith("Agenda for")]


def meetings_in_both(slack, bot, workspace):
    """Apollo's and Payments' weekly syncs (set up by their leads), and the two programs."""
    from tests.scenarios.test_agendas import form, set_up_meeting

    set_up_meeting(slack, bot, workspace)
    two_programs(slack, bot, workspace)
    cmd(slack, bot, "setup", user="U0CAROL", channel=PAY, command="/agenda")
    view = workspace.latest_view("U0CAROL", callback_id="agenda.setup.modal")
    slack.view_submission(view, form(channel=PAY), user="U0CAROL")
    bot.wait_idle()


def dependencies_part(blocks: str) -> str:
    return blocks.split("*Dependencies*")[1] if "*Dependencies*" in blocks else ""


def test_both_programs_digests_and_agendas_list_the_dependency_while_it_is_open(slack, bot, deps, workspace,
                                                                                 sandbox, clock):
    from datetime import timedelta

    meetings_in_both(slack, bot, workspace)
    cmd(slack, bot, f"sandbox keys <b>now</b> from <#{PAY}|payments> by dec 10")
    cmd(slack, bot, "a fraud review from <@U0OMAR> by dec 11")
    [dep, other] = deps_of(deps)
    press(slack, bot, workspace, "dependency.card.accept", dep, "U0CAROL", card_of(sandbox, workspace, "U0CAROL"))

    for command, listed in (("/digest", digests), ("/agenda", agendas)):
        cmd(slack, bot, "", command=command)
        cmd(slack, bot, "", user="U0CAROL", channel=PAY, command=command)
        ours, theirs = dependencies_part(listed(sandbox, APOLLO)[-1]), dependencies_part(listed(sandbox, PAY)[-1])
        # Ours: both we wait on, soonest due first, each with what, who from, state and date.
        assert "*We wait on (2)*" in ours and ours.index("*D-1*") < ours.index("*D-2*"), ours
        assert "sandbox keys &lt;b&gt;now&lt;/b&gt; — from <#C0PAY>, accepted, committed for" in ours
        assert "a fraud review — from <@U0OMAR>, requested, needed by" in ours and "Asked of us" not in ours
        # Theirs: the one asked of Payments, with who asked; typed text escaped once, never twice.
        assert "*Asked of us (1)*" in theirs and "*D-1* sandbox keys &lt;b&gt;now&lt;/b&gt; — asked by" in theirs
        assert "(<@U0ALICE>), accepted" in theirs and "&amp;lt;" not in theirs and "D-2" not in theirs
        assert "We wait on" not in theirs

    cmd(slack, bot, "deliver D-1 keys are in the vault", user="U0CAROL", channel=PAY)
    cmd(slack, bot, "cancel D-2 found another way")
    clock.advance(timedelta(minutes=1))
    for command, listed in (("/digest", digests), ("/agenda", agendas)):
        cmd(slack, bot, "", command=command)
        cmd(slack, bot, "", user="U0CAROL", channel=PAY, command=command)
        assert "*Dependencies*" not in listed(sandbox, APOLLO)[-1] and "D-1" not in listed(sandbox, APOLLO)[-1]
        assert "*Dependencies*" not in listed(sandbox, PAY)[-1] and "D-1" not in listed(sandbox, PAY)[-1]


def test_a_private_programs_request_shows_only_what_its_requester_wrote(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    secret = "C0SECRET"
    workspace.add_channel(secret, "secret-launch", is_private=True, members=["U0ALICE"], bot_member=True)
    cmd(slack, bot, "acquisition of a rival due dec 20", channel=secret, command="/milestone")
    cmd(slack, bot, "the board has not signed sev:high", channel=secret, command="/blocker")
    cmd(slack, bot, f"load-test capacity from <#{PAY}> by dec 10", channel=secret)
    cmd(slack, bot, "", user="U0CAROL", channel=PAY, command="/digest")
    theirs = dependencies_part(digests(sandbox, PAY)[-1])
    assert "*Asked of us (1)*" in theirs and "*D-1* load-test capacity — asked by" in theirs
    assert "rival" not in digests(sandbox, PAY)[-1] and "board" not in digests(sandbox, PAY)[-1]


def test_a_program_waiting_on_many_lists_a_few_and_says_how_many_more(slack, bot, deps, workspace, sandbox):
    two_programs(slack, bot, workspace)
    for n in range(12):
        cmd(slack, bot, f"piece {n:02d} {'x' * 400} from <#{PAY}> by dec {10 + n % 5}")
    cmd(slack, bot, "", command="/digest")
    cmd(slack, bot, "", user="U0CAROL", channel=PAY, command="/digest")
    for channel, heading in ((APOLLO, "*We wait on (12)*"), (PAY, "*Asked of us (12)*")):
        [post] = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == channel
                  and c.args["text"].startswith("Stand-up digest")]
        assert post.response["ok"]  # the sandbox checks every Block Kit limit
        [section] = [b["text"]["text"] for b in post.args["blocks"] if "*Dependencies*" in b.get("text", {}).get("text", "")]
        assert heading in section and len(section) <= 3000 and section.count("• ") == 5
        assert "_…and 7 more_" in section
