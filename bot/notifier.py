"""The outbound gateway for what the bot posts on its own: drains the outbound queue, one message at a
time, each sent once.

Each message is claimed in a short transaction (a lease, see storage/outbox.py), sent with no database
lock held, then its outcome recorded. 429s wait for Retry-After; 5xx, timeouts and dropped connections
are retried with exponential backoff, and because Slack may have posted anyway, the retry first looks
for the earlier post by its outbox key (bot/outbound_lookup.py). Errors no retry can fix mark the
message dead and tell the program's leads once (bot/delivery_failures.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import select

from bot.delivery_failures import PRIVATE_TO_PUBLIC, USER_DEACTIVATED, tell_leads
from bot.deps import Deps
from bot.outbound_lookup import find_posted, with_outbox_key
from bot.slack_client import sending_client
from bot.channel_lookup import refused_to_send
from storage.models import Member, OutboundMessage, Program
from storage.outbox import claim_next, finish
from storage.raid import RECORD_EVENT, set_message

PICTURES = "tpmbot_pictures"  # bot.roadmap_posts.PICTURES: a queued post's pictures, drawn at send time
log = logging.getLogger(__name__)

# Errors that no retry will fix: the message is set aside (and, for a channel or person, the leads told).
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "user_not_found",
    "cannot_dm_bot", "invalid_auth", "account_inactive", "message_not_found", "cant_update_message",
    "invalid_arguments", "no_text", "invalid_metadata_format", "invalid_metadata_schema", "not_authed",
    "token_revoked", USER_DEACTIVATED, PRIVATE_TO_PUBLIC,
})
MAX_AGE = timedelta(hours=6)  # transient failures are retried this long after queueing, then given up
BASE_BACKOFF = timedelta(seconds=2)
MAX_BACKOFF = timedelta(minutes=10)
LEASE = timedelta(minutes=2)  # longer than one send can take (10 s timeouts, a few lookup pages)


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    recovered: int = 0  # found already posted by an earlier, interrupted attempt


@dataclass
class Outcome:
    result: str  # sent | retry (Slack did nothing) | uncertain (Slack may have posted) | dead
    ts: str | None = None
    channel: str | None = None  # where it landed: a DM addressed to a user id lands in a D… conversation
    error: str = ""
    retry_after: float | None = None
    recovered: bool = False


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    delay = min(BASE_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def drain_outbox(deps: Deps, client: WebClient, *, limit: int = 200, keys: list[str] | None = None) -> DrainReport:
    """Send up to ``limit`` queued messages that are due now (or only those with the given keys, for a
    listener that just queued them). Safe from any number of threads and processes at once, and after a
    crash at any point."""
    report = DrainReport()
    sender = sending_client(client)
    channels: dict = {}  # conversations.info look-ups of this drain, for the destination rule
    for _ in range(limit):
        with deps.session() as session:
            claimed = claim_next(session=session, now=deps.clock.now(), lease=LEASE, keys=keys)
        if claimed is None:
            break
        message, in_flight = claimed
        outcome = _attempt(sender, deps, message, in_flight, channels)
        with deps.session() as session:
            _record(session, deps, message, outcome, report)
    return report


def send_claimed(deps: Deps, client: WebClient, claimed: list[OutboundMessage], *,
                 home: str | None = None) -> list[tuple[OutboundMessage, Outcome]]:
    """Send messages a caller claimed in the transaction that queued them (storage.outbox.claim_keys), then
    record every outcome in one transaction. ``home``: the program's own channel, when the caller knows it.
    What fails for now is retried by the drain, like any queued message."""
    sender, channels = sending_client(client), {}
    sent = [(message, _attempt(sender, deps, message, False, channels, home)) for message in claimed]
    if sent:
        report = DrainReport()
        with deps.session() as session:
            for message, outcome in sent:
                _record(session, deps, message, outcome, report)
    return sent


def _attempt(client: WebClient, deps: Deps, message: OutboundMessage, in_flight: bool,
             channels: dict | None = None, home: str | None = None) -> Outcome:
    posting = message.method == "chat.postMessage"
    try:
        refused = _refused_destination(client, deps, message, channels, home)
        if refused is None:
            return Outcome("retry", error="destination_unchecked")
        if refused:
            return Outcome("dead", error=PRIVATE_TO_PUBLIC)
        if posting and in_flight:
            found = find_posted(client, message.payload, message.idempotency_key)
            if found is not None:
                return Outcome("sent", ts=found["ts"], channel=found.get("channel"), recovered=True)
        if posting and _deactivated(deps, message):
            return Outcome("dead", error=USER_DEACTIVATED)
        payload = with_outbox_key(message.payload, message.idempotency_key) if posting else message.payload
        if PICTURES in payload:  # drawn and uploaded now, once per content (bot/roadmap_posts.py)
            from bot.roadmap_posts import resolve_pictures

            payload = resolve_pictures(client, deps, message.team_id, payload)
        response = client.api_call(message.method, json=payload)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        if error in PERMANENT_ERRORS:
            return Outcome("dead", error=error)
        if exc.response.status_code == 429 or error == "ratelimited":
            return Outcome("retry", error=error, retry_after=_retry_after(exc))
        return _look_now(client, message, Outcome("uncertain", error=error))
    except (SlackClientError, OSError) as exc:
        return _look_now(client, message, Outcome("uncertain", error=type(exc).__name__))
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the queue behind it
        log.exception("outbound %s: unexpected failure", message.idempotency_key)
        return Outcome("uncertain", error=f"{type(exc).__name__}: {exc}")
    return Outcome("sent", ts=response.get("ts") or response.get("message_ts"), channel=response.get("channel"))


def _look_now(client: WebClient, message: OutboundMessage, outcome: Outcome) -> Outcome:
    """A post answered with a 5xx, a dropped connection or a timeout may be in Slack all the same: look for
    it by its key at once, so whoever waits on this send (a listener telling its author) learns the truth
    now rather than after the backoff. Not found, or the look-up failing, leaves it uncertain: the next
    attempt looks again before it posts."""
    if message.method != "chat.postMessage":
        return outcome
    try:
        found = find_posted(client, message.payload, message.idempotency_key)
    except Exception:  # noqa: BLE001 - an unanswered question is not a "no"; the retry asks again
        return outcome
    if found is None:
        return outcome
    return Outcome("sent", ts=found["ts"], channel=found.get("channel"), recovered=True)


def _refused_destination(client: WebClient, deps: Deps, message: OutboundMessage,
                         channels: dict | None, home: str | None = None) -> bool | None:
    """The destination rule at send time (bot/services/destinations.py), for a destination chosen before
    set-up checked it: a private program's messages never go into a public channel. None: Slack did not
    say (try again later)."""
    if message.method not in ("chat.postMessage", "chat.update") or message.program_id is None:
        return False
    channel = str(message.payload.get("channel") or message.channel)
    if channel[:1] not in ("C", "G") or channel == home:
        return False  # a person or a DM, or the program's own channel
    with deps.session() as session:
        program = session.get(Program, message.program_id)
    if program is None or program.channel_id == channel:
        return False
    return refused_to_send(client, program.channel_id, channel, channels)


def _deactivated(deps: Deps, message: OutboundMessage) -> bool:
    """Slack accepts a DM to a deactivated person and nobody reads it; the member table knows."""
    if message.channel[:1] not in ("U", "W"):
        return False
    with deps.session() as session:
        return bool(session.exec(select(Member.is_deleted).where(
            Member.team_id == message.team_id, Member.user_id == message.channel)).first())


def _record(session, deps: Deps, message: OutboundMessage, outcome: Outcome, report: DrainReport) -> None:
    now = deps.clock.now()
    if outcome.result in ("retry", "uncertain") and now - message.created_at >= MAX_AGE:
        outcome.result, outcome.error = "dead", f"gave up after {message.attempts} attempts: {outcome.error}"
    if outcome.result == "sent":
        changes = {"status": "sent", "result_ts": outcome.ts, "sent_at": now, "last_error": "",
                   "channel": outcome.channel or message.channel}
    elif outcome.result == "dead":
        changes = {"status": "dead", "last_error": outcome.error[:500]}
    else:
        # "uncertain" stays in flight, so the next attempt looks before it posts again.
        changes = {"status": "pending" if outcome.result == "retry" else "sending", "last_error": outcome.error[:500],
                   "next_attempt_at": now + backoff(message.attempts, outcome.retry_after)}
    if not finish(session=session, message_id=message.id, attempt=message.attempts, **changes):
        log.warning("outbound %s: lease lost to another sender; its result stands", message.idempotency_key)
        return
    if outcome.result == "sent":
        _note_record_message(session, message, outcome)
        report.sent += 1
        report.recovered += outcome.recovered
    elif outcome.result == "dead":
        report.dead += 1
        log.warning("outbound %s (%s) failed for good: %s", message.idempotency_key, message.method, outcome.error)
        tell_leads(session=session, message=message, error=outcome.error, now=now)
    else:
        report.retried += 1
        log.info("outbound %s (%s) will retry: %s", message.idempotency_key, message.method, outcome.error)


def _note_record_message(session, message: OutboundMessage, outcome: Outcome) -> None:
    """A record's canonical message, sent late by a drain: the record learns where it is."""
    metadata = message.payload.get("metadata") or {}
    if message.method == "chat.postMessage" and metadata.get("event_type") == RECORD_EVENT and outcome.ts:
        record_id = (metadata.get("event_payload") or {}).get("record_id")
        if record_id:
            set_message(session=session, item_id=int(record_id), channel=outcome.channel or message.channel,
                        ts=outcome.ts)


def _retry_after(exc: SlackApiError) -> float | None:
    value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
