"""The inbound-text middleware: what every Bolt listener is handed (`command`, `body`, `event`, `message`,
`payload`, `view`) is the text as typed, unescaped once, NULs dropped, whichever argument it reads."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from handlers.inbound_text import inbound_text, make_plain
from sandbox import payloads
from sandbox.workspace import Workspace

TYPED = "R&D <launch> & Q&A &amp;lt; <!channel> with <@U0DIETER|dieter> in <#C0APOLLO|program-apollo>"


@pytest.fixture
def ws() -> Workspace:
    return Workspace().seed_default()


@pytest.fixture
def heard():
    return {}


@pytest.fixture
def app(heard) -> App:
    def authorize(**_):  # no auth.test call: this app never talks to Slack
        return AuthorizeResult(enterprise_id=None, team_id="T0TPMBOT", bot_token="xoxb-unit",
                               bot_user_id="U0TPMBOT", bot_id="B0TPMBOT")

    app = App(signing_secret="unit-secret", authorize=authorize, request_verification_enabled=False,
              process_before_response=True)
    app.use(inbound_text)

    @app.command("/standup")
    def on_command(ack, command, body, payload):
        ack()
        heard["command"] = (command["text"], body["text"], payload["text"])

    @app.event("message")
    def on_message(event, message, body, payload):
        heard.setdefault("message", []).append(
            (event.get("text"), message.get("text"), body["event"].get("text"), payload.get("text"),
             (event.get("message") or {}).get("text"), (event.get("previous_message") or {}).get("text")))

    @app.event("app_mention")
    def on_mention(event):
        heard["mention"] = event["text"]

    @app.shortcut("blocker.shortcut.log")
    def on_shortcut(ack, shortcut, body):
        ack()
        heard["shortcut"] = (shortcut["message"]["text"], body["message"]["text"])

    @app.view("standup.modal")
    def on_view(ack, view, body):
        ack()
        heard["view"] = (view["state"]["values"]["b"]["a"]["value"], body["view"]["state"]["values"]["b"]["a"]["value"],
                         view["state"]["values"]["d"]["a"]["selected_date"])

    return app


def form_request(fields: dict) -> BoltRequest:
    return BoltRequest(body=urlencode(fields), headers={"content-type": ["application/x-www-form-urlencoded"]})


def json_request(body: dict) -> BoltRequest:
    return BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})


def test_slash_command_text_is_unescaped_once_for_every_argument(app, heard, ws):
    fields = payloads.slash_command(ws, "/standup", TYPED + "\x00", "U0ALICE", "C0APOLLO", "", "trigger")
    assert "&amp;amp;lt;" in fields["text"] and "&lt;!channel&gt;" in fields["text"]  # as Slack sends it
    assert app.dispatch(form_request(fields)).status == 200
    assert heard["command"] == (TYPED,) * 3


def test_message_event_and_edited_message_text_are_unescaped(app, heard, ws):
    stored = ws.add_message("C0APOLLO", user="U0ALICE", text="a &amp; b &lt;x&gt;\x00")
    app.dispatch(json_request(payloads.event_callback(ws, payloads.message_event(ws, stored, "C0APOLLO"))))
    changed = {"type": "message", "subtype": "message_changed", "channel": "C0APOLLO", "ts": "2.0",
               "hidden": True, "event_ts": "2.0", "channel_type": "channel",
               "message": {"type": "message", "user": "U0ALICE", "text": "now &amp; then", "ts": "1.0"},
               "previous_message": {"type": "message", "user": "U0ALICE", "text": "R&amp;D", "ts": "1.0"}}
    app.dispatch(json_request(payloads.event_callback(ws, changed)))
    assert heard["message"][0][:4] == ("a & b <x>",) * 4
    assert heard["message"][1][4:] == ("now & then", "R&D")


def test_app_mention_text_is_unescaped(app, heard, ws):
    stored = ws.add_message("C0APOLLO", user="U0ALICE", text="<@U0TPMBOT> R&amp;D")
    app.dispatch(json_request(payloads.event_callback(ws, payloads.app_mention_event(ws, stored, "C0APOLLO"))))
    assert heard["mention"] == "<@U0TPMBOT> R&D"


def test_message_shortcut_text_is_unescaped(app, heard, ws):
    message = {"type": "message", "user": "U0KENJI", "ts": "1.000100", "text": "Q&amp;A &lt;tonight&gt;"}
    payload = payloads.message_shortcut(ws, "blocker.shortcut.log", message, "C0APOLLO", "U0ALICE", "t", "")
    app.dispatch(form_request({"payload": json.dumps(payload)}))
    assert heard["shortcut"] == ("Q&A <tonight>",) * 2


def test_view_inputs_lose_nuls_but_are_not_unescaped(app, heard, ws):
    # Slack does not escape what is typed into a modal's input: "&amp;" there was typed as such
    view = {"id": "V1", "type": "modal", "callback_id": "standup.modal", "blocks": []}
    values = {"b": {"a": {"type": "plain_text_input", "value": "a\x00b &amp; c"}},
              "d": {"a": {"type": "datepicker", "selected_date": "2026-12-04"}}}
    app.dispatch(form_request({"payload": json.dumps(payloads.view_submission(ws, view, values, "U0ALICE", "t"))}))
    assert heard["view"] == ("ab &amp; c", "ab &amp; c", "2026-12-04")


def test_make_plain_leaves_other_payloads_and_non_strings_alone():
    action = {"type": "block_actions", "actions": [{"value": "a&amp;b"}], "message": {"text": "x &amp; y"},
              "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": "n\x00ul"}}}}}
    assert make_plain(action) == {"type": "block_actions", "actions": [{"value": "a&amp;b"}],
                                  "message": {"text": "x &amp; y"},
                                  "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": "nul"}}}}}
    assert make_plain({"command": "/x", "text": None}) == {"command": "/x", "text": None}
    assert make_plain({"type": "event_callback", "event": {"type": "reaction_added", "text": "&amp;"}})["event"][
        "text"] == "&amp;"
