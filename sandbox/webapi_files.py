"""files.getUploadURLExternal, files.completeUploadExternal, files.info and files.delete (sandbox/files.py)."""

from __future__ import annotations

import json

from sandbox.files import MAX_LENGTH
from sandbox.webapi import postable_channel, required
from sandbox.workspace import SlackError, Workspace


def files_get_upload_url_external(ws: Workspace, args: dict) -> dict:
    filename = str(required(args, "filename"))
    try:
        length = int(required(args, "length"))
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments",
                         response_metadata={"messages": ["[ERROR] length must be an integer"]})
    if length <= 0:
        raise SlackError("invalid_arguments",
                         response_metadata={"messages": ["[ERROR] length must be more than 0"]})
    if length > MAX_LENGTH:
        raise SlackError("file_too_large")
    reserved = ws.file_store.reserve(filename, length, str(args.get("alt_txt") or ""),
                                     str(args.get("snippet_type") or ""))
    return {"ok": True, **reserved}


def _entries(args: dict) -> list[dict]:
    files = required(args, "files")
    if isinstance(files, str):
        try:
            files = json.loads(files)
        except ValueError:
            raise SlackError("invalid_arguments",
                             response_metadata={"messages": ["[ERROR] files must be a JSON array"]})
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
        raise SlackError("invalid_arguments",
                         response_metadata={"messages": ["[ERROR] files must be an array of objects with an id"]})
    return files


def files_complete_upload_external(ws: Workspace, args: dict) -> dict:
    entries = _entries(args)
    target = args.get("channel_id") or str(args.get("channels") or "").split(",")[0].strip() or None
    channel = postable_channel(ws, target) if target else None
    files = ws.file_store.complete(entries, channel, str(args.get("initial_comment") or ""),
                                   args.get("thread_ts") or None)
    return {"ok": True, "files": files}


def files_info(ws: Workspace, args: dict) -> dict:
    store = ws.file_store
    file = store.get(str(required(args, "file")))
    return {"ok": True, "file": store.file_object(file), "comments": [], "response_metadata": {"next_cursor": ""}}


def files_delete(ws: Workspace, args: dict) -> dict:
    ws.file_store.delete(str(required(args, "file")))
    return {"ok": True}


METHODS = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "files.info": files_info,
    "files.delete": files_delete,
}
