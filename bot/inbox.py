"""The inbox: an acknowledgement is a promise.

Every slash command, interactivity payload (block_actions, view_submission, shortcuts, …) and Events API
event is written down, with one INSERT, before it is acknowledged (`Inbox.middleware`, a global Bolt
middleware that runs before any listener, so before any ack). Its listener then runs as always, and when
it has finished, however it ended (a user-facing error included), the row is marked done. A process
killed between the two leaves the row unfinished; `Inbox.recover` finds such rows and dispatches them
again through the Bolt app, exactly as they came (re-signed), with an ack that answers nobody: what a
listener says in its ack goes to the request's response_url instead, which stays usable for 30 minutes.

A request is named by what stays the same when Slack (or anyone) sends it again: an event by its
event_id, a command or interaction by its trigger_id, anything else by a hash of its body (never the
timestamp: a retry is signed anew). A retry (X-Slack-Retry-Num) of a request recorded before is answered
200 and not run again, unless whoever had it died, in which case the retry takes it over.

Rows being handled are leased (storage/inbox.py): another process leaves a row alone until the lease runs
out, or until it knows the owner is dead (a process of the same host that is gone), so `tpmbot serve`
restarted after a crash takes its dead workers' requests over at once. Each serving process looks for
abandoned requests when it starts and every RECOVERY_SECONDS after.

A request whose listener failed because Slack did (a timeout, a dropped connection, 5xx or 429 still there
after the client's own retries: `retry_later`, called by the error policy) is not answered with an apology
and not marked done: it is left unfinished, leased to nobody for a growing pause (RETRY_PAUSE), and run
again by whichever process sweeps first, up to MAX_ATTEMPTS, its author hearing only the outcome. The ack
promised the work would be done; Slack being slow for a moment doesn't break that promise.

A listener that may run twice for one request (its first run died after doing part of its work) can
recognise the request by ``context["inbox_id"]``, the row's id, the same for every run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from sqlalchemy.engine import Engine
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.deps import Deps
from bot.slack_client import describe, worth_retrying
from bot.executor import answer_elsewhere, when_done
from storage import inbox as store
from storage.engine import make_engine, session_scope, urgent

log = logging.getLogger(__name__)

INBOX_ID = "inbox_id"  # the context key listeners read the request's inbox id from
ATTEMPT = "inbox_attempt"  # the context key of this run's attempt (1 for the request as it came)
RETRY = "inbox_retry"  # set in the context by `retry_later`: why this run is to be tried again
LEASE = timedelta(minutes=2)  # longer than any listener runs: until then, only a dead owner's rows are taken
RECOVERY_SECONDS = 30.0
RECOVERY_THREADS = 4  # abandoned requests dispatched again at once, per process
# Requests are recorded on the server's threads, through connections of their own: never queued behind the
# listeners' (up to bot.executor.LISTENER_THREADS of them) for one of the app's pool.
INBOX_CONNECTIONS, INBOX_OVERFLOW = 4, 12
MAX_ATTEMPTS = 5  # a request that took its process down this often is given up
RETRY_PAUSE = (5.0, 60.0)  # seconds before a run that failed on Slack is tried again: 5, 10, 20, 40 (at most 60)
MAX_AGE = timedelta(hours=6)  # older unfinished requests are given up, not run (as the outbox gives up)
# Interactivity answered in the ack only (options for a select menu): nothing to promise, nothing to redo.
UNRECORDED_PAYLOADS = frozenset({"block_suggestion", "dialog_suggestion"})


def identify(body: dict, raw: str, team_id: str) -> tuple[str, str] | None:
    """(key, kind) of a request worth recording; None for what is answered in the ack alone."""
    if body.get("command"):
        kind, trigger = f"command {body['command']}", body.get("trigger_id")
    elif body.get("type") == "event_callback":
        event_id = body.get("event_id")
        kind = f"event {(body.get('event') or {}).get('type', '')}".strip()
        return (_bounded(f"event:{team_id}:{event_id}"), kind) if event_id else (_body_key(raw), kind)
    elif isinstance(body.get("type"), str) and body["type"] not in UNRECORDED_PAYLOADS and "event" not in body:
        kind, trigger = body["type"], body.get("trigger_id")
    else:
        return None
    return (_bounded(f"trigger:{team_id}:{trigger}") if trigger else _body_key(raw)), kind


def retry_later(context: dict[str, Any], error: BaseException) -> bool:
    """For the error policy, after the ack: True if this request is to be run again later rather than
    answered with an apology (its listener failed on Slack's side, on a call a later try can make, and it
    has attempts left; a modal can't be opened later: its trigger is good for 3 seconds)."""
    if context.get(INBOX_ID) is None or not worth_retrying(error) or context.get(ATTEMPT, MAX_ATTEMPTS) >= MAX_ATTEMPTS:
        return False
    context[RETRY] = describe(error)
    log.warning("inbox: request %s failed on Slack's side (%s); it will be run again", context[INBOX_ID],
                context[RETRY])
    return True


def retry_pause(attempt: int) -> float:
    first, longest = RETRY_PAUSE
    return min(first * 2 ** (attempt - 1), longest)


def _body_key(raw: str) -> str:
    return "body:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _bounded(key: str) -> str:
    return key if len(key) <= 200 else key[:120] + ":" + hashlib.sha256(key.encode("utf-8")).hexdigest()


# ---- which process holds a request ---------------------------------------------------------------------

def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None if there is no such live process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):  # a zombie is dead, whether or not its parent has reaped it
        return None
    return fields[19]


def process_owner() -> str:
    """This process, as a row's owner: host, pid and start time (so a reused pid is not taken for it)."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or ''}"


def owner_is_dead(owner: str) -> bool:
    """True only when ``owner`` is a process of this host that is gone; a process elsewhere can't be
    told dead (its rows wait for their lease to run out)."""
    host, _, rest = owner.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit() or not started or not os.path.isdir("/proc/self"):
        return False
    return _start_time(int(pid)) != started


# ---- the ack of a request dispatched again -------------------------------------------------------------

class ReplayAck(Ack):
    """The ack of a request dispatched again: Slack was answered (or gave up) long ago, so what the listener
    says in its ack (or the error handler in its stead) goes to the response_url, if the request has one."""

    def __init__(self, body: dict) -> None:
        self._body = body
        self._response: BoltResponse | None = None
        super().__init__()

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None and value.body:
            _forward(self._body, value.body)


def _forward(body: dict, answer: str) -> None:
    url = body.get("response_url") or next(
        (entry.get("response_url") for entry in body.get("response_urls") or [] if entry.get("response_url")), None)
    if not url:
        return
    try:
        document = json.loads(answer)
    except ValueError:
        document = {"text": answer}
    if not isinstance(document, dict) or "response_action" in document:
        return  # a modal's answer: the modal is gone
    message = {name: document[name] for name in ("text", "blocks", "attachments") if name in document}
    if not message:
        return
    message.update(response_type=document.get("response_type") or "ephemeral", replace_original=False)
    try:
        WebhookClient(url, timeout=10).send_dict(message)
    except Exception:  # noqa: BLE001 - the reply is lost, the request's work is not
        log.warning("inbox: could not deliver the answer of a request dispatched again", exc_info=True)


# ---- the inbox -----------------------------------------------------------------------------------------

@dataclass
class _Replay:
    request_id: int
    attempt: int
    finished: threading.Event = field(default_factory=threading.Event)


_replaying = threading.local()


@dataclass
class RecoveryReport:
    replayed: int = 0
    given_up: int = 0


class Inbox:
    """One per app and process: records requests (`middleware`), marks them done, and recovers the abandoned."""

    def __init__(self, deps: Deps, lease: timedelta = LEASE) -> None:
        self.deps = deps
        self.lease = lease
        self._owner: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._in_flight: set[int] = set()  # this process's own requests, never taken over by its own recovery
        self._stop = threading.Event()
        self._wake = threading.Event()  # the recovery loop sweeps at once (a postponed request is due)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            url = self.deps.engine.url
            if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
                self._engine = self.deps.engine  # one connection's database: there is no other
            else:
                self._engine = make_engine(url.render_as_string(hide_password=False), pool_size=INBOX_CONNECTIONS,
                                           max_overflow=INBOX_OVERFLOW)
        return self._engine

    @property
    def owner(self) -> str:
        pid = os.getpid()  # computed in the process that serves (a gunicorn worker), not the one that forked it
        if self._owner is None or self._owner[0] != pid:
            self._owner = (pid, process_owner())
        return self._owner[1]

    def middleware(self) -> Callable[..., BoltResponse | None]:
        def record_inbound(req: BoltRequest, context: dict[str, Any], next: Callable[[], BoltResponse]):
            return self._record(req, context, next)

        return record_inbound

    def _record(self, req: BoltRequest, context: dict[str, Any], next: Callable[[], BoltResponse]):
        replay: _Replay | None = getattr(_replaying, "ticket", None)
        if replay is not None:  # dispatched again by recover(): recorded, and answered, already
            _replaying.ticket = None
            context[INBOX_ID], context[ATTEMPT] = replay.request_id, replay.attempt
            answer_elsewhere(context, ReplayAck(req.body))
            when_done(self._finisher(replay.request_id, context, replay))
            return next()
        raw = req.raw_body if req.mode == "http" else json.dumps(req.body, separators=(",", ":"))
        found = identify(req.body, raw, context.get("team_id") or "")
        if found is None:
            return next()
        key, kind = found
        now = self.deps.clock.now()
        with urgent(), session_scope(self.engine) as session:
            request_id = store.record(session=session, key=key, team_id=context.get("team_id") or "", kind=kind,
                                      mode=req.mode, content_type=(req.headers.get("content-type") or [""])[0],
                                      body=raw, owner=self.owner, now=now, lease=self.lease)
            attempt = 1
            if request_id is None:
                request_id, attempt = self._take_over(session, key, now)
        if request_id is None:  # a retry of a request done, or being handled: answered, not run again
            return BoltResponse(status=200, body="")
        with self._lock:
            self._in_flight.add(request_id)
        context[INBOX_ID], context[ATTEMPT] = request_id, attempt
        when_done(self._finisher(request_id, context))
        return next()

    def _take_over(self, session, key: str, now) -> tuple[int | None, int]:
        """A retry of a request whose handler died is run by whoever gets the retry."""
        with self._lock:
            skip = list(self._in_flight)
        row = store.claim(session=session, now=now, lease=self.lease, owner=self.owner, key=key,
                          dead_owners=self._dead_owners(session, now), skip_ids=skip)
        return (row.id, row.attempts) if row is not None else (None, 0)

    def _dead_owners(self, session, now) -> list[str]:
        mine = self.owner
        return [owner for owner in store.owners_in_flight(session=session, now=now)
                if owner != mine and owner_is_dead(owner)]

    def _finisher(self, request_id: int, context: dict[str, Any], replay: _Replay | None = None
                  ) -> Callable[[], None]:
        def finish() -> None:
            try:
                now = self.deps.clock.now()
                retry = context.get(RETRY)
                with self.deps.session() as session:
                    if retry is None:
                        store.finish(session=session, request_id=request_id, now=now)
                    else:
                        pause = retry_pause(context.get(ATTEMPT, 1))
                        store.postpone(session=session, request_id=request_id, until=now + timedelta(seconds=pause),
                                       error=retry)
                if retry is not None:
                    self._wake_in(pause)
            except Exception:  # noqa: BLE001 - left unfinished: recovery dispatches it again later
                log.exception("inbox: could not mark request %s done", request_id)
            finally:
                with self._lock:
                    self._in_flight.discard(request_id)
                if replay is not None:
                    replay.finished.set()

        return finish

    def _wake_in(self, seconds: float) -> None:
        timer = threading.Timer(seconds + 0.5, self._wake.set)  # just past the pause: the request is due
        timer.daemon = True
        timer.start()

    # ---- recovery ------------------------------------------------------------------------------------

    def recover(self, app: App, *, limit: int = 1000) -> RecoveryReport:
        """Dispatch again every request abandoned unfinished (its lease run out, or its owner dead), up to
        ``limit``, RECOVERY_THREADS at a time; safe in any number of processes at once."""
        report = RecoveryReport()
        with self.deps.session() as session:
            dead = self._dead_owners(session, self.deps.clock.now())
        budget = iter(range(limit))
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if next(budget, None) is None:
                        return
                if not self._recover_one(app, dead, report, lock):
                    return

        with ThreadPoolExecutor(RECOVERY_THREADS, thread_name_prefix="tpmbot-inbox") as pool:
            for _ in range(RECOVERY_THREADS):
                pool.submit(work)
        if report.replayed or report.given_up:
            log.warning("inbox: dispatched %d unfinished request(s) again; gave up %d",
                        report.replayed, report.given_up)
        return report

    def _recover_one(self, app: App, dead: list[str], report: RecoveryReport, lock: threading.Lock) -> bool:
        now = self.deps.clock.now()
        with self._lock:
            skip = list(self._in_flight)
        with self.deps.session() as session:
            row = store.claim(session=session, now=now, lease=self.lease, owner=self.owner, dead_owners=dead,
                              skip_ids=skip)
            if row is None:
                return False
            problem = (f"gave up after {row.attempts - 1} attempts" if row.attempts > MAX_ATTEMPTS else
                       "too old to run" if now - row.received_at > MAX_AGE else None)
            if problem is not None:
                store.finish(session=session, request_id=row.id, now=now, status="failed", error=problem)
        if problem is not None:
            log.error("inbox: request %s (%s) %s", row.id, row.kind, problem)
            with lock:
                report.given_up += 1
            return True
        with self._lock:
            self._in_flight.add(row.id)
        try:
            self._replay(app, row)
        except Exception:  # noqa: BLE001 - left to its lease; the next pass tries again
            log.exception("inbox: request %s (%s) could not be dispatched again", row.id, row.kind)
            with self._lock:
                self._in_flight.discard(row.id)
            return True
        with lock:
            report.replayed += 1
        return True

    def _replay(self, app: App, row) -> None:
        log.info("inbox: dispatching %s (request %s, attempt %d) again", row.kind, row.id, row.attempts)
        if row.mode == "socket_mode":
            request = BoltRequest(body=json.loads(row.body), mode="socket_mode")
        else:
            timestamp = str(int(time.time()))  # signed anew: Bolt refuses a signature five minutes old
            secret = self.deps.settings.secret("slack_signing_secret")
            request = BoltRequest(body=row.body, headers={
                "content-type": [row.content_type], "x-slack-request-timestamp": [timestamp],
                "x-slack-signature": [SignatureVerifier(secret).generate_signature(timestamp=timestamp,
                                                                                    body=row.body)]})
        ticket = _Replay(row.id, row.attempts)
        _replaying.ticket = ticket
        try:
            app.dispatch(request)
        finally:
            if getattr(_replaying, "ticket", None) is ticket:
                # Turned away before the inbox (authorization failed: Slack may be down): left to its lease,
                # and tried again by a later pass, up to MAX_ATTEMPTS.
                _replaying.ticket = None
                with self._lock:
                    self._in_flight.discard(row.id)
                log.warning("inbox: request %s (%s) was turned away when dispatched again", row.id, row.kind)
                return
        ticket.finished.wait(self.lease.total_seconds())

    def start_recovery(self, app: App, every: float = RECOVERY_SECONDS) -> threading.Thread:
        """Recover now (a process starting after a crash takes its dead predecessor's requests over) and
        every ``every`` seconds, in a daemon thread, until `stop`."""
        def loop() -> None:
            self.warm()
            while True:
                try:
                    self.recover(app)
                    for sweep in getattr(self, "sweeps", ()):  # other durable work (handlers/integrations.py)
                        sweep()
                except Exception:  # noqa: BLE001 - the database may be down; try again next round
                    log.exception("inbox: recovery failed; retrying in %.0f s", every)
                self._wake.wait(every)
                self._wake.clear()
                if self._stop.is_set():
                    return

        thread = threading.Thread(target=loop, name="tpmbot-inbox-recovery", daemon=True)
        thread.start()
        return thread

    def warm(self) -> None:
        """Open the inbox's connections now, not during the first burst (a PostgreSQL connection takes tens
        of milliseconds to open, and each would hold up an ack)."""
        connections = []
        try:
            for _ in range(INBOX_CONNECTIONS):
                connections.append(self.engine.connect())
        except Exception:  # noqa: BLE001 - the database may be down; connections open when needed
            log.warning("inbox: could not open its connections ahead", exc_info=True)
        finally:
            for connection in connections:
                connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()


def inbox_of(app: App) -> Inbox:
    return app.inbox  # set by bot.app.build_app
