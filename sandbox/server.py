"""The sandbox Web API over loopback HTTP, with call recording, faults and rate limits.

``SandboxServer(ws).start()`` serves ``/api/<method>`` (pass ``srv.api_url`` as slack_sdk's
``base_url``) and ``/response/<token>`` (the ``response_url`` of slash commands and actions).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from sandbox.faults import LATE, TIMEOUT, FaultInjector, RateLimiter
from sandbox.response_urls import ResponseUrls
from sandbox.ui_driver import UiDriver
from sandbox.ui_http import BrowserUI, ClockControl
from sandbox.webapi import WebAPI, normalize_args
from sandbox.workspace import SlackError, Workspace

RATE_LIMITED_METHODS = ("chat.postMessage",)


@dataclass
class RecordedCall:
    method: str
    args: dict
    response: dict
    status: int
    at: datetime
    headers: dict = field(default_factory=dict)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: "SandboxServer"


def _parse_body(handler: BaseHTTPRequestHandler) -> dict:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
    if not raw:
        return query
    content_type = handler.headers.get("Content-Type", "")
    if "json" in content_type or raw.lstrip()[:1] == b"{":
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if isinstance(body, dict):
            return {**query, **body}
        return {**query, "_invalid_json": True}
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
    return {**query, **form}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        sandbox = self.server.sandbox
        if path.startswith(("/upload/v1/", "/files-pri/")):
            return self._file_request(sandbox, path)
        try:
            args = _parse_body(self)
        except (ValueError, UnicodeDecodeError):
            args = {"_invalid_json": True}
        if sandbox.ui.handles(path):
            sandbox.ui.serve(self, self.command, path, args)
            return
        if path.startswith("/api/"):
            result = sandbox.handle_api(path[len("/api/"):], args, self.headers)
        elif path.startswith("/response/"):
            result = sandbox.handle_response_url(path[len("/response/"):], args)
        else:
            result = (404, {"ok": False, "error": "not_found"}, {})
        if result is None:  # an injected "timeout": drop the connection, answer nothing
            self.close_connection = True
            return
        status, body, headers = result
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        try:
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # a late answer: the client gave up waiting
            self.close_connection = True


    def _file_request(self, sandbox: "SandboxServer", path: str) -> None:
        """The upload service (POST /upload/v1/<token>) and the files' private URLs (GET /files-pri/…)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.startswith("/upload/v1/") and self.command == "POST":
            result = sandbox.handle_upload(path.removeprefix("/upload/v1/"), raw, self.headers.get("Content-Type", ""))
        elif path.startswith("/files-pri/") and self.command == "GET":
            result = sandbox.handle_file_download(path, self.headers.get("Authorization", ""))
        else:
            result = (405, b"method not allowed", {"Content-Type": "text/plain"})
        if result is None:
            self.close_connection = True
            return
        status, body, headers = result
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def multipart_file(raw: bytes, content_type: str) -> bytes | None:
    """The file part of a multipart/form-data body (the part with a filename, else the first), or None."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        return None
    parts = list(message.iter_parts())
    chosen = next((p for p in parts if p.get_filename()), parts[0] if parts else None)
    return chosen.get_payload(decode=True) if chosen is not None else None


class SandboxServer:
    """Serves a ``Workspace`` on ``host:port`` (port 0 picks a free one) in a daemon thread."""

    def __init__(self, ws: Workspace, host: str = "127.0.0.1", port: int = 0,
                 monotonic: Callable[[], float] | None = None):
        self.ws = ws
        self.host = host
        self._port = port
        self.api = WebAPI(ws)
        self.faults = FaultInjector()
        self.rate_limiter = RateLimiter(monotonic) if monotonic else RateLimiter()
        self.response_urls = ResponseUrls(ws)
        self.calls: list[RecordedCall] = []
        self._calls_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()  # ends the wait of a held ("late") answer
        self.ui = BrowserUI(self)

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> "SandboxServer":
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self._port), _Handler)
        self._httpd.sandbox = self
        self._port = self._httpd.server_address[1]
        self.ws.file_store.host = self.url  # upload URLs and url_private point at this server
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"sandbox-{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.ui.stopping.set()
        self._stopping.set()
        self.ws.touch()  # wakes the live-update streams so they end
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._port}/"

    @property
    def api_url(self) -> str:
        return f"{self.url}api/"

    # ---- the app and the browser UI ----------------------------------------------------------
    def connect_app(self, bot_url: str, signing_secret: str, manifest: dict | None = None,
                    clock_control: ClockControl | None = None) -> UiDriver:
        """Deliver the browser UI's gestures to the app at ``bot_url`` (its /slack/events), signed with
        ``signing_secret``; ``manifest`` lists its commands, shortcuts and events; ``clock_control(at)``
        advances the app's clock and runs what falls due (the UI's "advance to")."""
        driver = UiDriver(self, bot_url, signing_secret, manifest)
        self.ui.connect(driver)
        self.ui.clock_control = clock_control
        return driver

    # ---- knobs -------------------------------------------------------------------------
    def new_response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        return f"{self.url}response/{self.response_urls.new(channel, user, message_ts)}"

    def set_rate_limit(self, enabled: bool = True, per_channel_per_second: int = 1) -> None:
        self.rate_limiter.configure(enabled, per_channel_per_second)

    def inject_faults(self, method: str | None = None, status: int | str = 500,
                      count: int | None = None, probability: float | None = None,
                      seed: int | None = None, retry_after: int = 1, applied: bool = False,
                      delay: float = 0.0) -> None:
        """Fail matching calls with ``status`` (5xx, 429 with ``retry_after``) or ``"timeout"``
        (connection closed without a response); ``count`` calls, or each with ``probability``.
        ``applied``: carry the call out first (the message is posted), then fail the answer.
        ``"late"``: carry it out and answer only after ``delay`` seconds (past the client's timeout)."""
        self.faults.add(method, status, count, probability, seed, retry_after, applied, delay)

    def clear_faults(self) -> None:
        self.faults.clear()

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._calls_lock:
            return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        with self._calls_lock:
            self.calls.clear()

    def _record(self, method: str, args: dict, response: dict, status: int,
                headers: dict | None = None) -> None:
        call = RecordedCall(method, args, response, status, self.ws.now(), dict(headers or {}))
        with self._calls_lock:
            self.calls.append(call)

    # ---- request handling ------------------------------------------------------------------
    def handle_api(self, method: str, args: dict, headers: Any):
        token = args.pop("token", None)
        auth = headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        try:
            recorded_args = normalize_args(args)
        except SlackError:
            recorded_args = dict(args)
        fault = self.faults.pick_fault(method)
        if fault is not None and fault.applied:
            return self._applied_then_failed(method, args, token, recorded_args, fault)
        if fault is not None and fault.status == TIMEOUT:
            self._record(method, recorded_args, {}, 0)
            return None
        if fault is not None:
            return self._failure(method, recorded_args, int(fault.status), fault.retry_after)
        if args.pop("_invalid_json", False):
            body = {"ok": False, "error": "invalid_json"}
            self._record(method, recorded_args, body, 200)
            return 200, body, {}
        if method in RATE_LIMITED_METHODS:
            wait = self.rate_limiter.retry_after(str(recorded_args.get("channel")))
            if wait is not None:
                return self._failure(method, recorded_args, 429, wait)
        body = self.api.call(method, args, token)
        self._record(method, recorded_args, body, 200)
        return 200, body, {}

    def _applied_then_failed(self, method: str, args: dict, token: str | None, recorded_args: dict, fault):
        """Slack did the work, then its answer was lost: a 5xx, a dropped connection, or too late. The
        recorded response is what Slack did; the recorded status, what the client got (0: nothing)."""
        body = self.api.call(method, args, token)
        if fault.status == LATE:
            self._record(method, recorded_args, body, 200)
            self._stopping.wait(fault.delay)
            return 200, body, {}
        if fault.status == TIMEOUT:
            self._record(method, recorded_args, body, 0)
            return None
        status, failed, headers = self._failure(method, recorded_args, int(fault.status), fault.retry_after,
                                                record=False)
        self._record(method, recorded_args, body, status, headers)
        return status, failed, headers

    def _failure(self, method: str, args: dict, status: int, retry_after: int = 1, record: bool = True):
        headers = {}
        if status == 429:
            headers["Retry-After"] = str(retry_after)
            body = {"ok": False, "error": "ratelimited"}
        else:
            body = {"ok": False, "error": "fatal_error" if status >= 500 else "request_failed"}
        if record:
            self._record(method, args, body, status, headers)
        return status, body, headers

    def handle_upload(self, token: str, raw: bytes, content_type: str):
        """A POST of a file's bytes to the upload URL files.getUploadURLExternal gave (method ``upload`` for
        faults and the call record): raw bytes, or a multipart form with the file in it."""
        data = multipart_file(raw, content_type) if content_type.startswith("multipart/") else raw
        recorded = {"token": token, "length": len(data) if data is not None else None}
        fault = self.faults.pick_fault("upload")
        if fault is not None and fault.status == TIMEOUT:
            self._record("upload", recorded, {}, 0)
            return None
        if fault is not None and isinstance(fault.status, int):
            headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            self._record("upload", recorded, {}, fault.status, headers)
            return fault.status, b"upstream failure", headers
        if data is None:
            status, text = 400, "no file in the form"
        else:
            status, text = self.ws.file_store.receive(token, data)
        self._record("upload", recorded, {"body": text}, status)
        return status, text.encode(), {}

    def handle_file_download(self, path: str, authorization: str):
        """A file's ``url_private``: its bytes to a bearer of the bot token; without one, Slack's sign-in
        page (HTML, 200), as Slack answers."""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        try:
            self.ws.check_token(token)
        except SlackError:
            return 200, b"<!DOCTYPE html><title>Sign in | Slack</title>", {"Content-Type": "text/html; charset=utf-8"}
        file = self.ws.file_store.file_by_private_path(path)
        if file is None:
            return 404, b"file not found", {}
        data, mimetype = self.ws.file_store.bytes_of(file["id"])
        return 200, data, {"Content-Type": mimetype}

    def handle_response_url(self, token: str, body: dict):
        body = dict(body)
        if body.pop("_invalid_json", False):
            status, response = 400, {"ok": False, "error": "invalid_payload"}
        else:
            try:
                body = normalize_args(body)
            except SlackError:
                pass
            status, response = self.response_urls.respond(token, body)
        self._record("response_url", body, response, status)
        return status, response, {}
