"""The HTTP edge: signatures, malformed bodies, health, and the manifest's commands all answered."""

import json
import time

from sqlmodel import select

from bot.manifest import build_manifest
from storage.models import Program, ProcessedEvent


def test_signed_tpm_help_is_answered_in_the_ack(slack, bot):
    response = slack.command("/tpm", "help", user="U0ALICE", channel="C0APOLLO")
    assert response.status == 200
    header = response.json["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == "tpmbot help"
    text = json.dumps(response.json["blocks"])
    for usage in ("/tpm setup", "/tpm settings", "/tpm help"):
        assert usage in text


def test_forged_signature_is_refused_and_nothing_stored(slack, bot, deps, sandbox):
    response = slack.command("/tpm", "settings", secret="not-the-secret")
    assert response.status == 401
    bot.wait_idle()
    with deps.session() as session:
        assert session.exec(select(Program)).all() == []
    assert sandbox.calls == []


def test_stale_signature_is_refused(slack, bot):
    response = slack.command("/tpm", "help", timestamp=int(time.time()) - 301)
    assert response.status == 401


def test_malformed_bodies_get_400(slack):
    assert slack.post("this is not a slack payload", "application/x-www-form-urlencoded").status == 400
    assert slack.post("{not json", "application/json").status == 400
    assert slack.post("payload=%7Bbroken", "application/x-www-form-urlencoded").status == 400


def test_health_and_unknown_paths(bot):
    import urllib.error
    import urllib.request

    base = bot.url.removesuffix("/slack/events")
    with urllib.request.urlopen(base + "/healthz") as response:
        assert response.status == 200 and json.loads(response.read()) == {"ok": True}
    try:
        urllib.request.urlopen(base + "/nope")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected 404")


def test_url_verification_echoes_the_challenge(slack):
    response = slack.url_verification("c-123")
    assert response.status == 200 and "c-123" in response.body


def test_every_manifest_command_and_event_is_handled(slack, bot):
    manifest = build_manifest()
    for command in manifest["features"]["slash_commands"]:
        response = slack.command(command["command"], "help")
        assert response.status == 200, command
        assert response.json and response.json.get("blocks"), command
    assert slack.command("/not-ours", "help").status == 404
    deliveries = {
        "app_home_opened": lambda: slack.app_home_opened("U0ALICE"),
        "message.im": lambda: slack.message("D0ALICE", "U0ALICE", "hello"),
        "message.channels": lambda: slack.message("C0GENERAL", "U0ALICE", "hello"),
        "message.groups": lambda: slack.message("C0LEADERS", "U0ALICE", "hello"),
    }
    for event_type in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert deliveries[event_type]().status == 200, event_type
    bot.wait_idle()


def test_event_retries_are_handled_once(slack, bot, deps, sandbox):
    first = slack.app_home_opened("U0BOB", event_id="Ev0RETRY1")
    bot.wait_idle()
    again = slack.app_home_opened("U0BOB", event_id="Ev0RETRY1", retry_num=1, retry_reason="http_timeout")
    bot.wait_idle()
    assert first.status == 200 and again.status == 200
    assert len(sandbox.calls_to("views.publish")) == 1
    with deps.session() as session:
        assert [e.event_id for e in session.exec(select(ProcessedEvent))] == ["Ev0RETRY1"]


def _blockers(deps):
    from storage.raid_models import Item

    with deps.session() as session:
        return [(i.key, i.title) for i in session.exec(select(Item).where(Item.kind == "blocker").order_by(Item.number))]


def test_a_command_whose_text_says_payload_is_still_a_command(slack, bot, deps):
    response = slack.command("/blocker", "API payload too large", user="U0ALICE", channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    assert _blockers(deps) == [("B-1", "API payload too large")]


def test_a_command_from_a_channel_named_payload_is_still_a_command(slack, bot, deps, workspace):
    from sandbox.seed import APOLLO

    workspace.add_channel("C0PAYLOAD", "payload-team", members=APOLLO)
    response = slack.command("/blocker", "staging is down", user="U0ALICE", channel="C0PAYLOAD")
    assert response.status == 200
    bot.wait_idle()
    assert _blockers(deps) == [("B-1", "staging is down")]


def test_a_form_with_a_payload_field_is_interactivity_and_a_bad_one_is_refused(slack):
    from urllib.parse import urlencode

    # Neither a command nor a payload that Slack would send: refused, not guessed at.
    assert slack.post(urlencode({"payload": "[1, 2]"}), "application/x-www-form-urlencoded").status == 400
    assert slack.post(urlencode({"text": "payload", "user_id": "U0ALICE"}),
                      "application/x-www-form-urlencoded").status == 400


def test_a_timestamp_that_is_no_integer_is_refused_before_anything_else(slack, sandbox):
    for timestamp in ("abc", "1e9", "", "12.5", "-1", "0x10"):
        assert slack.command("/tpm", "help", timestamp=timestamp).status == 401, timestamp
    assert sandbox.calls == []


def test_signed_json_of_the_wrong_shape_gets_400(slack, bot, workspace, sandbox):
    from sandbox import payloads

    envelope = payloads.event_callback(workspace, payloads.app_home_opened_event(workspace, "U0ALICE"), None)
    assert slack.post(json.dumps(dict(envelope, event="app_home_opened")), "application/json").status == 400
    assert slack.post(json.dumps(dict(envelope, event=None)), "application/json").status == 400
    deep = '{"type": "event_callback", "event": ' + "[" * 50_000 + "]" * 50_000 + "}"
    assert slack.post(deep, "application/json").status == 400
    deep_form = "payload=" + "%5B" * 50_000
    assert slack.post(deep_form, "application/x-www-form-urlencoded").status == 400
    assert slack.post(json.dumps({"type": 1}), "application/json").status == 400
    bot.wait_idle()
    assert sandbox.calls == []
    assert slack.app_home_opened("U0ALICE").status == 200  # and a good one still goes through
