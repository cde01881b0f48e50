"""Deliver signed Slack payloads to the bot over HTTP, the way Slack does.

``SlackPayloadClient(bot_url, signing_secret, workspace, server)`` builds realistic slash
command, interactivity and Events API requests (see ``sandbox.payloads``), signs them with
``v0=HMAC-SHA256(secret, "v0:{ts}:{body}")`` and POSTs them to ``bot_url``.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox import payloads
from sandbox.escaping import escape_typed
from sandbox.state_values import state_value  # noqa: F401  (re-exported helper)
from sandbox.workspace import Workspace


@dataclass
class BotResponse:
    status: int
    headers: dict
    body: str
    json: dict | None


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackPayloadClient:
    def __init__(self, bot_url: str, signing_secret: str, workspace: Workspace,
                 server: Any = None, timeout: float = 10.0):
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.ws = workspace
        self.server = server
        self.timeout = timeout

    # ---- defaults ---------------------------------------------------------------------
    @property
    def default_user(self) -> str:
        humans = self.ws.human_user_ids()
        return humans[0] if humans else self.ws.bot_user_id

    @property
    def default_channel(self) -> str:
        if "C0APOLLO" in self.ws.channels:
            return "C0APOLLO"
        return next(iter(self.ws.channels), "C0GENERAL")

    def _response_url(self, channel: str | None, user: str, message_ts: str | None = None):
        if self.server is None or channel is None:
            return None
        return self.server.new_response_url(channel, user, message_ts)

    # ---- transport --------------------------------------------------------------------
    def post(self, body: str, content_type: str, *, timestamp: int | str | None = None,
             secret: str | None = None, headers: dict | None = None) -> BotResponse:
        """Sign ``body`` and POST it; ``timestamp``/``secret`` forge stale or bad requests."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        request_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret or self.signing_secret, ts, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        request_headers.update(headers or {})
        request = urllib.request.Request(self.bot_url, data=body.encode(), method="POST",
                                         headers=request_headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, response_headers = response.status, dict(response.headers)
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, response_headers = error.code, dict(error.headers or {})
            text = error.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        return BotResponse(status, response_headers, text,
                           parsed if isinstance(parsed, dict) else None)

    def _form(self, fields: dict, **opts: Any) -> BotResponse:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **opts)

    def _interactive(self, payload: dict, **opts: Any) -> BotResponse:
        return self._form({"payload": json.dumps(payload)}, **opts)

    def interactive(self, payload: dict, **opts: Any) -> BotResponse:
        """POST a ready-built interactivity payload (block_actions, ...) as Slack does."""
        return self._interactive(payload, **opts)

    def _json(self, payload: dict, **opts: Any) -> BotResponse:
        return self.post(json.dumps(payload), "application/json", **opts)

    # ---- slash commands, actions, shortcuts ------------------------------------------------
    def command(self, command: str, text: str = "", user: str | None = None,
                channel: str | None = None, **opts: Any) -> BotResponse:
        user, channel = user or self.default_user, channel or self.default_channel
        fields = payloads.slash_command(
            self.ws, command, text, user, channel,
            self._response_url(channel, user) or "", self.ws.new_trigger_id(user))
        return self._form(fields, **opts)

    def block_action(self, action_id: str, value: Any = None, user: str | None = None,
                     channel: str | None = None, message: dict | None = None,
                     view: dict | None = None, block_id: str | None = None,
                     container: dict | None = None, selected_option: Any = None,
                     action_type: str | None = None, state: dict | None = None,
                     **fields: Any) -> BotResponse:
        opts = {k: fields.pop(k) for k in ("timestamp", "secret", "headers") if k in fields}
        user = user or self.default_user
        if view is None:
            channel = channel or self.default_channel
        if selected_option is not None:
            if isinstance(selected_option, str):
                selected_option = {"text": {"type": "plain_text", "text": selected_option},
                                   "value": selected_option}
            fields["selected_option"] = selected_option
            action_type = action_type or "static_select"
        entry = payloads.action(action_id, value, block_id, action_type or "button",
                                payloads.action_ts(self.ws), **fields)
        response_url = None
        if view is None:
            response_url = self._response_url(channel, user, message and message.get("ts"))
        payload = payloads.block_actions(
            self.ws, [entry], user, self.ws.new_trigger_id(user), channel=channel,
            message=message, view=view, response_url=response_url, container=container,
            state=state)
        return self._interactive(payload, **opts)

    def message_shortcut(self, callback_id: str, message: dict, channel: str | None = None,
                         user: str | None = None, **opts: Any) -> BotResponse:
        user, channel = user or self.default_user, channel or self.default_channel
        payload = payloads.message_shortcut(
            self.ws, callback_id, message, channel, user, self.ws.new_trigger_id(user),
            self._response_url(channel, user, message.get("ts")) or "")
        return self._interactive(payload, **opts)

    def global_shortcut(self, callback_id: str, user: str | None = None,
                        **opts: Any) -> BotResponse:
        user = user or self.default_user
        payload = payloads.global_shortcut(self.ws, callback_id, user,
                                           self.ws.new_trigger_id(user))
        return self._interactive(payload, **opts)

    # ---- views ------------------------------------------------------------------------
    def view_submission(self, view: dict, values: dict, user: str | None = None,
                        **opts: Any) -> BotResponse:
        """Submit ``view`` (as the bot opened it) with ``state.values``; the workspace then
        follows the bot's ``response_action`` (none closes the modal)."""
        user = user or self.ws.view_owner(view["id"]) or self.default_user
        payload = payloads.view_submission(self.ws, view, values, user,
                                           self.ws.new_trigger_id(user))
        response = self._interactive(payload, **opts)
        if response.status == 200:
            self._follow_response_action(view, response.json or {}, user)
        return response

    def _follow_response_action(self, view: dict, answer: dict, user: str) -> None:
        from sandbox.webapi_views import _render

        action = answer.get("response_action")
        with self.ws.lock:
            if action == "errors" or view["id"] not in self.ws.views:
                return
            if action in ("update", "push") and isinstance(answer.get("view"), dict):
                if action == "update":
                    rendered = _render(self.ws, answer["view"], view["id"],
                                       view.get("root_view_id"), view.get("previous_view_id"))
                else:
                    rendered = _render(self.ws, answer["view"], self.ws.new_id("V"),
                                       view.get("root_view_id") or view["id"], view["id"])
                self.ws.store_view(rendered, user)
            elif action == "clear":
                root = view.get("root_view_id") or view["id"]
                for other in list(self.ws.views.values()):
                    if other.get("root_view_id") == root and other["type"] == "modal":
                        self.ws.close_view(other["id"])
            else:
                self.ws.close_view(view["id"])

    def view_closed(self, view: dict, user: str | None = None, is_cleared: bool = False,
                    **opts: Any) -> BotResponse:
        user = user or self.ws.view_owner(view["id"]) or self.default_user
        self.ws.close_view(view["id"])
        return self._interactive(payloads.view_closed(self.ws, view, user, is_cleared), **opts)

    # ---- events -----------------------------------------------------------------------
    def event(self, event: dict, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str | None = None, **opts: Any) -> BotResponse:
        envelope = payloads.event_callback(self.ws, copy.deepcopy(event), event_id)
        headers = dict(opts.pop("headers", None) or {})
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self._json(envelope, headers=headers, **opts)

    def message(self, channel: str, user: str, text: str, thread_ts: str | None = None,
                **opts: Any) -> BotResponse:
        """Post a user's message (``text`` as typed) into the workspace and deliver its ``message`` event;
        Slack stores and sends it escaped."""
        stored = self.ws.add_message(channel, user=user, text=escape_typed(text), thread_ts=thread_ts)
        return self.event(payloads.message_event(self.ws, stored, channel), **opts)

    def app_mention(self, channel: str, user: str, text: str, thread_ts: str | None = None,
                    **opts: Any) -> BotResponse:
        """Post a message mentioning the bot and deliver its ``app_mention`` event."""
        if f"<@{self.ws.bot_user_id}>" not in text:
            text = f"<@{self.ws.bot_user_id}> {text}"
        stored = self.ws.add_message(channel, user=user, text=escape_typed(text), thread_ts=thread_ts)
        return self.event(payloads.app_mention_event(self.ws, stored, channel), **opts)

    def app_home_opened(self, user: str | None = None, **opts: Any) -> BotResponse:
        return self.event(payloads.app_home_opened_event(self.ws, user or self.default_user),
                          **opts)

    def url_verification(self, challenge: str, **opts: Any) -> BotResponse:
        return self._json(payloads.url_verification(challenge), **opts)
