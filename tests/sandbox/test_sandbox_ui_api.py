"""The browser UI's JSON API: each gesture reaches the bot as Slack's signed request, what the bot answers
is applied as Slack applies it, and each member sees only what Slack would show them."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from sandbox.client import sign
from sandbox.ui_http import BadRequest, parse_advance
from tests.sandbox.conftest import SECRET

MANIFEST = {
    "display_information": {"name": "tpmbot"},
    "features": {"slash_commands": [{"command": "/blocker", "description": "blockers", "should_escape": True}],
                 "shortcuts": [{"name": "Log as blocker", "type": "message", "callback_id": "blocker.shortcut.log"}]},
    "settings": {"event_subscriptions": {"bot_events": ["app_home_opened", "message.channels"]}},
}


@pytest.fixture
def app(srv, bot_endpoint):
    srv.connect_app(bot_endpoint.url, SECRET, manifest=MANIFEST)
    return bot_endpoint


def call(srv, path, body=None, **query):
    url = srv.url + "ui/api/" + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def delivered(app, index=-1):
    request = app.received[index]
    headers = request["headers"]
    assert headers["X-Slack-Signature"] == sign(SECRET, headers["X-Slack-Request-Timestamp"], request["body"])
    if request["body"].startswith("{"):
        return json.loads(request["body"])
    fields = dict(urllib.parse.parse_qsl(request["body"]))
    return json.loads(fields["payload"]) if "payload" in fields else fields


def test_a_slash_command_is_signed_escaped_and_its_ack_text_is_an_ephemeral_for_that_member_only(srv, app):
    app.answer = {"text": "Logged blocker B-1"}
    status, outcome = call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO",
                                         "text": "/blocker keys missing @dieter in #general"})
    assert status == 200 and outcome["ok"]
    fields = delivered(app)
    assert (fields["command"], fields["user_id"], fields["channel_id"]) == ("/blocker", "U0ALICE", "C0APOLLO")
    assert fields["text"] == "keys missing <@U0DIETER|dieter> in <#C0GENERAL|general>"
    _, alice = call(srv, "state", user="U0ALICE", channel="C0APOLLO")
    [ephemeral] = alice["conversation"]["messages"]
    assert ephemeral["text"] == "Logged blocker B-1" and ephemeral["only_visible_to_you"]
    _, bob = call(srv, "state", user="U0BOB", channel="C0APOLLO")
    assert bob["conversation"]["messages"] == []
    assert [c["command"] for c in alice["commands"]] == ["/blocker"]


def test_unknown_commands_stay_in_the_sandbox_and_messages_reach_only_subscribed_channels(srv, app, ws):
    _, outcome = call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO", "text": "/nope"})
    assert not outcome["ok"] and app.received == []
    call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO", "text": "hello @bob"})
    event = delivered(app)["event"]
    assert (event["type"], event["channel_type"], event["text"]) == ("message", "channel", "hello <@U0BOB>")
    ws.add_bot_to("C0LEADERS")  # private: the manifest has no message.groups, so no event
    call(srv, "send", {"user": "U0ALICE", "channel": "C0LEADERS", "text": "leaders only"})
    assert len(app.received) == 1 and ws.messages("C0LEADERS")[-1]["text"] == "leaders only"


def test_private_channels_are_for_their_members(srv, app):
    _, dieter = call(srv, "state", user="U0DIETER", channel="C0GENERAL")
    assert "leadership" not in [c["name"] for c in dieter["channels"]]
    status, body = call(srv, "send", {"user": "U0DIETER", "channel": "C0LEADERS", "text": "hi"})
    assert status == 400 and "not in #leadership" in body["error"]


def test_another_members_dm_and_a_private_channel_read_as_empty(srv, app, ws):
    ws.add_message("C0LEADERS", user="U0CAROL", text="budget talk")
    ws.add_message(ws.open_dm("U0ALICE")["id"], text="your card", as_bot=True)
    _, alice = call(srv, "state", user="U0ALICE", channel="D0ALICE")
    assert [m["text"] for m in alice["conversation"]["messages"]] == ["your card"]
    _, bob = call(srv, "state", user="U0BOB", channel="D0ALICE")  # the page asked with the old member's DM
    assert bob["conversation"]["messages"] == []
    _, dieter = call(srv, "state", user="U0DIETER", channel="C0LEADERS")
    assert dieter["conversation"]["messages"] == []
    _, carol = call(srv, "state", user="U0CAROL", channel="C0LEADERS")
    assert [m["text"] for m in carol["conversation"]["messages"]] == ["budget talk"]


def test_a_channel_created_while_the_page_is_open_is_announced(srv, ws):
    before = ws.version
    ws.add_channel("C0PAY", "payments", members=["U0CAROL"])
    assert ws.version > before
    _, carol = call(srv, "state", user="U0CAROL", channel="C0PAY")
    assert "payments" in [c["name"] for c in carol["channels"]]


def test_modal_errors_keep_the_modal_then_a_plain_ack_closes_it(srv, app, ws):
    view = ws.store_view({"id": "V0TEST", "type": "modal", "callback_id": "x", "blocks": [],
                          "root_view_id": "V0TEST", "previous_view_id": None, "hash": "1"}, "U0ALICE")
    app.answer = {"response_action": "errors", "errors": {"title": "Say what is blocked."}}
    values = {"title": {"input": {"type": "plain_text_input", "value": ""}}}
    _, outcome = call(srv, "view/submit", {"user": "U0ALICE", "view_id": view["id"], "values": values})
    assert outcome == {"ok": False, "notice": None, "errors": {"title": "Say what is blocked."}}
    assert delivered(app)["view"]["state"]["values"] == values
    _, alice = call(srv, "state", user="U0ALICE")
    assert [m["id"] for m in alice["modals"]] == ["V0TEST"]
    app.answer = None
    _, outcome = call(srv, "view/submit", {"user": "U0ALICE", "view_id": view["id"], "values": values})
    assert outcome["ok"] and call(srv, "state", user="U0ALICE")[1]["modals"] == []
    status, _ = call(srv, "view/submit", {"user": "U0BOB", "view_id": "V0TEST", "values": {}})
    assert status == 400


def test_a_button_in_a_message_and_a_shortcut_carry_the_message_and_a_response_url(srv, app, ws):
    message = ws.add_message("C0APOLLO", as_bot=True, text="B-1", blocks=[
        {"type": "actions", "block_id": "b", "elements": [{"type": "button", "action_id": "resolve", "value": "1",
                                                          "text": {"type": "plain_text", "text": "Resolve"}}]}])
    call(srv, "action", {"user": "U0BOB", "channel": "C0APOLLO", "ts": message["ts"],
                         "action": {"action_id": "resolve", "block_id": "b", "type": "button", "value": "1"}})
    payload = delivered(app)
    assert payload["type"] == "block_actions" and payload["message"]["ts"] == message["ts"]
    assert payload["actions"][0]["value"] == "1" and payload["user"]["id"] == "U0BOB"
    assert payload["response_url"].startswith(srv.url + "response/")
    call(srv, "shortcut", {"user": "U0BOB", "callback_id": "blocker.shortcut.log", "channel": "C0APOLLO",
                           "ts": message["ts"]})
    shortcut = delivered(app)
    assert (shortcut["type"], shortcut["callback_id"]) == ("message_action", "blocker.shortcut.log")
    status, _ = call(srv, "shortcut", {"user": "U0BOB", "callback_id": "not.in.manifest", "channel": "C0APOLLO",
                                       "ts": message["ts"]})
    assert status == 400


def test_an_app_that_is_down_did_not_respond(srv, ws):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/slack/events"
    srv.connect_app(dead, SECRET, manifest=MANIFEST)
    _, outcome = call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO", "text": "/blocker x"})
    assert not outcome["ok"] and "tpmbot did not respond" in outcome["notice"]
    [notice] = ws.ephemerals("C0APOLLO", "U0ALICE")
    assert notice["source"] == "sandbox"
    _, alice = call(srv, "state", user="U0ALICE", channel="C0APOLLO")
    assert alice["conversation"]["messages"][0]["from_sandbox"]


def test_live_updates_announce_each_change(srv, ws):
    with urllib.request.urlopen(srv.url + "ui/api/events", timeout=5) as stream:
        first = [stream.readline() for _ in range(3)]
        assert first[0] == b"event: version\n" and first[1] == f"data: {ws.version}\n".encode()
        ws.add_message("C0GENERAL", user="U0BOB", text="hi")
        assert [stream.readline() for _ in range(2)] == [b"event: version\n", f"data: {ws.version}\n".encode()]


def test_the_page_and_its_files_are_served_and_nothing_else(srv):
    with urllib.request.urlopen(srv.url, timeout=5) as page:
        assert b"/ui/static/app.js" in page.read()
    for path in ("ui/static/../server.py", "ui/static/missing.js", "ui/api/nothing"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(srv.url + path, timeout=5)
        assert error.value.code == 404


def test_advance_requests_are_read_in_the_members_zone_and_only_forward():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert parse_advance({"minutes": 90}, now) == now + timedelta(minutes=90)
    assert parse_advance({"to": "2026-12-01T09:30", "tz": "America/Los_Angeles"}, now) == datetime(
        2026, 12, 1, 17, 30, tzinfo=timezone.utc)
    for bad in ({"to": "2026-12-01T08:00", "tz": "UTC"}, {"minutes": 60 * 24 * 40}, {"to": "soon"},
                {"to": "2026-12-02T09:00", "tz": "Mars/Olympus"}, {"minutes": "x"}):
        with pytest.raises(BadRequest):
            parse_advance(bad, now)


def test_the_clock_control_calls_the_app_with_the_instant(srv, app, ws):
    status, body = call(srv, "clock", {"user": "U0ALICE", "minutes": 30})
    assert status == 400 and "cannot be moved" in body["error"]
    asked = []
    srv.ui.clock_control = lambda at: asked.append(at) or {"ran": 3, "steps": 1}
    status, body = call(srv, "clock", {"user": "U0ALICE", "to": "2024-11-25T10:00", "tz": "Europe/London"})
    assert status == 200 and body["ran"] == 3 and asked == [datetime(2024, 11, 25, 10, 0, tzinfo=timezone.utc)]


def test_a_failure_behind_a_gesture_is_reported_and_the_sandbox_keeps_serving(srv, app):
    def broken(at):
        raise RuntimeError("database is locked")

    srv.ui.clock_control = broken
    status, body = call(srv, "clock", {"user": "U0ALICE", "minutes": 5})
    assert status == 500 and "database is locked" in body["error"]
    assert call(srv, "state", user="U0ALICE")[0] == 200


def test_advance_to_without_a_zone_is_read_on_the_acting_members_clock(srv, app, ws):
    asked = []
    srv.ui.clock_control = lambda at: asked.append(at) or {"ran": 0, "steps": 0}
    status, _ = call(srv, "clock", {"user": "U0KENJI", "to": "2024-11-25T19:00"})  # Kenji is in Tokyo
    assert status == 200 and asked == [datetime(2024, 11, 25, 10, 0, tzinfo=timezone.utc)]
    status, body = call(srv, "clock", {"user": "U0NOBODY", "to": "2024-11-25T19:00"})
    assert status == 400 and "no member U0NOBODY" in body["error"]
