"""response_url handling: 5 uses within 30 minutes of the workspace clock."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.webapi import check_content
from sandbox.workspace import SlackError, Workspace

MAX_USES = 5
LIFETIME = timedelta(minutes=30)


@dataclass
class ResponseUrl:
    token: str
    channel: str
    user: str
    created: datetime
    message_ts: str | None = None
    uses: int = 0


class ResponseUrls:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self._lock = threading.Lock()
        self._urls: dict[str, ResponseUrl] = {}

    def new(self, channel: str, user: str, message_ts: str | None = None) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._urls[token] = ResponseUrl(token, channel, user, self.ws.now(), message_ts)
        return token

    def _claim(self, token: str) -> ResponseUrl:
        with self._lock:
            url = self._urls.get(token)
            if url is None:
                raise SlackError("no_active_url")  # Slack's answer to an unknown hook
            if self.ws.now() - url.created > LIFETIME:
                raise SlackError("expired_url")
            if url.uses >= MAX_USES:
                raise SlackError("used_url")
            url.uses += 1
            return url

    def respond(self, token: str, body: dict) -> tuple[int, dict]:
        """Apply one POST to a response_url; returns (HTTP status, JSON body)."""
        try:
            url = self._claim(token)
        except SlackError as exc:
            return 404, {"ok": False, "error": exc.error}
        try:
            self._apply(url, body)
        except SlackError as exc:
            return (404 if exc.error == "message_not_found" else 400), {
                "ok": False, "error": exc.error, **exc.extra}
        return 200, {"ok": True}

    def _apply(self, url: ResponseUrl, body: dict) -> None:
        ws = self.ws
        if body.get("delete_original"):
            if url.message_ts is not None and ws.update_ephemeral(url.message_ts, delete=True):
                return
            if url.message_ts is None:
                raise SlackError("message_not_found")
            ws.delete_message(url.channel, url.message_ts)
            return
        text, blocks = check_content(body, self.ws)
        replace = str(body.get("replace_original", "")).lower() in ("true", "1")
        if replace and url.message_ts is not None and ws.update_ephemeral(url.message_ts, text=text,
                                                                          blocks=blocks):
            return
        if replace and url.message_ts is not None:
            ws.update_message(url.channel, url.message_ts, text=text, blocks=blocks)
        elif body.get("response_type") == "in_channel":
            ws.add_message(url.channel, text=text, blocks=blocks, as_bot=True,
                           thread_ts=body.get("thread_ts") or None)
        else:
            ws.add_ephemeral(url.channel, url.user, text, blocks,
                             thread_ts=body.get("thread_ts") or None, source="response_url")
