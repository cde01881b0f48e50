"""HTTP mode: a WSGI application with Slack's endpoint and a health check.

`POST /slack/events` takes commands, events and interactivity. A forged or stale signature (or a
timestamp that is no number) is refused with 401 before anything is read further; a body that is
no Slack payload, or not shaped like one, gets 400. The body is read within `BODY_DEADLINE_SECONDS`
(408 after that), so a client that sends it slowly cannot keep a server thread for long.

The body is parsed here, by what the request is (a form with a `command` field is a slash command,
a form with a `payload` field is interactivity, JSON is the Events API), and handed to Bolt already
parsed: Bolt's own parser takes any form body containing the text "payload" for interactivity.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20
BODY_DEADLINE_SECONDS = 3.0  # Slack gives up on an answer after 3 s: a body later than that is no use
MAX_NESTING = 64  # Slack's deepest payloads (rich text in a view) stay far below this
READ_STEP = 64 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")

StartResponse = Callable[..., object]


class SlackWSGI:
    def __init__(self, app: App, signing_secret: str, health: Callable[[], bool] | None = None,
                 body_deadline: float = BODY_DEADLINE_SECONDS,
                 routes: dict[str, Callable[[dict, StartResponse], Iterable[bytes]]] | None = None) -> None:
        self.app = app
        self.routes = dict(routes or {})  # other endpoints by path (`/integrations/github`: handlers/integrations.py)
        self.verifier = SignatureVerifier(signing_secret)
        self.health = health or (lambda: True)
        self.body_deadline = body_deadline

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = self.health()
            return _reply(start_response, 200 if ok else 503, {"ok": ok})
        if path in self.routes:
            return self.routes[path](environ, start_response)
        if path != EVENTS_PATH:
            return _reply(start_response, 404, {"error": "not_found"})
        if method != "POST":
            return _reply(start_response, 405, {"error": "method_not_allowed"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _reply(start_response, 400, {"error": "bad_content_length"})
        if length > MAX_BODY_BYTES:
            return _reply(start_response, 413, {"error": "too_large"})
        raw = read_body(environ, length, self.body_deadline) if length else b""
        if raw is None:
            return _reply(start_response, 408, {"error": "body_timeout"})
        headers = _headers(environ)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = None
        timestamp = headers.get("x-slack-request-timestamp", [""])[0]
        if (body is None or not _TIMESTAMP.fullmatch(timestamp)
                or not self.verifier.is_valid_request(body, {k: v[0] for k, v in headers.items()})):
            return _reply(start_response, 401, {"error": "invalid_signature"})
        parsed = parse_slack_body(body, headers.get("content-type", [""])[0])
        if parsed is None:
            return _reply(start_response, 400, {"error": "malformed_body"})
        response = self.app.dispatch(SlackRequest(body=body, parsed=parsed, headers=headers))
        status_line = f"{response.status} {'OK' if response.status < 400 else 'Error'}"
        out_headers = [(k, v) for k, values in response.headers.items() for v in values]
        payload = (response.body or "").encode("utf-8")
        if not any(k.lower() == "content-length" for k, _ in out_headers):
            out_headers.append(("content-length", str(len(payload))))
        start_response(status_line, out_headers)
        return [payload]


class SlackRequest(BoltRequest):
    """A BoltRequest with the body we parsed (see the module docstring); the raw body stays for
    Bolt's own signature check, and copies (for lazy listeners) keep the parsed body too."""

    def __init__(self, *, body: str, parsed: dict[str, Any], headers: dict | None = None,
                 query: Any = None, context: dict | None = None, mode: str = "http") -> None:
        super().__init__(body="", query=query, headers=headers, context=context, mode=mode)
        self.raw_body = body
        self.body = parsed
        self.context = build_context(BoltContext(context if context else {}), parsed)

    def to_copyable(self) -> "SlackRequest":
        return SlackRequest(body=self.raw_body, parsed=self.body, query=self.query, headers=self.headers,
                            context=self.context.to_copyable(), mode=self.mode)


# ---- reading the body within a deadline -----------------------------------------------------------------

def read_body(environ: dict, length: int, deadline: float) -> bytes | None:
    """The request body, or None when it did not all arrive within ``deadline`` seconds.

    Under gunicorn the connection's socket is at hand: a watchdog shuts its reading side when the
    deadline passes, which ends a blocked read however slowly the client trickles bytes in. Other
    servers (the sandbox's, the tests') give each connection its own thread, so there the read is
    only bounded by the socket's own timeout."""
    sock = environ.get("gunicorn.socket")
    token = _WATCHDOG.watch(sock, deadline) if isinstance(sock, socket.socket) else None
    chunks, received = [], 0
    try:
        stream = environ["wsgi.input"]
        while received < length:
            chunk = stream.read(min(READ_STEP, length - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except Exception:  # noqa: BLE001 - a socket error, or a server's own "no more data": the client stopped
        return None
    finally:
        if token is not None:
            _WATCHDOG.release(token)
    return b"".join(chunks) if received == length else None


class _Watchdog:
    """One thread per process that shuts the reading side of a socket whose body is late."""

    GRAIN = 0.05  # seconds: deadlines are kept to within this, and the thread wakes no more often

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int, socket.socket]] = []
        self._live: set[int] = set()
        self._ids = itertools.count()
        self._pid: int | None = None

    def watch(self, sock: socket.socket, seconds: float) -> int:
        with self._cv:
            if self._pid != os.getpid():  # first use in this process (gunicorn forks workers)
                self._pid = os.getpid()
                self._heap, self._live = [], set()
                threading.Thread(target=self._run, name="tpmbot-body-deadline", daemon=True).start()
            token = next(self._ids)
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, sock))
            self._live.add(token)
            if self._heap[0][1] == token:
                self._cv.notify()
        return token

    def release(self, token: int) -> bool:
        """Stop watching; False when the deadline had passed already."""
        with self._cv:
            if token in self._live:
                self._live.discard(token)
                return True
            return False

    def _run(self) -> None:
        with self._cv:
            while True:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cv.wait()
                    continue
                due, token, sock = self._heap[0]
                delay = due - time.monotonic()
                if delay > 0:
                    self._cv.wait(max(delay, self.GRAIN))
                    continue
                heapq.heappop(self._heap)
                self._live.discard(token)
                try:
                    sock.shutdown(socket.SHUT_RD)
                except OSError:
                    pass


_WATCHDOG = _Watchdog()


# ---- what the body is -------------------------------------------------------------------------------

def parse_slack_body(body: str, content_type: str) -> dict[str, Any] | None:
    """The request's payload as Bolt expects it, or None when it is no Slack payload.

    JSON is the Events API; a form with a `command` field is a slash command; a form with a
    `payload` field is interactivity (the field holds JSON); `ssl_check` is Slack's probe."""
    if content_type.startswith("application/json") or body.lstrip().startswith("{"):
        return _json_payload(body)
    form = parse_qs(body, keep_blank_values=True)
    if "command" in form:
        if not form["command"][0].startswith("/"):
            return None
        return {key: values[-1] for key, values in form.items()}
    if "payload" in form:
        return _json_payload(form["payload"][-1])
    if "ssl_check" in form:
        return {key: values[-1] for key, values in form.items()}
    return None


_OBJECTS = ("event", "view", "message", "container", "state", "previous_message")
_OBJECT_OR_ID = ("user", "team", "channel", "enterprise")
_LISTS_OF_OBJECTS = ("authorizations", "actions", "response_urls")


def _json_payload(text: str) -> dict[str, Any] | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        return None
    if _nesting(document) > MAX_NESTING or not _well_shaped(document):
        return None
    if document["type"] == "event_callback" and not isinstance(document.get("event"), dict):
        return None
    return document


def _well_shaped(document: dict[str, Any], level: int = 0) -> bool:
    """The fields Bolt and our listeners read by shape have that shape (an `event` that is a string
    would otherwise fail deep inside Bolt)."""
    for key in _OBJECTS:
        value = document.get(key)
        if value is not None and not (isinstance(value, dict) and (level > 2 or _well_shaped(value, level + 1))):
            return False
    for key in _OBJECT_OR_ID:
        value = document.get(key)
        if value is not None and not isinstance(value, (str, dict)):
            return False
        if isinstance(value, dict) and "id" in value and not isinstance(value["id"], (str, type(None))):
            return False
    for key in _LISTS_OF_OBJECTS:
        value = document.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return False
    return True


def _nesting(document: object) -> int:
    """How deep containers nest in ``document``, without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_NESTING:
                return deepest
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def _headers(environ: dict) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = [value]
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    return headers


def _reply(start_response: StartResponse, status: int, document: dict) -> list[bytes]:
    payload = json.dumps(document).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
              408: "Request Timeout", 413: "Payload Too Large", 503: "Service Unavailable"}.get(status, "Error")
    start_response(f"{status} {reason}", [("content-type", "application/json"), ("content-length", str(len(payload)))])
    return [payload]
