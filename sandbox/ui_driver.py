"""What a person does in the browser UI, delivered to the bot exactly as Slack delivers it.

Every gesture becomes the signed HTTP request Slack would send (built by ``sandbox.payloads``,
posted by ``sandbox.client``); what the bot answers in the HTTP response is applied the way Slack
applies it (a slash command's ack text becomes an ephemeral, ``response_action`` drives the modal).
A bot that is down or too slow (Slack waits 3 seconds) is reported like Slack does: "did not respond".
"""

from __future__ import annotations

import copy
import re
import socket
import urllib.error
from dataclasses import dataclass, field
from typing import Any

from sandbox import payloads
from sandbox.client import BotResponse, SlackPayloadClient
from sandbox.escaping import escape_typed
from sandbox.workspace import SlackError, Workspace

ACK_TIMEOUT = 3.0  # seconds Slack waits for an HTTP 200 before it gives up
SANDBOX_SOURCE = "sandbox"  # ephemerals the sandbox itself posts (Slackbot's notices)


class UiError(Exception):
    """A gesture the UI sent that cannot be done (unknown channel, view, message...)."""


@dataclass
class Outcome:
    """What the UI shows after a gesture: ``ok``, or the notice of why not, and modal errors."""

    ok: bool = True
    notice: str | None = None
    errors: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "notice": self.notice, "errors": self.errors}


def did_not_respond(app_name: str) -> str:
    return f"{app_name} did not respond. Please try again in a moment."


MENTION = re.compile(r"(?<![\w<@#|])([@#])([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)


def link_names(ws: Workspace, text: str, with_names: bool) -> str:
    """What Slack's composer does with ``@handle`` and ``#channel`` the person picked from its
    autocomplete: ``<@U…>``/``<#C…>`` (``<@U…|handle>`` for commands whose ``should_escape`` is on)."""
    with ws.lock:
        users = {u["name"].lower(): u["id"] for u in ws.users.values()}
        channels = {c["name"].lower(): c["id"] for c in ws.channels.values() if not c.get("is_im")}

    def replace(match: re.Match) -> str:
        sigil, name = match.group(1), match.group(2).rstrip(".")
        rest = match.group(2)[len(name):]
        target = (users if sigil == "@" else channels).get(name.lower())
        if target is None:
            return match.group(0)
        return f"<{sigil}{target}|{name}>{rest}" if with_names else f"<{sigil}{target}>{rest}"

    return MENTION.sub(replace, text)


class UiDriver:
    def __init__(self, server: Any, bot_url: str, signing_secret: str, manifest: dict | None = None,
                 timeout: float = ACK_TIMEOUT):
        self.server = server
        self.ws: Workspace = server.ws
        self.manifest = manifest or {}
        self.client = SlackPayloadClient(bot_url, signing_secret, self.ws, server, timeout=timeout)

    # ---- the manifest ------------------------------------------------------------------------
    @property
    def app_name(self) -> str:
        return self.manifest.get("display_information", {}).get("name", self.ws.bot_name)

    def commands(self) -> list[dict]:
        return list(self.manifest.get("features", {}).get("slash_commands", []))

    def message_shortcuts(self) -> list[dict]:
        return [s for s in self.manifest.get("features", {}).get("shortcuts", []) if s.get("type") == "message"]

    def subscribed(self, event: str) -> bool:
        events = self.manifest.get("settings", {}).get("event_subscriptions", {}).get("bot_events", [])
        return event in events

    # ---- delivery ----------------------------------------------------------------------------
    def _deliver(self, send) -> BotResponse | None:
        """The bot's answer, or None when it did not answer with a 200 in time."""
        try:
            response = send()
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError):
            return None
        return response if response.status == 200 else None

    def _notice(self, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
        if channel:
            self.ws.add_ephemeral(channel, user, text, thread_ts=thread_ts, source=SANDBOX_SOURCE)

    def _failed(self, channel: str | None, user: str, thread_ts: str | None = None) -> Outcome:
        text = did_not_respond(self.app_name)
        self._notice(channel, user, text, thread_ts)
        return Outcome(False, text)

    # ---- messages and slash commands ----------------------------------------------------------
    def channel_for(self, channel: str, user: str) -> dict:
        if channel == "D" + user[1:]:
            return self.ws.open_dm(user)
        try:
            found = self.ws.channel(channel)
        except SlackError as exc:
            raise UiError(f"no channel {channel}") from exc
        if user not in found["members"]:
            raise UiError(f"{user} is not in #{found['name']}")
        return found

    def post_message(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Outcome:
        found = self.channel_for(channel, user)
        if not text.strip():
            raise UiError("empty message")
        stored = self.ws.add_message(found["id"], user=user, text=escape_typed(link_names(self.ws, text, False)),
                                     thread_ts=thread_ts or None)
        kind = "im" if found.get("is_im") else ("groups" if found.get("is_private") else "channels")
        if not self.ws.is_bot_member(found["id"]) or not self.subscribed(f"message.{kind}"):
            return Outcome()
        event = payloads.message_event(self.ws, stored, found["id"])
        if self._deliver(lambda: self.client.event(event)) is None:
            return Outcome(False, did_not_respond(self.app_name))
        return Outcome()

    def slash_command(self, user: str, channel: str, command: str, text: str) -> Outcome:
        found = self.channel_for(channel, user)
        known = {c["command"]: c for c in self.commands()}
        if command not in known:
            self._notice(found["id"], user, f"`{command}` is not a valid command. In Slack, all messages "
                                            "that start with the \"/\" character are interpreted as commands.")
            return Outcome(False, f"{command} is not a valid command")
        if known[command].get("should_escape"):
            text = link_names(self.ws, text, True)
        response = self._deliver(lambda: self.client.command(command, text, user=user, channel=found["id"]))
        if response is None:
            text = f"{command} failed: {did_not_respond(self.app_name)}"
            self._notice(found["id"], user, text)
            return Outcome(False, text)
        self._apply_ack_body(response, found["id"], user)
        return Outcome()

    def _apply_ack_body(self, response: BotResponse, channel: str, user: str) -> None:
        body = response.json
        if body is None:
            if response.body.strip():
                self.ws.add_ephemeral(channel, user, response.body.strip(), source="ack")
            return
        if not body.get("text") and not body.get("blocks"):
            return
        if body.get("response_type") == "in_channel":
            self.ws.add_message(channel, text=body.get("text", ""), blocks=body.get("blocks"), as_bot=True)
        else:
            self.ws.add_ephemeral(channel, user, body.get("text", ""), body.get("blocks"), source="ack")

    # ---- interactivity -----------------------------------------------------------------------
    def _message(self, channel: str, ts: str) -> dict:
        try:
            return copy.deepcopy(self.ws.get_message(channel, ts))
        except SlackError:
            for ephemeral in self.ws.ephemerals(channel):
                if ephemeral["ts"] == ts:
                    return ephemeral
        raise UiError(f"no message {ts} in {channel}")

    def _view(self, view_id: str, user: str) -> dict:
        with self.ws.lock:
            view = self.ws.views.get(view_id)
            if view is None or (self.ws.view_owner(view_id) not in (None, user)):
                raise UiError(f"no view {view_id} for {user}")
            return copy.deepcopy(view)

    def _remember_state(self, view_id: str, values: dict) -> None:
        with self.ws.lock:
            view = self.ws.views.get(view_id)
            if view is not None:
                view["state"] = {"values": copy.deepcopy(values)}

    def block_action(self, user: str, action: dict, *, channel: str | None = None, ts: str | None = None,
                     view_id: str | None = None, state: dict | None = None) -> Outcome:
        action = dict(action)
        entry = payloads.action(str(action.pop("action_id")), action.pop("value", None),
                                action.pop("block_id", None), str(action.pop("type", "button")),
                                payloads.action_ts(self.ws), **action)
        trigger = self.ws.new_trigger_id(user)
        if view_id:
            self._remember_state(view_id, state or {})
            view = self._view(view_id, user)
            view["state"] = {"values": copy.deepcopy(state or {})}
            payload = payloads.block_actions(self.ws, [entry], user, trigger, view=view)
            channel = None
        else:
            if not channel or not ts:
                raise UiError("an action needs a message or a view")
            message = self._message(channel, ts)
            response_url = self.server.new_response_url(channel, user, ts)
            payload = payloads.block_actions(self.ws, [entry], user, trigger, channel=channel, message=message,
                                             response_url=response_url, state={"values": state or {}})
        if self._deliver(lambda: self.client.interactive(payload)) is None:
            return self._failed(channel, user)
        return Outcome()

    def message_shortcut(self, user: str, callback_id: str, channel: str, ts: str) -> Outcome:
        if callback_id not in {s["callback_id"] for s in self.message_shortcuts()}:
            raise UiError(f"no message shortcut {callback_id}")
        message = self._message(channel, ts)
        if self._deliver(lambda: self.client.message_shortcut(callback_id, message, channel, user)) is None:
            return self._failed(channel, user)
        return Outcome()

    # ---- modals and App Home -----------------------------------------------------------------
    def submit_view(self, user: str, view_id: str, values: dict) -> Outcome:
        view = self._view(view_id, user)
        self._remember_state(view_id, values)
        response = self._deliver(lambda: self.client.view_submission(view, values, user=user))
        if response is None:
            return Outcome(False, f"We had some trouble connecting: {did_not_respond(self.app_name)}")
        answer = response.json or {}
        if answer.get("response_action") == "errors":
            return Outcome(False, None, dict(answer.get("errors") or {}))
        return Outcome()

    def close_view(self, user: str, view_id: str) -> Outcome:
        view = self._view(view_id, user)
        if not view.get("notify_on_close"):
            self.ws.close_view(view_id)
            return Outcome()
        if self._deliver(lambda: self.client.view_closed(view, user=user)) is None:
            self.ws.close_view(view_id)  # Slack closes the modal whether or not the app hears of it
        return Outcome()

    def open_home(self, user: str) -> Outcome:
        if not self.subscribed("app_home_opened"):
            return Outcome()
        if self._deliver(lambda: self.client.app_home_opened(user)) is None:
            return Outcome(False, did_not_respond(self.app_name))
        return Outcome()
