"""Block Kit limits and the views.* lifecycle."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from sandbox.blockkit import validate_message, validate_view


def section(text="hi", **extra):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def modal(title="Log a blocker", blocks=None, **extra):
    return {"type": "modal", "title": {"type": "plain_text", "text": title},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": blocks if blocks is not None else [section()], **extra}


def checkboxes(n):
    return {"type": "input", "label": {"type": "plain_text", "text": "Pick"},
            "element": {"type": "checkboxes", "action_id": "c", "options": [
                {"text": {"type": "plain_text", "text": f"o{i}"}, "value": f"v{i}"}
                for i in range(n)]}}


def rejected(call) -> dict:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response.data


def test_valid_message_passes():
    assert validate_message([section(), {"type": "divider"}], "fallback") == []


@pytest.mark.parametrize("blocks, text, needle", [
    ([section()] * 51, "t", "no more than 50 items"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}], "t",
     "less than 2001"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}], "t",
     "no more than 10 items"),
    ([checkboxes(11)], "t", "no more than 10 items"),
    ([section("x" * 3001)], "t", "3000"),
    ([{"type": "bogus"}], "t", "unsupported type"),
    ([section(block_id="a"), section(block_id="a")], "t", "duplicate block_id"),
    (None, "x" * 40_001, "msg_too_long"),
])
def test_message_limits(blocks, text, needle):
    errors = validate_message(blocks, text)
    assert any(needle in e for e in errors), errors


def test_view_limits():
    assert validate_view(modal()) == []
    assert any("less than 25" in e for e in validate_view(modal(title="x" * 25)))
    assert any("no more than 100" in e for e in validate_view(modal(blocks=[section()] * 101)))
    home = {"type": "home", "blocks": [section()] * 100}
    assert validate_view(home) == []
    assert validate_view({"type": "modal", "blocks": [section()]})  # no title


def test_api_rejections(web, ws):
    bad = rejected(lambda: web.chat_postMessage(channel="C0APOLLO", text="t",
                                                blocks=[section()] * 51))
    assert bad["error"] == "invalid_blocks" and bad["errors"]
    field = {"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}
    assert rejected(lambda: web.chat_postMessage(channel="C0APOLLO", text="t",
                                                 blocks=[field]))["error"] == "invalid_blocks"
    assert rejected(lambda: web.chat_postMessage(channel="C0APOLLO", text="x" * 40_001)
                    )["error"] == "msg_too_long"
    too_long = rejected(lambda: web.views_open(trigger_id=ws.new_trigger_id("U0BOB"),
                                               view=modal(title="t" * 25)))
    assert too_long["error"] == "invalid_arguments"
    assert too_long["response_metadata"]["messages"]
    eleven = rejected(lambda: web.views_open(trigger_id=ws.new_trigger_id("U0BOB"),
                                             view=modal(blocks=[checkboxes(11)])))
    assert eleven["error"] == "invalid_arguments"
    assert ws.messages("C0APOLLO") == [] and ws.views == {}


def test_trigger_expires_after_three_seconds(web, ws, clock):
    trigger = ws.new_trigger_id("U0ALICE")
    clock.advance(seconds=3.5)
    assert rejected(lambda: web.views_open(trigger_id=trigger, view=modal())
                    )["error"] == "expired_trigger_id"
    assert rejected(lambda: web.views_open(trigger_id="1.2.nope", view=modal())
                    )["error"] == "invalid_trigger_id"
    fresh = ws.new_trigger_id("U0ALICE")
    clock.advance(seconds=2.9)
    assert web.views_open(trigger_id=fresh, view=modal())["ok"]


def test_view_open_push_update_hash(web, ws):
    opened = web.views_open(trigger_id=ws.new_trigger_id("U0ALICE"),
                            view=modal(callback_id="blocker.modal", private_metadata="{}",
                                       external_id="ext-1"))["view"]
    assert opened["id"] in ws.views and opened["root_view_id"] == opened["id"]
    assert ws.latest_view("U0ALICE", callback_id="blocker.modal")["id"] == opened["id"]
    pushed = web.views_push(trigger_id=ws.new_trigger_id("U0ALICE"),
                            view=modal(title="Step 2", callback_id="step2"))["view"]
    assert pushed["previous_view_id"] == opened["id"]
    assert ws.latest_view("U0ALICE")["id"] == pushed["id"]
    updated = web.views_update(external_id="ext-1", hash=opened["hash"],
                               view=modal(title="Updated", external_id="ext-1"))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    conflict = rejected(lambda: web.views_update(view_id=opened["id"], hash=opened["hash"],
                                                 view=modal()))
    assert conflict["error"] == "hash_conflict"
    assert rejected(lambda: web.views_update(view_id="V0NOPE", view=modal())
                    )["error"] == "not_found"


def test_views_publish_home(web, ws):
    home = {"type": "home", "blocks": [section("Your programs")]}
    published = web.views_publish(user_id="U0BOB", view=home)["view"]
    assert ws.home_views["U0BOB"]["id"] == published["id"]
    again = web.views_publish(user_id="U0BOB", view=home, hash=published["hash"])["view"]
    assert again["id"] == published["id"]
    assert rejected(lambda: web.views_publish(user_id="U0BOB", view=modal())
                    )["error"] == "invalid_arguments"
