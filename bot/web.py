"""HTTP mode: a WSGI application with Slack's endpoint and a health check.

`POST /slack/events` takes commands, events and interactivity. A forged or stale signature is
refused with 401 before anything is read further; a body that is no Slack payload gets 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20

StartResponse = Callable[..., object]


class SlackWSGI:
    def __init__(self, app: App, signing_secret: str, health: Callable[[], bool] | None = None) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.health = health or (lambda: True)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = self.health()
            return _reply(start_response, 200 if ok else 503, {"ok": ok})
        if path != EVENTS_PATH:
            return _reply(start_response, 404, {"error": "not_found"})
        if method != "POST":
            return _reply(start_response, 405, {"error": "method_not_allowed"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, 400, {"error": "bad_content_length"})
        if length > MAX_BODY_BYTES:
            return _reply(start_response, 413, {"error": "too_large"})
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = _headers(environ)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = None
        if body is None or not self.verifier.is_valid_request(body, {k: v[0] for k, v in headers.items()}):
            return _reply(start_response, 401, {"error": "invalid_signature"})
        if not _is_slack_payload(body, headers.get("content-type", [""])[0]):
            return _reply(start_response, 400, {"error": "malformed_body"})
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        status_line = f"{response.status} {'OK' if response.status < 400 else 'Error'}"
        out_headers = [(k, v) for k, values in response.headers.items() for v in values]
        payload = (response.body or "").encode("utf-8")
        if not any(k.lower() == "content-length" for k, _ in out_headers):
            out_headers.append(("content-length", str(len(payload))))
        start_response(status_line, out_headers)
        return [payload]


def _headers(environ: dict) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = [value]
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = [environ["CONTENT_TYPE"]]
    return headers


def _is_slack_payload(body: str, content_type: str) -> bool:
    """Commands and interactivity come form-encoded; events come as JSON."""
    if content_type.startswith("application/json") or body.lstrip().startswith("{"):
        try:
            document = json.loads(body)
        except ValueError:
            return False
        return isinstance(document, dict) and isinstance(document.get("type"), str)
    form = parse_qs(body, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return False
        return isinstance(payload, dict) and isinstance(payload.get("type"), str)
    if "command" in form:
        return form["command"][0].startswith("/")
    return "ssl_check" in form


def _reply(start_response: StartResponse, status: int, document: dict) -> list[bytes]:
    payload = json.dumps(document).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
              413: "Payload Too Large", 503: "Service Unavailable"}.get(status, "Error")
    start_response(f"{status} {reason}", [("content-type", "application/json"), ("content-length", str(len(payload)))])
    return [payload]
