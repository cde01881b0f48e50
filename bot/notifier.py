"""The outbound gateway for what the bot posts on its own: drains the outbound queue, retrying
429/5xx/timeouts with backoff (honouring Retry-After), recording the posted ts, sending each
queued message once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import Deps
from storage.models import OutboundMessage
from storage.outbox import due_messages

log = logging.getLogger(__name__)

# Errors that no retry will fix: the message is set aside and the program's leads are told (later work).
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "user_not_found",
    "cannot_dm_bot", "invalid_auth", "account_inactive", "message_not_found", "cant_update_message",
    "invalid_arguments", "no_text",
})
MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=2)
MAX_BACKOFF = timedelta(minutes=10)


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    delay = min(BASE_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def drain_outbox(deps: Deps, client: WebClient, *, limit: int = 200, keys: list[str] | None = None) -> DrainReport:
    """Send every queued message that is due now (or only those with the given keys, for a listener
    that just queued them). Safe to run from several threads or processes: each message is taken in
    its own transaction (row-locked on PostgreSQL)."""
    report = DrainReport()
    for _ in range(limit):
        with deps.session() as session:
            batch = due_messages(session=session, now=deps.clock.now(), limit=1, keys=keys)
            if not batch:
                break
            _send_one(session, client, batch[0], deps, report)
    return report


def _send_one(session, client: WebClient, message: OutboundMessage, deps: Deps, report: DrainReport) -> None:
    message.attempts += 1
    try:
        response = client.api_call(message.method, json=message.payload)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        retry_after = _retry_after(exc)
        if error in PERMANENT_ERRORS or message.attempts >= MAX_ATTEMPTS:
            message.status = "dead"
            report.dead += 1
        else:
            message.next_attempt_at = deps.clock.now() + backoff(message.attempts, retry_after)
            report.retried += 1
        message.last_error = error[:500]
        log.warning("outbound %s (%s) failed: %s", message.idempotency_key, message.method, error)
    except (SlackClientError, OSError) as exc:
        message.next_attempt_at = deps.clock.now() + backoff(message.attempts)
        message.last_error = type(exc).__name__
        report.retried += 1
    else:
        message.status = "sent"
        # A DM addressed to a user id lands in a D… conversation: keep the id chat.update will need.
        message.channel = response.get("channel") or message.channel
        message.result_ts = response.get("ts") or response.get("message_ts")
        message.sent_at = deps.clock.now()
        report.sent += 1
    session.add(message)


def _retry_after(exc: SlackApiError) -> float | None:
    value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
