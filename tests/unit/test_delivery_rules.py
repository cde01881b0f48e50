"""Backoff, catch-up look-back, the metadata key on outbound posts, and the scaled test clock."""

from datetime import datetime, timedelta, timezone

from bot.clock import clock_from_setting
from bot.notifier import MAX_BACKOFF, backoff
from bot.outbound_lookup import carries_key, with_outbox_key
from scheduled.tick import CATCHUP_HORIZON, TICK_WINDOW, lookback_start

T = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def test_backoff_doubles_caps_and_never_undercuts_retry_after():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert backoff(30) == MAX_BACKOFF
    assert backoff(1, retry_after=45) == timedelta(seconds=45)
    assert backoff(30, retry_after=1200) == timedelta(seconds=1200)


def test_a_tick_looks_back_to_the_previous_one_within_the_horizon():
    assert lookback_start(T, None) == T - TICK_WINDOW
    assert lookback_start(T, T - timedelta(seconds=20)) == T - TICK_WINDOW  # normal minute ticks
    assert lookback_start(T, T - timedelta(hours=3)) == T - timedelta(hours=3)  # after downtime
    assert lookback_start(T, T - timedelta(days=30)) == T - CATCHUP_HORIZON
    assert lookback_start(T, T + timedelta(hours=1)) == T - TICK_WINDOW  # `tick --at` in the past


def test_the_outbox_key_joins_existing_metadata_without_losing_it():
    plain = with_outbox_key({"channel": "C1", "text": "hi"}, "k1")
    assert plain["metadata"] == {"event_type": "tpmbot_outbound", "event_payload": {"tpmbot_outbox": "k1"}}
    prompt = {"channel": "U1", "metadata": {"event_type": "tpmbot_standup_prompt", "event_payload": {"run_id": 7}}}
    sent = with_outbox_key(prompt, "k2")
    assert sent["metadata"] == {"event_type": "tpmbot_standup_prompt",
                                "event_payload": {"run_id": 7, "tpmbot_outbox": "k2"}}
    assert prompt["metadata"]["event_payload"] == {"run_id": 7}  # the queued payload is not changed
    assert carries_key({"metadata": sent["metadata"]}, "k2") and not carries_key({"text": "x"}, "k2")


def test_the_scaled_test_clock_runs_from_its_origin_at_its_rate():
    import time

    clock = clock_from_setting(f"2026-12-01T07:59:00Z,{time.time() - 2},600")
    elapsed = clock.now() - datetime(2026, 12, 1, 7, 59, tzinfo=timezone.utc)
    assert timedelta(minutes=20) <= elapsed < timedelta(minutes=25)
