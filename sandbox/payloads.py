"""Builders of inbound Slack payloads, with the key sets Slack really sends.

Pure functions of a ``Workspace`` and arguments; ``sandbox.client`` signs and delivers them.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sandbox.escaping import escape_typed, rich_text_elements, unescape_entities
from sandbox.workspace import Workspace


def _user(ws: Workspace, user_id: str, with_username: bool = True) -> dict:
    name = ws.users[user_id]["name"] if user_id in ws.users else user_id.lower()
    user = {"id": user_id, "username": name, "name": name, "team_id": ws.team_id}
    if not with_username:
        user.pop("username")
    return user


def _team(ws: Workspace) -> dict:
    return {"id": ws.team_id, "domain": ws.team_domain}


def _channel(ws: Workspace, channel_id: str) -> dict:
    channel = ws.channels.get(channel_id)
    return {"id": channel_id, "name": channel["name"] if channel else channel_id}


def _channel_type(ws: Workspace, channel_id: str) -> str:
    channel = ws.channels.get(channel_id, {})
    if channel.get("is_im"):
        return "im"
    return "group" if channel.get("is_private") else "channel"


def action_ts(ws: Workspace) -> str:
    return f"{ws.now().timestamp():.6f}"


def slash_command(ws: Workspace, command: str, text: str, user: str, channel: str,
                  response_url: str, trigger_id: str) -> dict:
    """Form fields of a slash command request. ``text`` is what the person typed: it is sent HTML-escaped
    as Slack sends it (``&amp;`` ``&lt;`` ``&gt;``), the mentions they picked left as tokens."""
    return {
        "token": "sandbox-verification-token", "team_id": ws.team_id,
        "team_domain": ws.team_domain, "channel_id": channel,
        "channel_name": _channel(ws, channel)["name"] if not channel.startswith("D")
        else "directmessage",
        "user_id": user, "user_name": _user(ws, user)["name"], "command": command,
        "text": escape_typed(text), "api_app_id": ws.app_id, "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id,
    }


def action(action_id: str, value: Any = None, block_id: str | None = None,
           action_type: str = "button", ts: str = "", **fields: Any) -> dict:
    """One entry of ``actions`` in a block_actions payload."""
    entry: dict[str, Any] = {"action_id": action_id,
                             "block_id": block_id or secrets.token_hex(3),
                             "type": action_type, "action_ts": ts}
    if value is not None:
        entry["value"] = value
    if action_type == "button" and "text" not in fields:
        entry["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    entry.update(fields)
    return entry


def block_actions(ws: Workspace, actions: list[dict], user: str, trigger_id: str,
                  channel: str | None = None, message: dict | None = None,
                  view: dict | None = None, response_url: str | None = None,
                  container: dict | None = None, state: dict | None = None) -> dict:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": _user(ws, user), "api_app_id": ws.app_id,
        "token": "sandbox-verification-token", "trigger_id": trigger_id,
        "team": _team(ws), "enterprise": None, "is_enterprise_install": False,
    }
    if view is not None:
        payload["container"] = container or {"type": "view", "view_id": view["id"]}
        payload["view"] = copy.deepcopy(view)
        payload["view"].setdefault("state", {"values": {}})
    else:
        if message is not None:
            payload["container"] = container or {
                "type": "message", "message_ts": message["ts"], "channel_id": channel,
                "is_ephemeral": message.get("subtype") == "ephemeral"}
            if message.get("thread_ts"):
                payload["container"].setdefault("thread_ts", message["thread_ts"])
            payload["message"] = copy.deepcopy(message)
        else:
            payload["container"] = container or {"type": "message", "channel_id": channel}
        if channel:
            payload["channel"] = _channel(ws, channel)
        payload["state"] = state or {"values": {}}
        if response_url:
            payload["response_url"] = response_url
    payload["actions"] = actions
    return payload


def _view_for_payload(view: dict, values: dict | None) -> dict:
    out = copy.deepcopy(view)
    out["state"] = {"values": copy.deepcopy(values or {})}
    return out


def view_submission(ws: Workspace, view: dict, values: dict, user: str,
                    trigger_id: str, response_urls: list | None = None) -> dict:
    payload = {
        "type": "view_submission", "team": _team(ws), "user": _user(ws, user),
        "api_app_id": ws.app_id, "token": "sandbox-verification-token",
        "trigger_id": trigger_id, "view": _view_for_payload(view, values),
        "is_enterprise_install": False, "enterprise": None,
    }
    if response_urls:
        payload["response_urls"] = response_urls
    return payload


def view_closed(ws: Workspace, view: dict, user: str, is_cleared: bool = False) -> dict:
    return {
        "type": "view_closed", "team": _team(ws), "user": _user(ws, user),
        "api_app_id": ws.app_id, "token": "sandbox-verification-token",
        "view": _view_for_payload(view, view.get("state", {}).get("values")),
        "is_cleared": is_cleared, "is_enterprise_install": False, "enterprise": None,
    }


def message_shortcut(ws: Workspace, callback_id: str, message: dict, channel: str,
                     user: str, trigger_id: str, response_url: str) -> dict:
    return {
        "type": "message_action", "token": "sandbox-verification-token",
        "action_ts": action_ts(ws), "team": _team(ws), "user": _user(ws, user, False),
        "channel": _channel(ws, channel), "is_enterprise_install": False,
        "enterprise": None, "callback_id": callback_id, "trigger_id": trigger_id,
        "response_url": response_url, "message_ts": message["ts"],
        "message": copy.deepcopy(message),
    }


def global_shortcut(ws: Workspace, callback_id: str, user: str, trigger_id: str) -> dict:
    return {
        "type": "shortcut", "token": "sandbox-verification-token",
        "action_ts": action_ts(ws), "team": _team(ws), "user": _user(ws, user),
        "is_enterprise_install": False, "enterprise": None,
        "callback_id": callback_id, "trigger_id": trigger_id,
    }


def event_callback(ws: Workspace, event: dict, event_id: str | None = None) -> dict:
    """The Events API envelope around ``event``."""
    return {
        "token": "sandbox-verification-token", "team_id": ws.team_id,
        "context_team_id": ws.team_id, "context_enterprise_id": None,
        "api_app_id": ws.app_id, "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(ws.now().timestamp()),
        "authorizations": [{"enterprise_id": None, "team_id": ws.team_id,
                            "user_id": ws.bot_user_id, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }


def message_event(ws: Workspace, message: dict, channel: str) -> dict:
    """A ``message`` event for a stored message (plain, reply or thread broadcast). Its ``text`` is as
    stored, so a person's message arrives escaped (see ``sandbox.escaping``); the ``rich_text`` blocks
    carry the plain text and the picked mentions as elements, as Slack's do."""
    event = {k: copy.deepcopy(v) for k, v in message.items()
             if k in ("client_msg_id", "type", "subtype", "text", "user", "ts", "team",
                      "blocks", "thread_ts", "parent_user_id", "bot_id", "bot_profile",
                      "app_id", "attachments", "metadata")}
    event.update(channel=channel, event_ts=message["ts"],
                 channel_type=_channel_type(ws, channel))
    event.setdefault("blocks", [{"type": "rich_text", "block_id": secrets.token_hex(2),
                                 "elements": [{"type": "rich_text_section", "elements": rich_text_elements(
                                     unescape_entities(message.get("text", "")))}]}])
    return event


def app_mention_event(ws: Workspace, message: dict, channel: str) -> dict:
    event = message_event(ws, message, channel)
    event.pop("channel_type", None)
    event["type"] = "app_mention"
    return event


def app_home_opened_event(ws: Workspace, user: str, tab: str = "home") -> dict:
    dm = ws.open_dm(user)
    event = {"type": "app_home_opened", "user": user, "channel": dm["id"], "tab": tab,
             "event_ts": action_ts(ws)}
    if user in ws.home_views:
        event["view"] = copy.deepcopy(ws.home_views[user])
    return event


def url_verification(challenge: str) -> dict:
    return {"token": "sandbox-verification-token", "challenge": challenge,
            "type": "url_verification"}
