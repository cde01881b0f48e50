"""Rate limits, injected faults and response_url lifetimes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator


def post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_rate_limit_429_and_retry_handler_recovers(srv, web, ws):
    srv.set_rate_limit(enabled=True, per_channel_per_second=1)
    web.chat_postMessage(channel="C0APOLLO", text="one")
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C0APOLLO", text="two")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert info.value.response["error"] == "ratelimited"
    web.chat_postMessage(channel="C0GENERAL", text="other channel is fine")
    patient = WebClient(token="xoxb-test", base_url=srv.api_url,
                        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    assert patient.chat_postMessage(channel="C0APOLLO", text="three")["ok"]
    assert [m["text"] for m in ws.messages("C0APOLLO")] == ["one", "three"]
    assert [c.status for c in srv.calls_to("chat.postMessage")][-2:] == [429, 200]


def test_injected_500_then_success(srv, ws):
    srv.inject_faults(method="chat.postMessage", status=500, count=1)
    retrying = WebClient(token="xoxb-test", base_url=srv.api_url, retry_handlers=[
        ServerErrorRetryHandler(max_retry_count=1,
                                interval_calculator=FixedValueRetryIntervalCalculator(0.0))])
    assert retrying.chat_postMessage(channel="C0APOLLO", text="eventually")["ok"]
    assert [c.status for c in srv.calls_to("chat.postMessage")] == [500, 200]
    assert len(ws.messages("C0APOLLO")) == 1


def test_injected_faults_any_method_and_clear(srv, web):
    srv.inject_faults(status=503)
    with pytest.raises(SlackApiError) as info:
        web.auth_test()
    assert info.value.response.status_code == 503
    srv.clear_faults()
    assert web.auth_test()["ok"]
    srv.inject_faults(method="auth.test", status=429, count=1)
    with pytest.raises(SlackApiError) as info:
        web.auth_test()
    assert info.value.response.headers["Retry-After"] == "1"


def test_probabilistic_faults_are_reproducible(srv, web):
    def pattern():
        outcomes = []
        for _ in range(12):
            try:
                outcomes.append(web.auth_test()["ok"])
            except SlackApiError:
                outcomes.append(False)
        return outcomes

    srv.inject_faults(method="auth.test", status=500, probability=0.5, seed=7)
    first = pattern()
    srv.clear_faults()
    srv.inject_faults(method="auth.test", status=500, probability=0.5, seed=7)
    assert pattern() == first and True in first and False in first


def test_timeout_fault_drops_the_connection(srv):
    srv.inject_faults(method="auth.test", status="timeout", count=1)
    bare = WebClient(token="xoxb-test", base_url=srv.api_url, retry_handlers=[])
    with pytest.raises(Exception):
        bare.auth_test()
    assert bare.auth_test()["ok"]
    assert [c.status for c in srv.calls_to("auth.test")] == [0, 200]


def test_response_url_ephemeral_in_channel_and_five_uses(srv, ws):
    url = srv.new_response_url("C0APOLLO", "U0BOB")
    assert post_json(url, {"text": "just you"}) == (200, {"ok": True})
    assert [e["text"] for e in ws.ephemerals("C0APOLLO", "U0BOB")] == ["just you"]
    assert ws.ephemerals()[0]["source"] == "response_url"
    assert post_json(url, {"text": "everyone", "response_type": "in_channel"})[0] == 200
    assert [m["text"] for m in ws.messages("C0APOLLO")] == ["everyone"]
    for _ in range(3):
        assert post_json(url, {"text": "more"})[0] == 200
    assert post_json(url, {"text": "sixth"}) == (404, {"ok": False, "error": "used_url"})
    assert [c.status for c in srv.calls_to("response_url")] == [200] * 5 + [404]


def test_response_url_expires_after_30_minutes(srv, clock):
    url = srv.new_response_url("C0APOLLO", "U0BOB")
    clock.advance(minutes=30, seconds=1)
    assert post_json(url, {"text": "late"}) == (404, {"ok": False, "error": "expired_url"})


def test_response_url_replace_and_delete_original(srv, web, ws):
    posted = web.chat_postMessage(channel="C0APOLLO", text="Approve?")
    url = srv.new_response_url("C0APOLLO", "U0BOB", message_ts=posted["ts"])
    assert post_json(url, {"text": "Approved", "replace_original": True})[0] == 200
    assert ws.messages("C0APOLLO")[0]["text"] == "Approved"
    assert post_json(url, {"delete_original": True})[0] == 200
    assert ws.messages("C0APOLLO") == []
    bad = post_json(srv.new_response_url("C0APOLLO", "U0BOB"),
                    {"text": "t", "blocks": [{"type": "bogus"}]})
    assert bad[0] == 400 and bad[1]["error"] == "invalid_blocks"


def test_server_settings_and_restart(ws):
    from sandbox.server import SandboxServer

    srv = SandboxServer(ws)
    srv.start()
    try:
        assert srv._httpd.request_queue_size >= 128 and srv._httpd.daemon_threads
        assert srv.api_url.startswith("http://127.0.0.1:") and srv.api_url.endswith("/api/")
    finally:
        srv.stop()
    srv.stop()  # idempotent
