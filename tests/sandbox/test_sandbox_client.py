"""Signed payloads: signatures, key sets against Slack's samples, and a real Bolt round trip."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from sandbox import state_values as sv
from sandbox.client import SlackPayloadClient

SECRET = "sandbox-signing-secret"  # same as conftest.SECRET

# Top-level key sets of Slack's real payload samples (shared/slack/samples, MIT, from the public
# java-slack-sdk repository's json-logs/samples), extracted so the test needs no path outside the repo.
SAMPLE_KEYS = json.loads((Path(__file__).parent / "slack_sample_keys.json").read_text())


def sample_keys(relative: str) -> set[str]:
    return set(SAMPLE_KEYS[relative])


@pytest.fixture
def slack(bot_endpoint, ws, srv) -> SlackPayloadClient:
    return SlackPayloadClient(bot_endpoint.url, SECRET, ws, srv)


def last(bot_endpoint) -> tuple[dict, dict]:
    received = bot_endpoint.received[-1]
    body = received["body"]
    if received["headers"].get("Content-Type", "").startswith("application/json"):
        return received, json.loads(body)
    form = {k: v[0] for k, v in parse_qs(body).items()}
    return received, json.loads(form["payload"]) if "payload" in form else form


def test_signatures_verify_and_forgeries_do_not(slack, bot_endpoint):
    verifier = SignatureVerifier(SECRET)
    slack.command("/blocker", "add DB migration stuck")
    received, _ = last(bot_endpoint)
    assert verifier.is_valid_request(received["body"], received["headers"])
    for forged in ({"timestamp": int(time.time()) - 600}, {"secret": "wrong"}):
        slack.command("/blocker", **forged)
        received, _ = last(bot_endpoint)
        assert not verifier.is_valid_request(received["body"], received["headers"])


def test_slash_command_fields(slack, bot_endpoint, ws):
    slack.command("/risk", "list", user="U0BOB", channel="C0APOLLO")
    _, form = last(bot_endpoint)
    assert set(form) <= sample_keys("app-backend/slash-commands/SlashCommandPayload.json")
    assert (form["user_id"], form["channel_name"], form["team_id"]) == \
        ("U0BOB", "program-apollo", ws.team_id)
    assert "/response/" in form["response_url"] and form["trigger_id"]


def test_interactive_payload_key_sets(slack, bot_endpoint, ws, web):
    posted = web.chat_postMessage(channel="C0APOLLO", text="Blocker")
    message = ws.messages("C0APOLLO")[0]
    slack.block_action("blocker.message.resolve", "42", message=message, channel="C0APOLLO")
    _, payload = last(bot_endpoint)
    assert set(payload) <= sample_keys(
        "app-backend/interactive-components/BlockActionPayload.json")
    assert payload["container"]["message_ts"] == posted["ts"]
    assert payload["actions"][0]["value"] == "42"

    slack.message_shortcut("blocker.shortcut", message, "C0APOLLO", "U0BOB")
    _, payload = last(bot_endpoint)
    assert set(payload) <= sample_keys(
        "app-backend/interactive-components/MessageShortcutPayload.json")

    view = web.views_open(trigger_id=ws.new_trigger_id("U0BOB"), view={
        "type": "modal", "callback_id": "blocker.modal", "private_metadata": "p",
        "title": {"type": "plain_text", "text": "Blocker"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]})["view"]
    values = sv.merge(sv.state_value("title", "t", sv.plain_text("Stuck")),
                      sv.state_value("owner", "o", sv.users_select("U0KENJI")),
                      sv.state_value("due", "d", sv.datepicker("2024-12-01")))
    slack.view_submission(ws.latest_view("U0BOB", "blocker.modal"), values)
    _, payload = last(bot_endpoint)
    assert set(payload) <= sample_keys("app-backend/views/ViewSubmissionPayload.json")
    assert set(payload["view"]) <= sample_keys("app-backend/views/ViewSubmissionPayload.json#view") | {
        "blocks"}
    assert payload["view"]["private_metadata"] == "p"
    assert payload["view"]["hash"] == view["hash"]
    assert payload["view"]["state"]["values"]["owner"]["o"]["selected_user"] == "U0KENJI"
    assert ws.latest_view("U0BOB") is None  # an empty ack closes the modal

    slack.view_closed(view, "U0BOB")
    _, payload = last(bot_endpoint)
    assert set(payload) <= sample_keys("app-backend/views/ViewClosedPayload.json")


def test_event_envelopes_and_retries(slack, bot_endpoint, ws):
    slack.message("C0APOLLO", "U0BOB", "deploy is blocked")
    received, envelope = last(bot_endpoint)
    assert set(envelope) <= sample_keys("events/MessagePayload.json") | {
        "context_team_id", "context_enterprise_id"}
    event = envelope["event"]
    assert set(event) <= sample_keys("events/MessagePayload.json#event")
    assert event["channel_type"] == "channel" and envelope["event_id"].startswith("Ev")
    assert ws.messages("C0APOLLO")[0]["ts"] == event["ts"]
    slack.event(event, event_id=envelope["event_id"], retry_num=1, retry_reason="http_timeout")
    received, again = last(bot_endpoint)
    assert received["headers"]["X-Slack-Retry-Num"] == "1"
    assert again["event_id"] == envelope["event_id"]
    slack.app_home_opened("U0BOB")
    _, home = last(bot_endpoint)
    assert set(home) <= sample_keys("events/AppHomeOpenedPayload.json") | {
        "context_team_id", "context_enterprise_id"}
    assert home["event"]["type"] == "app_home_opened"
    bot_endpoint.answer = {"challenge": "abc"}
    assert slack.url_verification("abc").json == {"challenge": "abc"}


def test_state_value_helpers():
    assert sv.static_select("high")["selected_option"]["value"] == "high"
    assert sv.multi_users_select(["U1", "U2"])["selected_users"] == ["U1", "U2"]
    assert sv.conversations_select("C1")["selected_conversation"] == "C1"
    assert sv.timepicker("09:30")["selected_time"] == "09:30"
    assert [o["value"] for o in sv.checkboxes(["a", "b"])["selected_options"]] == ["a", "b"]
    assert sv.number(3)["value"] == "3"


# ---- a real Bolt app over HTTP ----------------------------------------------------------------
def serve_bolt(app: App):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            headers = {k.lower(): [v] for k, v in self.headers.items()}
            response = app.dispatch(BoltRequest(body=body, headers=headers))
            payload = (response.body or "").encode()
            self.send_response(response.status)
            for name, values in response.headers.items():
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_bolt_app_round_trip(ws, srv):
    app = App(signing_secret=SECRET, process_before_response=True,
              client=WebClient(token="xoxb-test", base_url=srv.api_url))

    @app.command("/blocker")
    def open_modal(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view={
            "type": "modal", "callback_id": "blocker.modal",
            "title": {"type": "plain_text", "text": "New blocker"},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [{"type": "input", "block_id": "title",
                        "label": {"type": "plain_text", "text": "Title"},
                        "element": {"type": "plain_text_input", "action_id": "t"}}]})

    @app.view("blocker.modal")
    def save(ack, view, client):
        ack()
        title = view["state"]["values"]["title"]["t"]["value"]
        client.chat_postMessage(channel="C0APOLLO", text=f"Blocker: {title}")

    @app.event("message")
    def reply(event, say):
        say(text="noted", thread_ts=event["ts"])

    server = serve_bolt(app)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
        slack = SlackPayloadClient(url, SECRET, ws, srv)
        assert slack.command("/blocker", user="U0ALICE").status == 200
        view = ws.latest_view("U0ALICE", callback_id="blocker.modal")
        assert view is not None
        submitted = slack.view_submission(view, sv.state_value("title", "t",
                                                               sv.plain_text("DB stuck")))
        assert submitted.status == 200
        assert [m["text"] for m in ws.messages("C0APOLLO")] == ["Blocker: DB stuck"]
        slack.message("C0APOLLO", "U0BOB", "heads up")
        parent = ws.messages("C0APOLLO")[-2]
        assert [m["text"] for m in ws.thread("C0APOLLO", parent["ts"])] == ["heads up", "noted"]
        assert slack.command("/blocker", secret="forged").status == 401
        assert slack.command("/blocker", timestamp=int(time.time()) - 400).status == 401
    finally:
        server.shutdown()
        server.server_close()
