"""views.open / views.push / views.update / views.publish."""

from __future__ import annotations

import copy
import secrets

from sandbox.blockkit import validate_view
from sandbox.files import slack_file_errors
from sandbox.webapi import required
from sandbox.workspace import SlackError, Workspace

MAX_STACK = 3


def _checked(view: object, expected_type: str, ws: Workspace | None = None) -> dict:
    errors = validate_view(view, expected_type)
    if not errors and ws is not None:
        errors = slack_file_errors(view.get("blocks"), ws.file_store, "/view/blocks")  # type: ignore[union-attr]
    if errors:
        raise SlackError("invalid_arguments",
                         response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
    return view  # type: ignore[return-value]


def _new_hash(ws: Workspace) -> str:
    return f"{int(ws.now().timestamp())}.{secrets.token_hex(4)}"


def _render(ws: Workspace, view: dict, view_id: str, root_view_id: str | None,
            previous_view_id: str | None) -> dict:
    rendered = {
        "id": view_id, "team_id": ws.team_id, "type": view["type"],
        "title": view.get("title"), "submit": view.get("submit"), "close": view.get("close"),
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}}, "hash": _new_hash(ws),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "submit_disabled": bool(view.get("submit_disabled", False)),
        "root_view_id": root_view_id or view_id, "previous_view_id": previous_view_id,
        "app_id": ws.app_id, "app_installed_team_id": ws.team_id, "bot_id": ws.bot_id,
    }
    if view["type"] == "home":
        for key in ("title", "submit", "close"):
            if rendered[key] is None:
                rendered.pop(key)
    return rendered


def _external_id_free(ws: Workspace, external_id: str | None, own_id: str | None = None):
    if not external_id:
        return
    for other in ws.views.values():
        if other.get("external_id") == external_id and other["id"] != own_id:
            raise SlackError("duplicate_external_id")


def _ok(view: dict) -> dict:
    return {"ok": True, "view": view, "response_metadata": {"messages": [], "warnings": []}}


def views_open(ws: Workspace, args: dict) -> dict:
    user = ws.use_trigger(required(args, "trigger_id"))
    view = _checked(required(args, "view"), "modal", ws)
    _external_id_free(ws, view.get("external_id"))
    rendered = _render(ws, view, ws.new_id("V"), None, None)
    return _ok(ws.store_view(rendered, user))


def views_push(ws: Workspace, args: dict) -> dict:
    user = ws.use_trigger(required(args, "trigger_id"))
    view = _checked(required(args, "view"), "modal", ws)
    _external_id_free(ws, view.get("external_id"))
    top = ws.latest_view(user) if user else ws.latest_view()
    if top is None:
        raise SlackError("not_found")
    depth, cursor = 1, top
    while cursor.get("previous_view_id"):
        depth += 1
        cursor = ws.views.get(cursor["previous_view_id"]) or {}
    if depth >= MAX_STACK:
        raise SlackError("push_limit_reached")
    rendered = _render(ws, view, ws.new_id("V"), top["root_view_id"], top["id"])
    return _ok(ws.store_view(rendered, user))


def views_update(ws: Workspace, args: dict) -> dict:
    if not args.get("view_id") and not args.get("external_id"):
        raise SlackError("invalid_arguments", response_metadata={
            "messages": ["[ERROR] one of view_id or external_id is required"]})
    current = ws.find_view(args.get("view_id"), args.get("external_id"))
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = _checked(required(args, "view"), current["type"], ws)
    _external_id_free(ws, view.get("external_id"), current["id"])
    rendered = _render(ws, view, current["id"], current["root_view_id"],
                       current["previous_view_id"])
    rendered["state"] = copy.deepcopy(current.get("state", {"values": {}}))
    if current["type"] == "home":
        owner = ws.view_owner(current["id"])
        ws.views[current["id"]] = rendered
        if owner:
            ws.home_views[owner] = rendered
        ws.touch()
        return _ok(copy.deepcopy(rendered))
    return _ok(ws.store_view(rendered, ws.view_owner(current["id"])))


def views_publish(ws: Workspace, args: dict) -> dict:
    user = required(args, "user_id")
    ws.user_info(user)
    view = _checked(required(args, "view"), "home", ws)
    current = ws.home_views.get(user)
    if current and args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view_id = current["id"] if current else ws.new_id("V")
    rendered = _render(ws, view, view_id, None, None)
    ws.home_views[user] = rendered
    ws.views[view_id] = rendered
    ws._view_owner[view_id] = user
    ws.touch()
    return _ok(copy.deepcopy(rendered))


METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
