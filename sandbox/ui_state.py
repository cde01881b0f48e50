"""What one member sees of the workspace: the JSON the browser UI renders.

Visibility follows Slack: public channels for everyone, private ones for their members, the member's
own DM with the app, ephemerals only for the member they were posted to, the member's own modal stack
and App Home.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.workspace import SlackError, Workspace


def _person(user: dict) -> dict:
    profile = user.get("profile", {})
    return {"id": user["id"], "name": user["name"], "real_name": user.get("real_name", user["name"]),
            "display_name": profile.get("display_name") or user["name"], "tz": user.get("tz"),
            "title": profile.get("title", ""), "is_bot": bool(user.get("is_bot")),
            "is_admin": bool(user.get("is_admin"))}


def dm_id(user: str) -> str:
    return "D" + user[1:]


def visible_channels(ws: Workspace, user: str) -> list[dict]:
    with ws.lock:
        channels = [c for c in ws.channels.values()
                    if not c.get("is_im") and (not c["is_private"] or user in c["members"])]
        return [{"id": c["id"], "name": c["name"], "is_private": c["is_private"], "is_member": user in c["members"],
                 "purpose": c.get("purpose", {}).get("value", ""), "topic": c.get("topic", {}).get("value", ""),
                 "members": len([m for m in c["members"] if m != ws.bot_user_id]),
                 "bot_member": ws.bot_user_id in c["members"], "is_archived": c["is_archived"]}
                for c in sorted(channels, key=lambda c: c["name"])]


def _shown(message: dict, user: str) -> dict:
    out = dict(message)
    if out.get("subtype") == "ephemeral":
        out["only_visible_to_you"] = True
        out["from_sandbox"] = out.get("source") == "sandbox"
    return out


def conversation(ws: Workspace, channel: str, user: str, thread_ts: str | None = None) -> dict:
    """The channel's top-level messages (and the open thread), with this member's ephemerals."""
    try:
        found = ws.channel(channel)
    except SlackError:
        return {"channel": channel, "messages": [], "thread": None}
    channel_id = found["id"]
    if found["is_private"] and user not in found["members"]:  # another member's DM, a private channel
        return {"channel": channel_id, "messages": [], "thread": None}
    everything = ws.messages(channel_id)
    mine = [e for e in ws.ephemerals(channel_id, user)]
    top = [m for m in everything + [e for e in mine if not e.get("thread_ts")]
           if m.get("thread_ts", m["ts"]) == m["ts"] or m.get("subtype") == "thread_broadcast"]
    top.sort(key=lambda m: float(m["ts"]))
    thread = None
    if thread_ts:
        replies = [m for m in everything + [e for e in mine if e.get("thread_ts") == thread_ts]
                   if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts]
        replies.sort(key=lambda m: float(m["ts"]))
        thread = {"ts": thread_ts, "messages": [_shown(m, user) for m in replies]}
    return {"channel": channel_id, "messages": [_shown(m, user) for m in top], "thread": thread}


def modal_stack(ws: Workspace, user: str) -> list[dict]:
    """The member's open modals, bottom first (the last one is on top)."""
    with ws.lock:
        top = ws.latest_view(user)
        stack = []
        while top is not None:
            stack.insert(0, top)
            previous = top.get("previous_view_id")
            top = copy.deepcopy(ws.views[previous]) if previous and previous in ws.views else None
        return stack


def snapshot(ws: Workspace, user: str, channel: str | None, thread_ts: str | None, *,
             commands: list[dict], shortcuts: list[dict], app: dict) -> dict[str, Any]:
    with ws.lock:
        people = [_person(u) for u in ws.users.values()]
        home = ws.home_views.get(user)
    me = next((p for p in people if p["id"] == user), None)
    if me is None or me["is_bot"]:
        raise SlackError("user_not_found")
    out: dict[str, Any] = {
        "version": ws.version, "now": ws.now().isoformat(), "team": {"id": ws.team_id, "name": ws.team_name},
        "me": me, "users": people, "channels": visible_channels(ws, user),
        "dms": [{"id": dm_id(user), "name": app.get("name", ws.bot_name), "user": ws.bot_user_id}],
        "bot": {"id": ws.bot_user_id, "name": ws.bot_name},
        "commands": commands, "shortcuts": shortcuts, "app": app,
        "modals": modal_stack(ws, user), "home": home,
    }
    if channel and channel != "home":
        out["conversation"] = conversation(ws, channel, user, thread_ts)
    return out
