"""Change requests through signed Slack payloads: `/change` one-liner and modal, the request sent to each
approver by DM, Approve / Reject (with a reason) / Ask (posted in the request's thread), the decision under
each approval policy, the approved change applied once (the milestone moves and is rebaselined, with the
request's key in its slip history) however often Approve is pressed or its payload re-sent, the informed
told, and bad input refused with nothing stored."""

import json

from sqlmodel import select

from sandbox import payloads
from sandbox import state_values as sv
from storage.raid_models import Item

APPROVE, REJECT, ASK = "change.request.approve", "change.request.reject", "change.request.ask"
ST = "tpm.stakeholders."
ST_INPUT = "tpm.stakeholders.input"


def run(slack, bot, text, user="U0ALICE", command="/change"):
    assert slack.command(command, text, user=user, channel="C0APOLLO").status == 200
    bot.wait_idle()


def reply(workspace, user="U0ALICE"):
    return workspace.ephemerals(user=user)[-1]["text"]


def records(deps, kind="change"):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == kind).order_by(Item.number)).all()


def set_stakeholders(slack, bot, workspace, approvers, approval="all", informed=(), channels=(), schedule=False):
    run(slack, bot, "stakeholders", command="/tpm")
    view = workspace.latest_view("U0ALICE", callback_id="tpm.stakeholders.modal")
    values = {ST + "sponsor": {ST_INPUT: sv.users_select(None)},
              ST + "approvers": {ST_INPUT: sv.multi_users_select(approvers)},
              ST + "approval": {ST_INPUT: sv.static_select(approval)},
              ST + "consulted": {ST_INPUT: sv.multi_users_select([])},
              ST + "informed_people": {ST_INPUT: sv.multi_users_select(informed)},
              ST + "informed_channels": {ST_INPUT: {"type": "multi_conversations_select",
                                                     "selected_conversations": list(channels)}},
              ST + "schedule": {ST_INPUT: sv.checkboxes(["needs_approval"] if schedule else [])}}
    assert slack.view_submission(view, values, user="U0ALICE").status == 200
    bot.wait_idle()


def dms(sandbox, user):
    return [c.args for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == user]


def press(slack, bot, action_id, item, user):
    assert slack.block_action(action_id, value=str(item.id), user=user).status == 200
    bot.wait_idle()


def approve_payload(slack, item, user):
    entry = payloads.action(APPROVE, str(item.id), None, "button", payloads.action_ts(slack.ws))
    return payloads.block_actions(slack.ws, [entry], user, slack.ws.new_trigger_id(user), channel="C0APOLLO",
                                  response_url=slack._response_url("C0APOLLO", user))


def test_a_change_goes_to_every_approver_and_applies_once_when_all_approve(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Beta in the app store due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB", "U0SOFIA"], "all", informed=["U0JAMES"],
                     channels=["C0GENERAL"])
    run(slack, bot, "push beta for the SDK <!channel> M-1 to jan 8 cost:12000")
    [cr] = records(deps)
    assert (cr.key, cr.owner_id, cr.status) == ("CR-1", "U0ALICE", "open")
    assert cr.title == "push beta for the SDK <!channel>"  # stored plain
    assert cr.details["moves"] == [{"key": "M-1", "to": "2027-01-08"}] and cr.details["type"] == "schedule"
    assert cr.details["approvers"] == ["U0BOB", "U0SOFIA"] and cr.details["cost"] == "12000"
    assert "Logged change request *CR-1*" in reply(workspace) and "sent to <@U0BOB>, <@U0SOFIA>" in reply(workspace)
    for approver in ("U0BOB", "U0SOFIA"):
        [dm] = dms(sandbox, approver)
        shown = json.dumps(dm["blocks"])
        assert APPROVE in shown and REJECT in shown and ASK in shown and "&lt;!channel&gt;" in shown
        assert "<!channel>" not in dm["text"] + shown

    press(slack, bot, APPROVE, cr, "U0BOB")
    assert "You approved CR-1. Still waiting on <@U0SOFIA>" in reply(workspace, "U0BOB")
    [milestone] = records(deps, "milestone")
    assert milestone.details["forecast"] == "2026-12-15"  # not yet: all must approve
    press(slack, bot, APPROVE, cr, "U0BOB")
    assert "You already approved CR-1" in reply(workspace, "U0BOB")
    press(slack, bot, APPROVE, cr, "U0KENJI")
    assert "Only CR-1's approvers" in reply(workspace, "U0KENJI") and "<@U0BOB>, <@U0SOFIA>" in reply(workspace, "U0KENJI")

    # Sofia's approval decides it; its payload re-sent by Slack and a second press change nothing more.
    payload = approve_payload(slack, cr, "U0SOFIA")
    assert slack.interactive(payload).status == 200
    bot.wait_idle()
    assert slack.interactive(payload, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status == 200
    bot.wait_idle()
    press(slack, bot, APPROVE, cr, "U0SOFIA")
    assert "CR-1 is already approved" in reply(workspace, "U0SOFIA")

    [cr] = records(deps)
    assert cr.status == "approved" and [v["by"] for v in cr.details["votes"]] == ["U0BOB", "U0SOFIA"]
    [milestone] = records(deps, "milestone")
    assert (milestone.details["baseline"], milestone.details["forecast"]) == ("2027-01-08", "2027-01-08")
    [slip] = milestone.details["slips"]
    assert (slip["from"], slip["to"], slip["via"]) == ("2026-12-15", "2027-01-08", "CR-1")
    assert [b["via"] for b in milestone.details["baselines"]] == ["CR-1"]
    # The canonical message shows the decision trail; the requester and the informed are told once.
    update = [c for c in sandbox.calls_to("chat.update") if c.args.get("ts") == cr.message_ts][-1]
    trail = json.dumps(update.args["blocks"])
    assert "<@U0BOB> approved" in trail and "<@U0SOFIA> approved" in trail and "Approved" in trail
    for told in ("U0ALICE", "U0JAMES", "C0GENERAL"):
        [notice] = [m for m in dms(sandbox, told) if "was approved" in m["text"]]
        assert "approved by <@U0BOB>, <@U0SOFIA>" in notice["text"] and "M-1 to" in notice["text"]
        assert "&lt;!channel&gt;" in notice["text"]


def test_any_one_approver_or_a_majority_decides(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Launch due dec 20", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB", "U0SOFIA"], "any")
    run(slack, bot, "add the receipts screen type:scope")
    [first] = records(deps)
    press(slack, bot, APPROVE, first, "U0SOFIA")
    assert records(deps)[0].status == "approved" and "CR-1 is approved" in reply(workspace, "U0SOFIA")

    set_stakeholders(slack, bot, workspace, ["U0BOB", "U0SOFIA", "U0PRIYA"], "majority")
    run(slack, bot, "launch later M-1 to jan 15")
    second = records(deps)[1]
    assert second.details["policy"] == "majority"
    press(slack, bot, APPROVE, second, "U0BOB")
    reject(slack, bot, workspace, second, "U0SOFIA", "too late for marketing")
    assert records(deps)[1].status == "open"  # 1 of 3 approve, 1 rejects: a majority can still approve
    assert records(deps, "milestone")[0].details["forecast"] == "2026-12-20"
    press(slack, bot, APPROVE, second, "U0PRIYA")
    assert records(deps)[1].status == "approved"
    assert records(deps, "milestone")[0].details["forecast"] == "2027-01-15"

    run(slack, bot, "hire two contractors type:resources cost:$40k")
    third = records(deps)[2]
    reject(slack, bot, workspace, third, "U0BOB", "no budget")
    reject(slack, bot, workspace, third, "U0PRIYA", "not now")
    assert records(deps)[2].status == "rejected"  # two of three reject: approval can no longer come


def reject(slack, bot, workspace, item, user, reason):
    press(slack, bot, REJECT, item, user)
    view = workspace.latest_view(user, callback_id="change.reject.modal")
    assert view is not None
    response = slack.view_submission(view, {"change.reject.reason": {"change.modal.text": sv.plain_text(reason)}},
                                     user=user)
    bot.wait_idle()
    return response


def test_a_rejection_needs_its_reason_and_tells_the_requester(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB"], "all", informed=["U0JAMES"])
    run(slack, bot, "slip beta M-1 to jan 8")
    [cr] = records(deps)
    empty = reject(slack, bot, workspace, cr, "U0BOB", "   ")
    assert empty.json["response_action"] == "errors" and records(deps)[0].status == "open"
    reject(slack, bot, workspace, cr, "U0BOB", "the launch date is fixed <!channel>")
    [cr] = records(deps)
    assert cr.status == "rejected" and cr.close_note == "the launch date is fixed <!channel>"
    assert records(deps, "milestone")[0].details["forecast"] == "2026-12-15"  # nothing applied
    [notice] = [m for m in dms(sandbox, "U0ALICE") if "was rejected" in m["text"]]
    assert "rejected by <@U0BOB> — the launch date is fixed &lt;!channel&gt;" in notice["text"]
    assert [m for m in dms(sandbox, "U0JAMES") if "was rejected" in m["text"]]
    assert "CR-1 is rejected" in dms(sandbox, "U0BOB")[-1]["text"]
    press(slack, bot, REJECT, cr, "U0BOB")
    assert "already" in reply(workspace, "U0BOB")


def test_ask_posts_the_question_in_the_request_s_thread(slack, bot, deps, workspace, sandbox):
    set_stakeholders(slack, bot, workspace, ["U0BOB"])
    run(slack, bot, "drop the offline mode type:scope")
    [cr] = records(deps)
    assert cr.message_ts
    press(slack, bot, ASK, cr, "U0KENJI")
    assert "Only CR-1's approvers" in reply(workspace, "U0KENJI")
    press(slack, bot, ASK, cr, "U0BOB")
    view = workspace.latest_view("U0BOB", callback_id="change.ask.modal")
    slack.view_submission(view, {"change.ask.question": {"change.modal.text": sv.plain_text("Who uses it today?")}},
                          user="U0BOB")
    bot.wait_idle()
    [asked] = [c.args for c in sandbox.calls_to("chat.postMessage") if "Who uses it today?" in c.args["text"]]
    assert asked["channel"] == cr.message_channel and asked["thread_ts"] == cr.message_ts
    assert "<@U0BOB> asks <@U0ALICE>" in asked["text"]
    [cr] = records(deps)
    assert cr.status == "open" and cr.details["questions"][0]["text"] == "Who uses it today?"


def test_the_modal_creates_a_change_request_and_refuses_half_filled_milestones(slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB"])
    run(slack, bot, "")
    view = workspace.latest_view("U0ALICE", callback_id="change.new.modal")
    options = [b for b in view["blocks"] if b.get("block_id") == "change.new.milestone"][0]["element"]["options"]
    assert [o["value"] for o in options] == ["M-1"]
    inp = "change.new.input"
    half = {"change.new.title": {inp: sv.plain_text("slip beta")}, "change.new.type": {inp: sv.static_select("schedule")},
            "change.new.milestone": {inp: sv.static_select("M-1")}, "change.new.date": {inp: sv.datepicker(None)},
            "change.new.cost": {inp: sv.plain_text("")}, "change.new.scope": {inp: sv.plain_text("")}}
    response = slack.view_submission(view, half, user="U0ALICE")
    bot.wait_idle()
    assert "change.new.date" in response.json["errors"] and records(deps) == []
    full = {**half, "change.new.date": {inp: sv.datepicker("2027-01-08")}, "change.new.cost": {inp: sv.plain_text("5k")}}
    assert slack.view_submission(view, full, user="U0ALICE").status == 200
    bot.wait_idle()
    [cr] = records(deps)
    assert cr.details["moves"] == [{"key": "M-1", "to": "2027-01-08"}] and cr.details["cost"] == "5k"
    assert len(dms(sandbox, "U0BOB")) == 1
    press(slack, bot, APPROVE, cr, "U0BOB")
    assert records(deps, "milestone")[0].details["forecast"] == "2027-01-08"


def test_bad_input_is_refused_with_nothing_stored(slack, bot, deps, workspace):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    for text, said in [("slip it M-9 to jan 8", "There is no M-9"), ("slip it type:weird", "isn't a type of change"),
                       ("slip it cost:lots", "isn't an amount"), ("slip it M-1 to", "new date after `to`"),
                       ("slip it M-1 to someday maybe", "Dates can be like"), ("type:scope", "the text is empty")]:
        run(slack, bot, text)
        assert said in reply(workspace), text
        assert "Example: `/" in reply(workspace)
    assert records(deps) == []
    run(slack, bot, "list sideways")
    assert "isn't a list filter" in reply(workspace)
    run(slack, bot, "add receipts")
    run(slack, bot, "list")
    assert "CR-1" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])


def test_where_schedule_changes_need_approval_a_move_past_the_baseline_opens_a_change_request(
        slack, bot, deps, workspace, sandbox):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB"], schedule=True)
    run(slack, bot, "move M-1 dec 10 reason: we are ahead", command="/milestone")  # earlier: no approval needed
    assert records(deps, "milestone")[0].details["forecast"] == "2026-12-10" and records(deps) == []
    run(slack, bot, "move M-1 jan 8 reason: the SDK beta came late", command="/milestone")
    assert "stays where it is for now" in reply(workspace) and "*CR-1*" in reply(workspace)
    [cr] = records(deps)
    assert cr.details["moves"] == [{"key": "M-1", "to": "2027-01-08"}] and "the SDK beta came late" in cr.title
    assert records(deps, "milestone")[0].details["forecast"] == "2026-12-10"
    assert len(dms(sandbox, "U0BOB")) == 1
    press(slack, bot, APPROVE, cr, "U0BOB")
    [milestone] = records(deps, "milestone")
    assert (milestone.details["forecast"], milestone.details["baseline"]) == ("2027-01-08", "2027-01-08")
    assert milestone.details["slips"][-1]["via"] == "CR-1"


def test_approvers_who_have_not_answered_are_reminded_once_by_its_decide_by_date(slack, bot, deps, sandbox, clock):
    from scheduled.tick import run_due

    def tick(at):
        clock.set(at)
        run_due(deps, at, client=bot.app.client)
        bot.wait_idle()

    set_stakeholders(slack, bot, workspace=slack.ws, approvers=["U0BOB", "U0SOFIA"])
    run(slack, bot, "drop the offline mode type:scope")
    [cr] = records(deps)
    assert cr.due_at > clock.now()
    press(slack, bot, APPROVE, cr, "U0BOB")
    tick(cr.due_at)
    tick(cr.due_at)  # a second tick at the same instant sends nothing more
    overdue = [m for m in dms(sandbox, "U0SOFIA") if "is overdue" in json.dumps(m.get("blocks"))]
    assert len(overdue) == 1 and "Change request *CR-1*" in json.dumps(overdue[0]["blocks"])
    assert not [m for m in dms(sandbox, "U0BOB") if "is overdue" in json.dumps(m.get("blocks"))]  # he answered
    assert not [m for m in dms(sandbox, "U0ALICE") if "is overdue" in json.dumps(m.get("blocks"))]


def test_a_decided_change_stays_decided(slack, bot, deps, workspace, sandbox):
    set_stakeholders(slack, bot, workspace, ["U0BOB"])
    run(slack, bot, "drop the offline mode type:scope")
    [cr] = records(deps)
    press(slack, bot, APPROVE, cr, "U0BOB")
    run(slack, bot, "reopen CR-1")
    assert records(deps)[0].status == "approved"
    last = [c for c in sandbox.calls_to("chat.update") if c.args.get("ts") == cr.message_ts][-1]
    assert "raid.message.reopen" not in json.dumps(last.args["blocks"])  # no Reopen on a decided request
    run(slack, bot, "withdraw CR-1")
    assert "already approved" in reply(workspace) and records(deps)[0].status == "approved"


def test_the_status_report_gives_change_request_cycle_time_and_approvals_this_week(slack, bot, deps, workspace,
                                                                                    sandbox, clock):
    from datetime import timedelta

    set_stakeholders(slack, bot, workspace, ["U0BOB"], "any")
    run(slack, bot, "add the receipts screen type:scope")
    run(slack, bot, "hire two contractors type:resources cost:$40k")
    first, second = records(deps)
    clock.advance(timedelta(hours=6))
    press(slack, bot, APPROVE, first, "U0BOB")
    clock.advance(timedelta(hours=6))
    reject(slack, bot, workspace, second, "U0BOB", "no budget")
    run(slack, bot, "", command="/status")
    [report] = [json.dumps(c.args["blocks"]) for c in sandbox.calls_to("chat.postMessage")
                if c.args["channel"] == "C0APOLLO" and c.args["text"].startswith("Status of")]
    assert "Change request cycle time (30 days)*\\n9.0 h over 2" in report  # 6 h and 12 h
    assert "Changes approved this week*\\n1" in report


def events_of(deps, item):
    from storage.raid_models import ItemEvent

    with deps.session() as session:
        return [(e.action, e.actor_id) for e in
                session.exec(select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id))]


def test_a_change_to_a_date_in_the_past_is_refused_with_an_example_and_nothing_stored(slack, bot, deps, workspace,
                                                                                     sandbox):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB"])
    for text in ("slip beta M-1 to yesterday", "slip beta M-1 to 2026-11-30 cost:5k"):
        run(slack, bot, text)
        said = reply(workspace)
        assert "is in the past" in said and "Example: `/change " in said, (text, said)
    run(slack, bot, "")  # the form: a date picked before today is refused under its field
    view = workspace.latest_view("U0ALICE", callback_id="change.new.modal")
    inp = "change.new.input"
    past = {"change.new.title": {inp: sv.plain_text("slip beta")}, "change.new.type": {inp: sv.static_select("schedule")},
            "change.new.milestone": {inp: sv.static_select("M-1")}, "change.new.date": {inp: sv.datepicker("2026-11-30")},
            "change.new.cost": {inp: sv.plain_text("")}, "change.new.scope": {inp: sv.plain_text("")}}
    response = slack.view_submission(view, past, user="U0ALICE")
    bot.wait_idle()
    assert response.json["errors"] == {"change.new.date": "Pick a date in the future."}
    assert records(deps) == [] and dms(sandbox, "U0BOB") == []
    assert records(deps, "milestone")[0].details["forecast"] == "2026-12-15"


def test_approving_twice_or_without_being_an_approver_is_told_and_stores_nothing(slack, bot, deps, workspace,
                                                                                  sandbox):
    run(slack, bot, "Beta due dec 15", command="/milestone")
    set_stakeholders(slack, bot, workspace, ["U0BOB", "U0SOFIA"], "all")
    run(slack, bot, "slip beta M-1 to jan 8")
    [cr] = records(deps)
    press(slack, bot, APPROVE, cr, "U0BOB")
    [cr] = records(deps)
    before = (events_of(deps, cr), cr.details["votes"], cr.version, len(sandbox.calls_to("chat.update")),
              len(sandbox.calls_to("chat.postMessage")))

    press(slack, bot, APPROVE, cr, "U0BOB")  # twice
    said = workspace.ephemerals(user="U0BOB")[-1]
    assert said["text"].startswith(":warning: You already approved CR-1."), said["text"]
    press(slack, bot, APPROVE, cr, "U0KENJI")  # not an approver: told who can
    said = workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert "Only CR-1's approvers can approve, reject or ask about it: <@U0BOB>, <@U0SOFIA>." in said, said
    press(slack, bot, REJECT, cr, "U0KENJI")  # nor reject: no modal opens for them
    assert "Only CR-1's approvers" in workspace.ephemerals(user="U0KENJI")[-1]["text"]
    assert workspace.latest_view("U0KENJI", callback_id="change.reject.modal") is None

    [cr] = records(deps)
    assert (events_of(deps, cr), cr.details["votes"], cr.version, len(sandbox.calls_to("chat.update")),
            len(sandbox.calls_to("chat.postMessage"))) == before
    assert cr.status == "open" and records(deps, "milestone")[0].details["forecast"] == "2026-12-15"

    press(slack, bot, APPROVE, cr, "U0SOFIA")  # the second approval decides it
    [cr] = records(deps)
    decided = (events_of(deps, cr), cr.version, records(deps, "milestone")[0].version)
    press(slack, bot, APPROVE, cr, "U0SOFIA")
    assert "CR-1 is already approved: there is nothing left to decide." in workspace.ephemerals(user="U0SOFIA")[-1]["text"]
    [cr] = records(deps)
    assert (events_of(deps, cr), cr.version, records(deps, "milestone")[0].version) == decided
