"""`POST /integrations/github` and `POST /integrations/jira`: webhook deliveries, verified, recorded once,
then applied.

A delivery is refused with nothing stored unless its signature is the HMAC-SHA256 of the raw body under the
tracker's secret (GitHub: `X-Hub-Signature-256` with GITHUB_WEBHOOK_SECRET; Jira: `X-Hub-Signature` with
JIRA_WEBHOOK_SECRET; compared in constant time; 401), it names its delivery (`X-GitHub-Delivery`; Jira's
`X-Atlassian-Webhook-Identifier`, the same on its retries) and event (400), and its repository or project
is connected to a program (404), and what it tells of is no older than STALE_AFTER (the run's
`updated_at`, Jira's `timestamp`; 400: a signed body captured and sent again later). GitHub's `ping` is
answered and not stored. Anything else is written down with one INSERT keyed by the delivery id before it is answered
(an answer is a promise, as in bot/inbox.py): a replay of a delivery recorded before is answered 200 and
does nothing. It is then applied after the answer, on the listener pool (bot/services/builds.py), and a
delivery whose process died before applying it is applied by `apply_pending`, which `tpmbot serve` runs
with the inbox's recovery sweep."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.records import message
from bot.services import builds, trackers
from bot.web import read_body
from handlers.records.common import follow_escalation
from storage.models import Program

log = logging.getLogger(__name__)

GITHUB_PATH = "/integrations/github"
JIRA_PATH = "/integrations/jira"
MAX_BODY_BYTES = 25 << 20  # GitHub caps a delivery's payload at 25 MB
BODY_DEADLINE_SECONDS = 10.0  # GitHub waits 10 s for an answer
STALE_AFTER = timedelta(days=3)  # GitHub redelivers deliveries of the past 3 days; older is a replay
PENDING_AFTER = timedelta(minutes=2)  # a recorded delivery not applied by then was dropped by a dying process
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 413: "Payload Too Large", 503: "Service Unavailable"}


def signature_of(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_by(secret: str, body: bytes, header: str) -> bool:
    return bool(secret) and bool(header) and hmac.compare_digest(signature_of(secret, body), header.strip())


@dataclass(frozen=True)
class Source:
    """How one tracker signs, names and addresses its deliveries."""

    tracker: str
    secret: str  # the setting
    signature_header: str  # as in the WSGI environ
    delivery_header: str
    event_of: Callable[[dict, dict], str]  # (environ, document) -> the event's name
    target_of: Callable[[dict], str]  # document -> the repository or project it is about
    sent_at: Callable[[dict], datetime | None]  # document -> when what it tells of happened, if it says


def _github_sent_at(document: dict) -> datetime | None:
    run = document.get("workflow_run") if isinstance(document.get("workflow_run"), dict) else {}
    stamp = run.get("updated_at")
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) if stamp else None
    except ValueError:
        return None


def _jira_sent_at(document: dict) -> datetime | None:
    stamp = document.get("timestamp")
    return datetime.fromtimestamp(stamp / 1000, tz=timezone.utc) if isinstance(stamp, (int, float)) else None


def _github_event(environ: dict, document: dict) -> str:
    return environ.get("HTTP_X_GITHUB_EVENT", "").strip()


def _jira_event(environ: dict, document: dict) -> str:
    return str(document.get("webhookEvent") or "").strip()


def _jira_project(document: dict) -> str:
    issue = document.get("issue") or {}
    project = ((issue.get("fields") or {}).get("project") or document.get("project") or {})
    return str(project["key"])


GITHUB = Source(trackers.GITHUB, "github_webhook_secret", "HTTP_X_HUB_SIGNATURE_256", "HTTP_X_GITHUB_DELIVERY",
                _github_event, lambda document: str(document["repository"]["full_name"]), _github_sent_at)
JIRA = Source(trackers.JIRA, "jira_webhook_secret", "HTTP_X_HUB_SIGNATURE", "HTTP_X_ATLASSIAN_WEBHOOK_IDENTIFIER",
              _jira_event, _jira_project, _jira_sent_at)


class Webhook:
    """The WSGI endpoint of one tracker; ``client`` is the Slack client the blockers' messages go out through."""

    def __init__(self, deps: Deps, client: WebClient, executor: Executor, source: Source = GITHUB) -> None:
        self.deps, self.client, self.executor, self.source = deps, client, executor, source

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        status, document = self._handle(environ)
        payload = json.dumps(document).encode("utf-8")
        start_response(f"{status} {_REASONS.get(status, 'Error')}",
                       [("content-type", "application/json"), ("content-length", str(len(payload)))])
        return [payload]

    def _handle(self, environ: dict) -> tuple[int, dict]:
        if environ.get("REQUEST_METHOD") != "POST":
            return 405, {"error": "method_not_allowed"}
        source = self.source
        secret = self.deps.settings.secret(source.secret)
        if not secret:
            return 503, {"error": f"{source.secret.upper()} is not set"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, {"error": "bad_content_length"}
        if length <= 0 or length > MAX_BODY_BYTES:
            return (413, {"error": "too_large"}) if length > 0 else (400, {"error": "empty_body"})
        raw = read_body(environ, length, BODY_DEADLINE_SECONDS)
        if raw is None:
            return 408, {"error": "body_timeout"}
        if not signed_by(secret, raw, environ.get(source.signature_header, "")):
            return 401, {"error": "invalid_signature"}
        try:
            body = raw.decode("utf-8")
            document = json.loads(body)
            if not isinstance(document, dict):
                raise ValueError("not an object")
        except (UnicodeDecodeError, ValueError):
            return 400, {"error": "malformed_body"}
        delivery_id = environ.get(source.delivery_header, "").strip()
        event = source.event_of(environ, document)
        if not (0 < len(delivery_id) <= 100 and 0 < len(event) <= 64):
            return 400, {"error": "missing delivery id or event"}
        try:
            target = source.target_of(document)
        except (KeyError, TypeError, AttributeError):
            return (200, {"ok": True, "pong": True}) if event == "ping" else (400, {"error": "no repository or project"})
        sent = source.sent_at(document)
        if sent is not None and (sent.tzinfo is None or self.deps.clock.now() - sent > STALE_AFTER):
            return 400, {"error": "stale"}
        with self.deps.session() as session:
            connection = trackers.connection_to(session=session, tracker=source.tracker, target=target)
            if connection is None:
                return 404, {"error": "unknown_repository" if source is GITHUB else "unknown_project"}
            if event == "ping":
                return 200, {"ok": True, "pong": True}
            delivery_pk = trackers.record_delivery(session=session, tracker=source.tracker, delivery_id=delivery_id,
                                                   event=event, connection=connection, body=body,
                                                   now=self.deps.clock.now())
        if delivery_pk is None:
            return 200, {"ok": True, "duplicate": True}
        self.executor.submit(self.apply, delivery_pk)
        return 202, {"ok": True}

    # ---- after the answer ----------------------------------------------------------------------------

    def apply(self, delivery_pk: int) -> builds.Outcome:
        with self.deps.session() as session:
            delivery, connection = trackers.delivery(session=session, delivery_pk=delivery_pk)
        if delivery is None or connection is None or delivery.processed_at is not None:
            return builds.Outcome(None, "replayed")
        run = builds.read_workflow_run(delivery.body, connection.default_branch) \
            if delivery.event == "workflow_run" else None
        owner = self._slack_user(run.actor_email) if run is not None and run.failed else None
        now = self.deps.clock.now()
        with self.deps.session() as session:
            outcome = builds.apply_workflow_run(session=session, delivery_pk=delivery_pk, connection_id=connection.id,
                                                run=run, owner_id=owner, now=now)
            queued = None
            if outcome.item is not None:
                program = session.get(Program, outcome.item.program_id)
                queued = message.queue_sync(session=session, program=program, item=outcome.item, now=now)
                message.claim(session=session, queued=queued, now=now)
        if queued is not None:
            message.send(self.deps, self.client, outcome.item, queued)
            follow_escalation(self.client, self.deps, outcome.item, actor=None)  # a resolved one's cards end
        return outcome

    def apply_pending(self) -> int:
        """Apply the deliveries recorded but never applied (their process died); how many were."""
        with self.deps.session() as session:
            pending = trackers.unprocessed(session=session, received_before=self.deps.clock.now() - PENDING_AFTER)
        return sum(self.apply(pk).what != "replayed" for pk in pending)  # either endpoint's: a delivery is one row

    def _slack_user(self, email: str) -> str | None:
        """The Slack account with this e-mail, when there is one (scope users:read.email)."""
        if not email or "@" not in email or email.endswith("@users.noreply.github.com"):
            return None
        try:
            found = self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed (%s): the build's blocker goes to the leads",
                            error.response.get("error"))
            return None
        user = found.get("user") or {}
        return None if user.get("deleted") or user.get("is_bot") else user.get("id")
