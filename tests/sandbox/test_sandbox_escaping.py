"""Slack's escaping quirk, reproduced: slash-command text, message text (stored and in events) and a message
shortcut's message arrive HTML-escaped; only the mentions a person picked stay angle-bracket tokens."""

from __future__ import annotations

import json
import urllib.parse

from sandbox import payloads
from sandbox.client import SlackPayloadClient
from sandbox.escaping import escape_typed, rich_text_elements, unescape_entities
from tests.sandbox.conftest import SECRET
from tests.sandbox.test_sandbox_ui_api import MANIFEST, call, delivered


def test_escape_keeps_only_picked_user_and_channel_mentions():
    typed = "R&D <b> &amp; <!here> <!channel> <!subteam^S1|@ops> <https://x.test|x> <@U0BOB|bob> <#C0APOLLO|apollo> <@U0BOB>"
    assert escape_typed(typed) == ("R&amp;D &lt;b&gt; &amp;amp; &lt;!here&gt; &lt;!channel&gt; &lt;!subteam^S1|@ops&gt; "
                                   "&lt;https://x.test|x&gt; <@U0BOB|bob> <#C0APOLLO|apollo> <@U0BOB>")
    assert unescape_entities(escape_typed(typed)) == typed


def test_rich_text_of_a_message_is_the_plain_text_with_mention_elements():
    assert rich_text_elements("a & <@U0BOB|bob> in <#C0APOLLO>") == [
        {"type": "text", "text": "a & "}, {"type": "user", "user_id": "U0BOB"},
        {"type": "text", "text": " in "}, {"type": "channel", "channel_id": "C0APOLLO"}]
    assert rich_text_elements("") == [{"type": "text", "text": ""}]


def test_slash_command_text_is_escaped(ws):
    fields = payloads.slash_command(ws, "/blocker", "Q&A <b> by <@U0DIETER|dieter>", "U0ALICE", "C0APOLLO", "", "t")
    assert fields["text"] == "Q&amp;A &lt;b&gt; by <@U0DIETER|dieter>"


def test_a_message_is_stored_and_delivered_escaped_and_its_shortcut_carries_it(ws, bot_endpoint):
    client = SlackPayloadClient(bot_endpoint.url, SECRET, ws)
    client.message("C0APOLLO", "U0BOB", "ship <it> & <@U0ALICE|alice>")
    stored = ws.messages("C0APOLLO")[-1]
    assert stored["text"] == "ship &lt;it&gt; &amp; <@U0ALICE|alice>"
    event = json.loads(bot_endpoint.received[-1]["body"])["event"]
    assert event["text"] == stored["text"]
    assert event["blocks"][0]["elements"][0]["elements"] == [
        {"type": "text", "text": "ship <it> & "}, {"type": "user", "user_id": "U0ALICE"}]
    client.message_shortcut("blocker.shortcut.log", stored, channel="C0APOLLO", user="U0ALICE")
    fields = dict(urllib.parse.parse_qsl(bot_endpoint.received[-1]["body"]))
    assert json.loads(fields["payload"])["message"]["text"] == "ship &lt;it&gt; &amp; <@U0ALICE|alice>"
    client.app_mention("C0APOLLO", "U0BOB", "a&b")
    assert json.loads(bot_endpoint.received[-1]["body"])["event"]["text"] == "<@U0TPMBOT> a&amp;b"


def test_typed_in_the_browser_ui_commands_and_messages_arrive_escaped(srv, bot_endpoint, ws):
    srv.connect_app(bot_endpoint.url, SECRET, manifest=MANIFEST)
    call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO", "text": "/blocker <!channel> R&D keys @dieter"})
    assert delivered(bot_endpoint)["text"] == "&lt;!channel&gt; R&amp;D keys <@U0DIETER|dieter>"
    call(srv, "send", {"user": "U0ALICE", "channel": "C0APOLLO", "text": "a <b> & @bob"})
    assert delivered(bot_endpoint)["event"]["text"] == "a &lt;b&gt; &amp; <@U0BOB>"
    assert ws.messages("C0APOLLO")[-1]["text"] == "a &lt;b&gt; &amp; <@U0BOB>"
