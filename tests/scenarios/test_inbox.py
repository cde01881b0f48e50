"""The inbox through signed Slack payloads: each request is recorded before its ack and marked done after
its listener, a retry is the same request, and an abandoned one is dispatched again and answered."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web import SlackResponse

from bot.inbox import INBOX_ID, LEASE, MAX_ATTEMPTS, identify, owner_is_dead, process_owner, retry_pause
from bot.slack_client import is_transient
from sandbox import payloads
from sandbox import state_values as sv
from storage import inbox as store
from storage.models import InboundRequest
from storage.raid_models import Item

DEAD = "elsewhere:1:1"  # an owner on another host: never known dead, waits for its lease


def requests(deps) -> list[InboundRequest]:
    with deps.session() as session:
        return list(session.exec(select(InboundRequest).order_by(InboundRequest.id)))


def titles(deps) -> list[str]:
    with deps.session() as session:
        return [item.title for item in session.exec(select(Item).order_by(Item.id))]


def command_body(slack, sandbox, text: str, command: str = "/blocker", user: str = "U0ALICE") -> str:
    return urlencode(payloads.slash_command(slack.ws, command, text, user, "C0APOLLO",
                                            sandbox.new_response_url("C0APOLLO", user), slack.ws.new_trigger_id(user)))


def abandon(deps, body: str, *, owner: str = DEAD, age: timedelta = LEASE + timedelta(seconds=1),
            content_type: str = "application/x-www-form-urlencoded", mode: str = "http",
            key: str | None = None) -> int:
    """A request recorded by a process that died before finishing it, ``age`` ago."""
    document = json.loads(body) if content_type.startswith("application/json") else {}
    form = dict(part.split("=", 1) for part in body.split("&")) if not document else {}
    with deps.session() as session:
        return store.record(session=session, key=key or f"test:{hash(body)}", team_id="T0TPMBOT",
                            kind="command" if form else f"event {document.get('event', {}).get('type')}",
                            mode=mode, content_type=content_type, body=body, owner=owner,
                            now=deps.clock.now() - age, lease=LEASE)


def post(slack, body: str, content_type: str = "application/x-www-form-urlencoded", headers: dict | None = None):
    return slack.post(body, content_type, headers=headers)


def test_a_command_is_recorded_before_its_ack_and_done_after_its_listener(slack, bot, deps, workspace):
    response = slack.command("/blocker", "keys missing", user="U0ALICE", channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    [row] = requests(deps)
    assert row.kind == "command /blocker" and row.key.startswith("trigger:T0TPMBOT:")
    assert row.status == "done" and row.done_at is not None and row.attempts == 1
    assert row.body == ""  # let go of once done; the key stays for retries
    assert titles(deps) == ["keys missing"]


def test_a_listener_sees_the_request_s_inbox_id(bot, deps, slack):
    seen = []

    @bot.app.command("/inboxprobe")
    def probe(ack, context):
        ack()
        seen.append(context[INBOX_ID])

    assert slack.command("/inboxprobe", "", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    [row] = requests(deps)
    assert seen == [row.id] and row.status == "done"


def test_a_retry_of_the_same_command_is_the_same_request_and_runs_once(slack, sandbox, bot, deps):
    body = command_body(slack, sandbox, "flaky network")
    assert post(slack, body).status == 200
    bot.wait_idle()
    again = post(slack, body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert again.status == 200 and again.body == ""
    bot.wait_idle()
    assert titles(deps) == ["flaky network"]
    assert len(requests(deps)) == 1


def test_an_event_retry_maps_to_its_event_id(slack, bot, deps, sandbox):
    first = slack.app_home_opened("U0BOB", event_id="Ev0INBOX1")
    bot.wait_idle()
    again = slack.app_home_opened("U0BOB", event_id="Ev0INBOX1", retry_num=2, retry_reason="http_timeout")
    bot.wait_idle()
    assert first.status == again.status == 200
    [row] = requests(deps)
    assert row.key == "event:T0TPMBOT:Ev0INBOX1" and row.kind == "event app_home_opened" and row.status == "done"
    assert len(sandbox.calls_to("views.publish")) == 1


def test_a_command_ending_in_a_user_error_is_done(slack, bot, deps, workspace):
    assert slack.command("/blocker", "deploy blocked sev:urgent", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    assert "isn't a severity" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert [row.status for row in requests(deps)] == ["done"]


def test_a_modal_answered_with_errors_in_its_ack_is_done_at_once(slack, bot, deps, workspace):
    slack.command("/blocker", "", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()
    view = workspace.latest_view("U0ALICE", callback_id="blocker.modal")
    empty = {"raid.modal.title": {"raid.modal.input": sv.plain_text("  ")},
             "raid.modal.severity": {"raid.modal.input": sv.static_select("high")},
             "raid.modal.due": {"raid.modal.input": sv.datepicker("2026-11-01")}}
    response = slack.view_submission(view, empty, user="U0ALICE")
    assert response.json["response_action"] == "errors"
    bot.wait_idle()
    submission = [row for row in requests(deps) if row.kind == "view_submission"]
    assert [row.status for row in submission] == ["done"]


def test_an_abandoned_command_is_dispatched_again_stored_and_answered(slack, sandbox, bot, deps, workspace):
    request_id = abandon(deps, command_body(slack, sandbox, "lost in the crash"))
    report = bot.app.inbox.recover(bot.app)
    bot.wait_idle()
    assert report.replayed == 1
    assert titles(deps) == ["lost in the crash"]
    assert "Logged blocker *B-1*" in workspace.ephemerals(user="U0ALICE")[-1]["text"]  # through the response_url
    [row] = requests(deps)
    assert row.id == request_id and row.status == "done" and row.attempts == 2
    assert bot.app.inbox.recover(bot.app).replayed == 0  # done is done


def test_what_a_listener_says_in_its_ack_reaches_the_reporter_when_dispatched_again(slack, sandbox, bot, deps,
                                                                                   workspace):
    abandon(deps, command_body(slack, sandbox, "help", command="/tpm"))
    bot.app.inbox.recover(bot.app)
    bot.wait_idle()
    [answer] = [call for call in sandbox.calls_to("response_url") if "tpmbot help" in call.args.get("text", "")]
    assert answer.args["response_type"] == "ephemeral" and answer.args["blocks"] and answer.status == 200


def test_an_abandoned_event_is_handled_although_its_id_was_seen(slack, bot, deps, sandbox):
    envelope = payloads.event_callback(slack.ws, payloads.app_home_opened_event(slack.ws, "U0BOB"), "Ev0LOST")
    body = json.dumps(envelope)
    with deps.session() as session:  # the first delivery got as far as the event ledger, then died
        from storage.ledger import first_delivery

        first_delivery(session=session, event_id="Ev0LOST", now=deps.clock.now())
    abandon(deps, body, content_type="application/json", key="event:T0TPMBOT:Ev0LOST")
    assert bot.app.inbox.recover(bot.app).replayed == 1
    bot.wait_idle()
    assert len(sandbox.calls_to("views.publish")) == 1
    assert [row.status for row in requests(deps)] == ["done"]


def test_a_request_still_leased_by_a_live_or_unknown_owner_is_left_alone(slack, sandbox, bot, deps):
    abandon(deps, command_body(slack, sandbox, "in flight elsewhere"), age=timedelta(seconds=5))
    abandon(deps, command_body(slack, sandbox, "in flight here"), owner=process_owner(), age=timedelta(seconds=5))
    assert bot.app.inbox.recover(bot.app).replayed == 0
    assert titles(deps) == []


def test_a_dead_owner_s_request_is_taken_over_before_its_lease_runs_out(slack, sandbox, bot, deps):
    dead = process_owner().rsplit(":", 1)[0] + ":1"  # this host and pid, started at another time: gone
    assert owner_is_dead(dead) and not owner_is_dead(process_owner()) and not owner_is_dead(DEAD)
    abandon(deps, command_body(slack, sandbox, "worker was killed"), owner=dead, age=timedelta(seconds=1))
    assert bot.app.inbox.recover(bot.app).replayed == 1
    bot.wait_idle()
    assert titles(deps) == ["worker was killed"]


def test_a_retry_takes_over_a_request_whose_handler_died(slack, sandbox, bot, deps):
    body = command_body(slack, sandbox, "retried after a crash")
    trigger = dict(part.split("=", 1) for part in body.split("&"))["trigger_id"]
    key, _ = identify({"command": "/blocker", "trigger_id": trigger}, body, "T0TPMBOT")
    abandon(deps, body, key=key)
    assert post(slack, body, headers={"X-Slack-Retry-Num": "1"}).status == 200
    bot.wait_idle()
    assert titles(deps) == ["retried after a crash"]
    assert [(row.status, row.attempts) for row in requests(deps)] == [("done", 2)]


def test_a_request_that_keeps_failing_is_given_up(slack, sandbox, bot, deps):
    request_id = abandon(deps, command_body(slack, sandbox, "poison"))
    with deps.session() as session:
        session.get(InboundRequest, request_id).attempts = MAX_ATTEMPTS
    report = bot.app.inbox.recover(bot.app)
    assert (report.replayed, report.given_up) == (0, 1)
    [row] = requests(deps)
    assert row.status == "failed" and "gave up" in row.last_error and titles(deps) == []


@pytest.mark.parametrize("body,expected", [
    ({"command": "/blocker", "trigger_id": "1.2.abc"}, ("trigger:T1:1.2.abc", "command /blocker")),
    ({"type": "block_actions", "trigger_id": "9.9.x"}, ("trigger:T1:9.9.x", "block_actions")),
    ({"type": "shortcut", "trigger_id": "9.9.y"}, ("trigger:T1:9.9.y", "shortcut")),
    ({"type": "event_callback", "event_id": "Ev1", "event": {"type": "message"}}, ("event:T1:Ev1", "event message")),
    ({"type": "block_suggestion", "value": "x"}, None),
])
def test_what_names_a_request(body, expected):
    assert identify(body, json.dumps(body), "T1") == expected


def test_a_request_without_a_trigger_is_named_by_its_body_not_its_timestamp():
    body = {"type": "view_closed", "view": {"id": "V1"}}
    key, kind = identify(body, json.dumps(body), "T1")
    assert key.startswith("body:") and kind == "view_closed"
    assert identify(body, json.dumps(body), "T1")[0] == key  # Slack signs each retry anew: no timestamp in it


# ---- a listener that failed on Slack's side is run again, not apologised for ---------------------------

def warmed_up(slack, bot, deps, workspace) -> int:
    """Alice's timezone known (a failed look-up of hers falls back to the workspace's), and her request let go
    of: the faults below hit the owner's look-up, which can't be done without."""
    assert slack.command("/blocker", "warm-up", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    with deps.session() as session:
        for row in session.exec(select(InboundRequest)):
            session.delete(row)
        for item in session.exec(select(Item)):
            session.delete(item)
    return len(workspace.ephemerals(user="U0ALICE"))


def quick_retries(bot) -> None:
    """The client's own three retries of a 5xx, without its real-time backoff between them."""
    bot.app.client.retry_handlers = [ServerErrorRetryHandler(
        max_retry_count=3, interval_calculator=FixedValueRetryIntervalCalculator(0.0))]


def said(workspace, before: int) -> list[str]:
    """What Alice was told after the warm-up."""
    return [e["text"] for e in workspace.ephemerals(user="U0ALICE")[before:]]


def test_a_command_that_failed_because_slack_did_is_run_again_and_its_author_hears_only_the_outcome(
        slack, sandbox, bot, deps, workspace, clock):
    before = warmed_up(slack, bot, deps, workspace)
    quick_retries(bot)
    sandbox.inject_faults(method="users.info", status=500, count=4)  # past the client's own three retries
    assert slack.command("/blocker", "vendor late <@U0DIETER>", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    [row] = requests(deps)
    assert row.status == "received" and row.attempts == 1 and "500" in row.last_error
    assert row.lease_until == clock.now() + timedelta(seconds=retry_pause(1))  # anyone's, once the pause is over
    assert titles(deps) == [] and said(workspace, before) == []  # no apology: it isn't over
    assert bot.app.inbox.recover(bot.app).replayed == 0  # not before the pause is over
    clock.advance(timedelta(seconds=retry_pause(1)))
    assert bot.app.inbox.recover(bot.app).replayed == 1
    bot.wait_idle()
    assert titles(deps) == ["vendor late"]
    [told] = said(workspace, before)
    assert "Logged blocker *B-2*" in told
    [row] = requests(deps)
    assert (row.status, row.attempts) == ("done", 2)


def test_a_slack_call_that_times_out_after_the_ack_is_tried_again(slack, sandbox, bot, deps, workspace, clock):
    before = warmed_up(slack, bot, deps, workspace)
    bot.app.client.timeout = 1  # the sandbox answers after 3 s: past it
    sandbox.inject_faults(method="users.info", status="late", delay=3, count=1)
    assert slack.command("/blocker", "db slow <@U0DIETER>", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    [row] = requests(deps)
    assert row.status == "received" and "timed out" in row.last_error
    clock.advance(timedelta(seconds=retry_pause(1)))
    bot.app.inbox.recover(bot.app)
    bot.wait_idle()
    assert titles(deps) == ["db slow"]
    assert ["Logged blocker *B-2*" in text for text in said(workspace, before)] == [True]


def test_a_command_slack_keeps_failing_is_apologised_for_after_its_last_attempt(
        slack, sandbox, bot, deps, workspace, clock):
    before = warmed_up(slack, bot, deps, workspace)
    quick_retries(bot)
    sandbox.inject_faults(method="users.info", status=503)  # every call, for good
    assert slack.command("/blocker", "outage <@U0DIETER>", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    pauses = []
    for attempt in range(1, MAX_ATTEMPTS):
        [row] = requests(deps)
        assert (row.status, row.attempts) == ("received", attempt)
        assert said(workspace, before) == []
        pauses.append(row.lease_until - clock.now())
        clock.advance(row.lease_until - clock.now())
        assert bot.app.inbox.recover(bot.app).replayed == 1
        bot.wait_idle()
    assert pauses == [timedelta(seconds=retry_pause(n)) for n in range(1, MAX_ATTEMPTS)]
    assert pauses == sorted(pauses) and pauses[0] < pauses[-1]  # backing off
    [row] = requests(deps)
    assert (row.status, row.attempts) == ("done", MAX_ATTEMPTS) and titles(deps) == []
    [apology] = said(workspace, before)
    assert "nothing was changed" in apology and "Traceback" not in apology


def test_a_mistake_in_the_request_is_not_retried(slack, sandbox, bot, deps, workspace):
    assert slack.command("/blocker", "ghost owner <@U0NOBODY>", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    assert [row.status for row in requests(deps)] == ["done"]
    assert "isn't a user in this workspace" in workspace.ephemerals(user="U0ALICE")[-1]["text"]


def test_a_modal_slack_failed_to_open_is_apologised_for_at_once(slack, sandbox, bot, deps, workspace):
    quick_retries(bot)
    sandbox.inject_faults(method="views.open", status=500)  # its trigger is good for 3 s: a later try can't open it
    assert slack.command("/blocker", "", user="U0ALICE", channel="C0APOLLO").status == 200
    bot.wait_idle()
    assert "nothing was changed" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert [row.status for row in requests(deps)] == ["done"]


@pytest.mark.parametrize("error,transient", [
    (TimeoutError("The read operation timed out"), True),
    (ConnectionResetError(), True),
    (SlackApiError("", SlackResponse(client=None, http_verb="POST", api_url="", req_args={}, data={"ok": False,
     "error": "internal_error"}, headers={}, status_code=500)), True),
    (SlackApiError("", SlackResponse(client=None, http_verb="POST", api_url="", req_args={}, data={"ok": False,
     "error": "ratelimited"}, headers={}, status_code=429)), True),
    (SlackApiError("", SlackResponse(client=None, http_verb="POST", api_url="", req_args={}, data={"ok": False,
     "error": "channel_not_found"}, headers={}, status_code=200)), False),
    (ValueError("a bug"), False),
])
def test_what_counts_as_slack_failing(error, transient):
    assert is_transient(error) is transient
