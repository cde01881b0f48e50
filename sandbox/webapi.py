"""Web API dispatch plus the chat.*, reactions.* and auth.* methods.

``WebAPI(ws).call(method, args, token)`` returns the JSON body Slack would return; Slack answers
API errors with HTTP 200 and ``{"ok": false, "error": ...}``, and so does this.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from sandbox.blockkit import TEXT_TOO_LONG, validate_message
from sandbox.files import slack_file_errors
from sandbox.workspace import SlackError, Workspace

JSON_ARGS = ("blocks", "attachments", "view", "metadata")

Method = Callable[[Workspace, dict], dict]


def normalize_args(args: dict) -> dict:
    """Decode JSON-in-a-string arguments (form-encoded ``blocks``, ``view``, ...)."""
    out = dict(args)
    for key in JSON_ARGS:
        value = out.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                out[key] = json.loads(value)
            except ValueError:
                raise SlackError("invalid_arguments" if key == "view" else f"invalid_{key}")
    return out


def flag(args: dict, key: str) -> bool:
    value = args.get(key)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def required(args: dict, key: str) -> Any:
    value = args.get(key)
    if value in (None, ""):
        raise SlackError("invalid_arguments",
                         response_metadata={"messages": [f"[ERROR] missing required field: {key}"]})
    return value


def check_content(args: dict, ws: Workspace | None = None) -> tuple[str, list | None]:
    """The message's text and blocks, or Slack's error; with ``ws``, image blocks must name files it has."""
    text = args.get("text") or ""
    blocks = args.get("blocks")
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    errors = validate_message(blocks, text)
    if any(e.startswith(TEXT_TOO_LONG) for e in errors):
        raise SlackError("msg_too_long")
    if not errors and ws is not None and blocks:
        errors = slack_file_errors(blocks, ws.file_store)
    if errors:
        raise SlackError("invalid_blocks", errors=errors)
    return text, blocks


def postable_channel(ws: Workspace, channel: str) -> dict:
    """The channel the bot may post into, or Slack's error for why not."""
    if channel.startswith(("U", "W")) and channel in ws.users:
        return ws.open_dm(channel)
    found = ws.channel(channel)
    if found["is_archived"]:
        raise SlackError("is_archived")
    if not ws.is_bot_member(found["id"]):
        raise SlackError("not_in_channel")
    return found


# ---- auth ---------------------------------------------------------------------------------
def auth_test(ws: Workspace, args: dict) -> dict:
    return {"ok": True, "url": ws.base_url, "team": ws.team_name, "user": ws.bot_name,
            "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id,
            "app_id": ws.app_id, "is_enterprise_install": False}


# ---- chat ---------------------------------------------------------------------------------
def _public(message: dict) -> dict:
    return {k: v for k, v in message.items() if k != "channel"}


def chat_post_message(ws: Workspace, args: dict) -> dict:
    channel = postable_channel(ws, required(args, "channel"))
    text, blocks = check_content(args, ws)
    metadata = args.get("metadata")
    if metadata and not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                         and isinstance(metadata.get("event_payload", {}), dict)):
        raise SlackError("invalid_metadata_format")
    extra = {k: args[k] for k in ("attachments", "metadata") if args.get(k)}
    message = ws.add_message(channel["id"], text=text, blocks=blocks, as_bot=True,
                             thread_ts=args.get("thread_ts") or None,
                             reply_broadcast=flag(args, "reply_broadcast"), **extra)
    return {"ok": True, "channel": channel["id"], "ts": message["ts"],
            "message": _public(message)}


def chat_post_ephemeral(ws: Workspace, args: dict) -> dict:
    channel = postable_channel(ws, required(args, "channel"))
    user = required(args, "user")
    if user not in channel["members"]:
        raise SlackError("user_not_in_channel")
    text, blocks = check_content(args, ws)
    ephemeral = ws.add_ephemeral(channel["id"], user, text, blocks,
                                 thread_ts=args.get("thread_ts") or None)
    return {"ok": True, "message_ts": ephemeral["ts"]}


def _own_message(ws: Workspace, args: dict, error: str) -> tuple[dict, dict]:
    channel = ws.channel(required(args, "channel"))
    message = ws.get_message(channel["id"], required(args, "ts"))
    if message.get("bot_id") != ws.bot_id:
        raise SlackError(error)
    return channel, message


def chat_update(ws: Workspace, args: dict) -> dict:
    channel, _ = _own_message(ws, args, "cant_update_message")
    if channel["is_archived"]:
        raise SlackError("is_archived")
    text, blocks = check_content(args, ws)
    message = ws.update_message(channel["id"], args["ts"], text=text, blocks=blocks,
                                attachments=args.get("attachments"))
    return {"ok": True, "channel": channel["id"], "ts": message["ts"], "text": text,
            "message": _public(message)}


def chat_delete(ws: Workspace, args: dict) -> dict:
    channel, _ = _own_message(ws, args, "cant_delete_message")
    ws.delete_message(channel["id"], args["ts"])
    return {"ok": True, "channel": channel["id"], "ts": args["ts"]}


def chat_get_permalink(ws: Workspace, args: dict) -> dict:
    channel = ws.channel(required(args, "channel"))
    message = ws.get_message(channel["id"], required(args, "message_ts"))
    link = f"{ws.base_url}archives/{channel['id']}/p{message['ts'].replace('.', '')}"
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        link += f"?thread_ts={message['thread_ts']}&cid={channel['id']}"
    return {"ok": True, "channel": channel["id"], "permalink": link}


# ---- reactions ----------------------------------------------------------------------------
def reactions_add(ws: Workspace, args: dict) -> dict:
    channel = ws.channel(required(args, "channel"))
    name = str(required(args, "name")).strip(":")
    if not name or " " in name:
        raise SlackError("invalid_name")
    if not ws.is_bot_member(channel["id"]):
        raise SlackError("not_in_channel")
    ws.add_reaction(channel["id"], required(args, "timestamp"), name, ws.bot_user_id)
    return {"ok": True}


def build_methods() -> dict[str, Method]:
    from sandbox import webapi_directory, webapi_files, webapi_views

    methods: dict[str, Method] = {
        "api.test": lambda ws, args: {"ok": True, "args": args},
        "auth.test": auth_test,
        "chat.postMessage": chat_post_message,
        "chat.postEphemeral": chat_post_ephemeral,
        "chat.update": chat_update,
        "chat.delete": chat_delete,
        "chat.getPermalink": chat_get_permalink,
        "reactions.add": reactions_add,
    }
    methods.update(webapi_directory.METHODS)
    methods.update(webapi_views.METHODS)
    methods.update(webapi_files.METHODS)
    return methods


# Methods called with the app-level token (xapp-) rather than the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class WebAPI:
    """Routes a method name and its arguments to the implementation, under the ws lock."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.methods = build_methods()

    def call(self, method: str, args: dict, token: str | None) -> dict:
        implementation = self.methods.get(method)
        if implementation is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        try:
            if method in APP_TOKEN_METHODS:
                if not (token or "").startswith("xapp-"):
                    raise SlackError("not_allowed_token_type")
            elif method != "api.test":
                self.ws.check_token(token)
            with self.ws.lock:
                return implementation(self.ws, normalize_args(args))
        except SlackError as exc:
            return {"ok": False, "error": exc.error, **exc.extra}
