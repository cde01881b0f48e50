"""`POST /integrations/github`: GitHub's webhook deliveries, verified, recorded once, then applied.

A delivery is refused with nothing stored unless its `X-Hub-Signature-256` is the HMAC-SHA256 of the raw
body under GITHUB_WEBHOOK_SECRET (compared in constant time; 401), it names its `X-GitHub-Delivery` and
`X-GitHub-Event` (400), and its repository is connected to a program (404). GitHub's `ping` is answered and
not stored. Anything else is written down with one INSERT keyed by the delivery id before it is answered
(an answer is a promise, as in bot/inbox.py): a replay of a delivery recorded before is answered 200 and
does nothing. It is then applied after the answer, on the listener pool (bot/services/builds.py), and a
delivery whose process died before applying it is applied by `apply_pending`, which `tpmbot serve` runs
with the inbox's recovery sweep."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from concurrent.futures import Executor
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.records import message
from bot.services import builds, trackers
from bot.web import read_body
from storage.models import Program

log = logging.getLogger(__name__)

GITHUB_PATH = "/integrations/github"
MAX_BODY_BYTES = 25 << 20  # GitHub caps a delivery's payload at 25 MB
BODY_DEADLINE_SECONDS = 10.0  # GitHub waits 10 s for an answer
PENDING_AFTER = timedelta(minutes=2)  # a recorded delivery not applied by then was dropped by a dying process
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 413: "Payload Too Large", 503: "Service Unavailable"}


def signature_of(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_by(secret: str, body: bytes, header: str) -> bool:
    return bool(secret) and bool(header) and hmac.compare_digest(signature_of(secret, body), header.strip())


class GitHubWebhook:
    """The WSGI endpoint; ``client`` is the Slack client the blockers' messages go out through."""

    def __init__(self, deps: Deps, client: WebClient, executor: Executor) -> None:
        self.deps, self.client, self.executor = deps, client, executor

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        status, document = self._handle(environ)
        payload = json.dumps(document).encode("utf-8")
        start_response(f"{status} {_REASONS.get(status, 'Error')}",
                       [("content-type", "application/json"), ("content-length", str(len(payload)))])
        return [payload]

    def _handle(self, environ: dict) -> tuple[int, dict]:
        if environ.get("REQUEST_METHOD") != "POST":
            return 405, {"error": "method_not_allowed"}
        secret = self.deps.settings.secret("github_webhook_secret")
        if not secret:
            return 503, {"error": "GITHUB_WEBHOOK_SECRET is not set"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, {"error": "bad_content_length"}
        if length <= 0 or length > MAX_BODY_BYTES:
            return (413, {"error": "too_large"}) if length > 0 else (400, {"error": "empty_body"})
        raw = read_body(environ, length, BODY_DEADLINE_SECONDS)
        if raw is None:
            return 408, {"error": "body_timeout"}
        if not signed_by(secret, raw, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
            return 401, {"error": "invalid_signature"}
        delivery_id = environ.get("HTTP_X_GITHUB_DELIVERY", "").strip()
        event = environ.get("HTTP_X_GITHUB_EVENT", "").strip()
        if not (0 < len(delivery_id) <= 100 and 0 < len(event) <= 64):
            return 400, {"error": "missing X-GitHub-Delivery or X-GitHub-Event"}
        try:
            body = raw.decode("utf-8")
            document = json.loads(body)
            repo = str(document["repository"]["full_name"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return (200, {"ok": True, "pong": True}) if event == "ping" else (400, {"error": "no repository"})
        with self.deps.session() as session:
            connection = trackers.connection_to(session=session, tracker=trackers.GITHUB, target=repo)
            if connection is None:
                return 404, {"error": "unknown_repository"}
            if event == "ping":
                return 200, {"ok": True, "pong": True}
            delivery_pk = trackers.record_delivery(session=session, tracker=trackers.GITHUB, delivery_id=delivery_id,
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
        return outcome

    def apply_pending(self) -> int:
        """Apply the deliveries recorded but never applied (their process died); how many were."""
        with self.deps.session() as session:
            pending = trackers.unprocessed(session=session, received_before=self.deps.clock.now() - PENDING_AFTER)
        return sum(self.apply(pk).what != "replayed" for pk in pending)

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
