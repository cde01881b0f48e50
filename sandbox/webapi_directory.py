"""users.* and conversations.* Web API methods, with Slack-style cursor pagination."""

from __future__ import annotations

import base64
import copy

from sandbox.webapi import flag, required
from sandbox.workspace import SlackError, Workspace

DEFAULT_LIMIT = 100


def _encode(kind: str, key: str) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def _page(items: list, keys: list[str], args: dict, kind: str,
          default_limit: int = DEFAULT_LIMIT) -> tuple[list, str]:
    """One page of ``items`` (identified by ``keys``) after ``cursor``; returns next cursor."""
    try:
        limit = int(args.get("limit") or default_limit)
    except ValueError:
        raise SlackError("invalid_limit")
    limit = max(1, min(limit, 1000))
    start = 0
    cursor = args.get("cursor")
    if cursor:
        try:
            cursor_kind, key = base64.b64decode(cursor).decode().split(":", 1)
            start = keys.index(key)
        except (ValueError, UnicodeDecodeError):
            raise SlackError("invalid_cursor")
        if cursor_kind != kind:
            raise SlackError("invalid_cursor")
    page = items[start:start + limit]
    rest = start + limit
    return page, (_encode(kind, keys[rest]) if rest < len(items) else "")


# ---- users --------------------------------------------------------------------------------
def users_info(ws: Workspace, args: dict) -> dict:
    return {"ok": True, "user": ws.user_info(required(args, "user"))}


def users_list(ws: Workspace, args: dict) -> dict:
    ids = list(ws.users)
    page, cursor = _page(ids, ids, args, "user", default_limit=1000)
    return {"ok": True, "members": [ws.user_info(u) for u in page],
            "cache_ts": int(ws.now().timestamp()),
            "response_metadata": {"next_cursor": cursor}}


def users_lookup_by_email(ws: Workspace, args: dict) -> dict:
    email = str(required(args, "email")).lower()
    for user_id, user in ws.users.items():
        if user["profile"].get("email", "").lower() == email:
            return {"ok": True, "user": ws.user_info(user_id)}
    raise SlackError("users_not_found")


# ---- conversations ------------------------------------------------------------------------
def visible_channel(ws: Workspace, channel_id: str) -> dict:
    """A channel the bot can see: private channels it is not in do not exist for it."""
    channel = ws.channel(channel_id)
    if channel["is_private"] and not ws.is_bot_member(channel["id"]):
        raise SlackError("channel_not_found")
    return channel


def render_channel(ws: Workspace, channel: dict, num_members: bool = False) -> dict:
    out = copy.deepcopy({k: v for k, v in channel.items() if k != "members"})
    if out.get("is_im"):
        out = {k: out[k] for k in ("id", "created", "is_archived", "is_im", "is_org_shared",
                                   "context_team_id", "updated", "user")}
        out["is_open"] = True
        return out
    out["is_member"] = ws.bot_user_id in channel["members"]
    if num_members:
        out["num_members"] = len(channel["members"])
    return out


def conversations_info(ws: Workspace, args: dict) -> dict:
    channel = visible_channel(ws, required(args, "channel"))
    return {"ok": True, "channel": render_channel(ws, channel,
                                                  flag(args, "include_num_members"))}


def conversations_members(ws: Workspace, args: dict) -> dict:
    channel = visible_channel(ws, required(args, "channel"))
    members = list(channel["members"])
    page, cursor = _page(members, members, args, "user")
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}


def conversations_open(ws: Workspace, args: dict) -> dict:
    if args.get("channel"):
        return {"ok": True, "channel": {"id": visible_channel(ws, args["channel"])["id"]}}
    users = [u.strip() for u in str(required(args, "users")).split(",") if u.strip()]
    if len(users) != 1:
        raise SlackError("not_enough_users" if not users else "invalid_arguments")
    dm = ws.open_dm(users[0])
    if flag(args, "return_im"):
        return {"ok": True, "channel": render_channel(ws, dm)}
    return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": dm["id"]}}


def _readable(ws: Workspace, args: dict) -> dict:
    channel = visible_channel(ws, required(args, "channel"))
    if not ws.is_bot_member(channel["id"]):
        raise SlackError("not_in_channel")
    return channel


def _in_range(message: dict, args: dict) -> bool:
    ts = float(message["ts"])
    inclusive = flag(args, "inclusive")
    if args.get("oldest"):
        oldest = float(args["oldest"])
        if ts < oldest or (ts == oldest and not inclusive):
            return False
    if args.get("latest"):
        latest = float(args["latest"])
        if ts > latest or (ts == latest and not inclusive):
            return False
    return True


def _paged_messages(messages: list[dict], args: dict, default_limit: int) -> dict:
    keys = [m["ts"] for m in messages]
    page, cursor = _page(messages, keys, args, "next_ts", default_limit)
    page = copy.deepcopy(page)
    if not flag(args, "include_all_metadata"):  # Slack returns message metadata only when asked
        for message in page:
            message.pop("metadata", None)
    result = {"ok": True, "messages": page, "has_more": bool(cursor)}
    if cursor:
        result["response_metadata"] = {"next_cursor": cursor}
    return result


def conversations_history(ws: Workspace, args: dict) -> dict:
    channel = _readable(ws, args)
    messages = [m for m in ws.top_level(channel["id"], copies=False) if _in_range(m, args)]
    messages.reverse()  # newest first, as Slack returns them
    result = _paged_messages(messages, args, 100)
    result["pin_count"] = 0
    return result


def conversations_replies(ws: Workspace, args: dict) -> dict:
    channel = _readable(ws, args)
    ts = required(args, "ts")
    thread = ws.thread(channel["id"], ts)
    if not thread:
        raise SlackError("thread_not_found")
    parent, replies = thread[0], [m for m in thread[1:] if _in_range(m, args)]
    result = _paged_messages([parent] + replies, args, 1000)
    return result


METHODS = {
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.info": conversations_info,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
