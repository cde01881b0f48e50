"""Web API round trips through slack_sdk against the loopback sandbox."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def error_of(call) -> dict:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response.data


def test_auth_test_and_token_checks(srv, ws, web):
    assert web.auth_test()["user_id"] == "U0TPMBOT"
    ws.set_token("xoxb-right")
    assert error_of(lambda: web.auth_test())["error"] == "invalid_auth"
    assert error_of(lambda: WebClient(base_url=srv.api_url).auth_test())["error"] == "not_authed"
    assert WebClient(token="xoxb-right", base_url=srv.api_url).auth_test()["ok"]


def test_seed_users_carry_zones_and_offsets(web):
    kenji = web.users_info(user="U0KENJI")["user"]
    assert (kenji["tz"], kenji["tz_offset"]) == ("Asia/Tokyo", 9 * 3600)
    alice = web.users_info(user="U0ALICE")["user"]
    assert alice["tz_offset"] == -8 * 3600  # late November: PST
    assert alice["profile"]["email"] == "alice@sandbox.slack.test"
    members = web.users_list()["members"]
    zones = {m["tz"] for m in members}
    assert {"Europe/London", "Asia/Kolkata", "Australia/Sydney", "Europe/Berlin"} <= zones
    assert len(members) >= 12
    assert error_of(lambda: web.users_info(user="U0NOBODY"))["error"] == "user_not_found"
    assert web.users_lookupByEmail(email="bob@sandbox.slack.test")["user"]["id"] == "U0BOB"


def test_tz_offset_follows_the_clock_across_dst(ws, clock):
    clock.now = clock.now.replace(month=7)
    assert ws.user_info("U0ALICE")["tz_offset"] == -7 * 3600


def test_post_thread_history_and_replies(ws, web):
    first = web.chat_postMessage(channel="C0APOLLO", text="status", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Status*"}}])
    assert first["message"]["bot_id"] == ws.bot_id and first["ts"] == "1732525200.000000"
    reply = web.chat_postMessage(channel="C0APOLLO", text="detail", thread_ts=first["ts"])
    broadcast = web.chat_postMessage(channel="C0APOLLO", text="all", thread_ts=first["ts"],
                                     reply_broadcast=True)
    assert first["ts"] < reply["ts"] < broadcast["ts"]
    replies = web.conversations_replies(channel="C0APOLLO", ts=first["ts"])["messages"]
    assert [m["text"] for m in replies] == ["status", "detail", "all"]
    assert replies[0]["reply_count"] == 2
    history = web.conversations_history(channel="C0APOLLO")["messages"]
    assert [m["text"] for m in history] == ["all", "status"]
    assert [m["text"] for m in ws.messages("C0APOLLO")] == ["status", "detail", "all"]
    assert len(ws.thread("C0APOLLO", first["ts"])) == 3


def test_history_pagination(web):
    for i in range(5):
        web.chat_postMessage(channel="C0GENERAL", text=f"m{i}")
    page = web.conversations_history(channel="C0GENERAL", limit=2)
    assert [m["text"] for m in page["messages"]] == ["m4", "m3"] and page["has_more"]
    rest = web.conversations_history(channel="C0GENERAL", limit=10,
                                     cursor=page["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"]


def test_update_delete_permalink_reaction(ws, web):
    posted = web.chat_postMessage(channel="C0APOLLO", text="v1")
    updated = web.chat_update(channel="C0APOLLO", ts=posted["ts"], text="v2")
    assert updated["message"]["text"] == "v2" and "edited" in updated["message"]
    link = web.chat_getPermalink(channel="C0APOLLO", message_ts=posted["ts"])["permalink"]
    assert link == f"https://sandbox.slack.test/archives/C0APOLLO/p{posted['ts'].replace('.', '')}"
    assert web.reactions_add(channel="C0APOLLO", timestamp=posted["ts"], name="eyes")["ok"]
    again = error_of(lambda: web.reactions_add(channel="C0APOLLO", timestamp=posted["ts"],
                                               name="eyes"))
    assert again["error"] == "already_reacted"
    assert ws.messages("C0APOLLO")[0]["reactions"][0]["users"] == ["U0TPMBOT"]
    assert web.chat_delete(channel="C0APOLLO", ts=posted["ts"])["ok"]
    assert ws.messages("C0APOLLO") == []
    gone = error_of(lambda: web.chat_update(channel="C0APOLLO", ts=posted["ts"], text="x"))
    assert gone["error"] == "message_not_found"


def test_ephemeral(ws, web):
    sent = web.chat_postEphemeral(channel="C0APOLLO", user="U0BOB", text="only you")
    assert sent["message_ts"]
    assert [e["text"] for e in ws.ephemerals(user="U0BOB")] == ["only you"]
    assert ws.messages("C0APOLLO") == []
    assert len(ws.messages("C0APOLLO", include_ephemeral=True)) == 1
    outsider = error_of(lambda: web.chat_postEphemeral(channel="C0APOLLO", user="U0HANA",
                                                       text="x"))
    assert outsider["error"] == "user_not_in_channel"


def test_channel_errors(ws, web):
    assert error_of(lambda: web.chat_postMessage(channel="C0NOPE", text="x"))["error"] == \
        "channel_not_found"
    assert error_of(lambda: web.chat_postMessage(channel="C0LEADERS", text="x"))["error"] == \
        "not_in_channel"
    ws.remove_bot_from("C0APOLLO")
    assert error_of(lambda: web.chat_postMessage(channel="C0APOLLO", text="x"))["error"] == \
        "not_in_channel"
    ws.add_channel("C0OLD", "old-program", members=["U0BOB"])
    ws.archive_channel("C0OLD")
    assert error_of(lambda: web.chat_postMessage(channel="C0OLD", text="x"))["error"] == \
        "is_archived"
    with pytest.warns(UserWarning):
        assert error_of(lambda: web.chat_postMessage(channel="C0GENERAL"))["error"] == "no_text"


def test_conversations_info_members_open(ws, web):
    info = web.conversations_info(channel="C0APOLLO")["channel"]
    assert (info["name"], info["is_private"], info["is_member"]) == \
        ("program-apollo", False, True)
    assert error_of(lambda: web.conversations_info(channel="C0LEADERS"))["error"] == \
        "channel_not_found"
    ws.add_bot_to("C0LEADERS")
    assert web.conversations_info(channel="C0LEADERS")["channel"]["is_private"] is True
    pages, cursor = [], None
    while True:
        page = web.conversations_members(channel="C0GENERAL", limit=5, cursor=cursor)
        pages.append(page["members"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert [len(p) for p in pages] == [5, 5, 4]
    assert sum(pages, []) == ws.channels["C0GENERAL"]["members"]
    dm = web.conversations_open(users="U0PRIYA")["channel"]["id"]
    assert dm.startswith("D") and web.conversations_open(users="U0PRIYA")["channel"]["id"] == dm
    web.chat_postMessage(channel=dm, text="dm")
    assert [m["text"] for m in ws.messages(dm)] == ["dm"]


def test_unknown_method(web):
    assert error_of(lambda: web.api_call("nope.never"))["error"] == "unknown_method"


def test_recorded_calls(srv, web):
    web.chat_postMessage(channel="C0APOLLO", text="hello", blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}])
    calls = srv.calls_to("chat.postMessage")
    assert len(calls) == 1 and calls[0].status == 200 and calls[0].response["ok"]
    assert calls[0].args["blocks"][0]["type"] == "section" and "token" not in calls[0].args
    srv.clear_calls()
    assert srv.calls == []


def test_message_metadata_is_kept_and_returned_only_when_asked(ws, web):
    metadata = {"event_type": "tpmbot_outbound", "event_payload": {"tpmbot_outbox": "k1"}}
    posted = web.chat_postMessage(channel="C0APOLLO", text="with metadata", metadata=metadata)
    [plain] = web.conversations_history(channel="C0APOLLO")["messages"]
    assert plain["ts"] == posted["ts"] and "metadata" not in plain
    [full] = web.conversations_history(channel="C0APOLLO", include_all_metadata=True)["messages"]
    assert full["metadata"] == metadata
    bad = error_of(lambda: web.chat_postMessage(channel="C0APOLLO", text="x", metadata={"event_payload": {}}))
    assert bad["error"] == "invalid_metadata_format"


def test_a_deactivated_user_still_receives_dms_as_on_slack(ws, web):
    ws.deactivate_user("U0BOB")
    assert web.users_info(user="U0BOB")["user"]["deleted"] is True
    assert web.chat_postMessage(channel="U0BOB", text="nobody reads this")["channel"] == "D0BOB"
