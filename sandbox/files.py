"""Files in the sandbox workspace, uploaded the way Slack takes them now (``files.upload`` is retired):

1. ``files.getUploadURLExternal`` (filename, length) reserves a file id ``F…`` and an upload URL on the
   sandbox's own loopback server;
2. a POST of the bytes to that URL stores them: raw bytes or a multipart form, and exactly the declared
   length (anything else is refused, HTTP 400, as Slack's upload service does); 200 ``OK - <length>``;
3. ``files.completeUploadExternal`` finalizes it, once: an id never reserved, never uploaded to, or
   already completed answers ``file_not_found``; with ``channel_id`` the file is shared into the channel
   as a message (``files`` on the message), without it the file stays private to the bot.

A file is shown by an image block's ``slack_file`` (by ``id`` or by its ``url_private``/``permalink``): it
must be a completed image the bot can see, else the post is refused with ``invalid_blocks``
(``invalid slack file``). Its bytes are served at ``url_private`` to a bearer of the bot token, and to
the browser UI at ``/ui/files/<id>``."""

from __future__ import annotations

import copy
import re
import secrets
import struct
from typing import Any

from sandbox.workspace import SlackError, Workspace

FILE_ID = re.compile(r"^F[A-Z0-9]{8,}$")
MAX_LENGTH = 1024 * 1024 * 1024  # Slack's 1 GB per file
IMAGE_TYPES = {"png": ("image/png", "PNG"), "jpg": ("image/jpeg", "JPEG"), "jpeg": ("image/jpeg", "JPEG"),
               "gif": ("image/gif", "GIF")}


class FileStore:
    """The workspace's files, under the workspace lock."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.files: dict[str, dict] = {}
        self._by_token: dict[str, str] = {}
        self.host = "https://files.sandbox.slack.test/"  # the server puts its own loopback URL here

    # ---- the three steps ----------------------------------------------------------------------
    def reserve(self, filename: str, length: int, alt_txt: str = "", snippet_type: str = "") -> dict:
        with self.ws.lock:
            file_id = self.ws.new_id("F")
            token = secrets.token_urlsafe(24)
            self.files[file_id] = {
                "id": file_id, "name": filename, "title": filename, "length": length, "data": None,
                "state": "reserved", "token": token, "alt_txt": alt_txt, "snippet_type": snippet_type,
                "created": int(self.ws.now().timestamp()), "user": self.ws.bot_user_id, "channels": [],
                "shares": {}, "deleted": False,
            }
            self._by_token[token] = file_id
            return {"file_id": file_id, "upload_url": f"{self.host}upload/v1/{token}"}

    def receive(self, token: str, data: bytes) -> tuple[int, str]:
        """The upload service's answer to a POST of ``data``: (HTTP status, body text)."""
        with self.ws.lock:
            file = self.files.get(self._by_token.get(token, ""))
            if file is None or file["state"] == "complete":
                return 404, "upload not found"
            if len(data) != file["length"]:
                return 400, f"length mismatch: declared {file['length']} bytes, received {len(data)}"
            file["data"], file["state"] = bytes(data), "uploaded"
            return 200, f"OK - {len(data)}"

    def complete(self, entries: list[dict], channel: dict | None, initial_comment: str = "",
                 thread_ts: str | None = None) -> list[dict]:
        with self.ws.lock:
            files = []
            for entry in entries:
                file = self.files.get(str(entry.get("id") or ""))
                if file is None or file["state"] != "uploaded":
                    raise SlackError("file_not_found")
                files.append((file, entry))
            for file, entry in files:
                file["state"] = "complete"
                if entry.get("title"):
                    file["title"] = str(entry["title"])
                self._by_token.pop(file["token"], None)
            if channel is not None:
                shown = [self.file_object(file) for file, _ in files]
                message = self.ws.add_message(channel["id"], text=initial_comment, as_bot=True, thread_ts=thread_ts,
                                              files=shown, upload=True, display_as_bot=False)
                for file, _ in files:
                    file["channels"].append(channel["id"])
                    file["shares"].setdefault(channel["id"], []).append(message["ts"])
            return [{"id": file["id"], "title": file["title"]} for file, _ in files]

    # ---- reading -------------------------------------------------------------------------------
    def get(self, file_id: str) -> dict:
        """A completed, undeleted file, or ``file_not_found``."""
        with self.ws.lock:
            file = self.files.get(file_id)
            if file is None or file["state"] != "complete" or file["deleted"]:
                raise SlackError("file_not_found")
            return file

    def delete(self, file_id: str) -> None:
        with self.ws.lock:
            self.get(file_id)["deleted"] = True
        self.ws.touch()

    def url_private(self, file: dict) -> str:
        return f"{self.host}files-pri/{self.ws.team_id}-{file['id']}/{file['name']}"

    def permalink(self, file: dict) -> str:
        return f"{self.ws.base_url}files/{file['user']}/{file['id']}/{file['name']}"

    def file_object(self, file: dict) -> dict[str, Any]:
        """The file as Slack's Web API shows it (files.info, a shared message's ``files``)."""
        extension = file["name"].rpartition(".")[2].lower() if "." in file["name"] else ""
        mimetype, pretty = IMAGE_TYPES.get(extension, ("application/octet-stream", "Binary"))
        out: dict[str, Any] = {
            "id": file["id"], "created": file["created"], "timestamp": file["created"], "name": file["name"],
            "title": file["title"], "mimetype": mimetype, "filetype": extension or "binary", "pretty_type": pretty,
            "user": file["user"], "user_team": self.ws.team_id, "editable": False, "size": len(file["data"] or b""),
            "mode": "hosted", "is_external": False, "external_type": "", "is_public": bool(file["channels"]),
            "public_url_shared": False, "display_as_bot": False, "username": "",
            "url_private": self.url_private(file), "url_private_download": self.url_private(file) + "?download=1",
            "permalink": self.permalink(file), "channels": list(file["channels"]), "groups": [], "ims": [],
            "comments_count": 0, "has_rich_preview": False, "file_access": "visible",
        }
        if file["alt_txt"]:
            out["alt_txt"] = file["alt_txt"]
        size = image_size(file["data"] or b"")
        if size:
            out["original_w"], out["original_h"] = size
        return copy.deepcopy(out)

    def bytes_of(self, file_id: str) -> tuple[bytes, str]:
        file = self.get(file_id)
        extension = file["name"].rpartition(".")[2].lower()
        return file["data"] or b"", IMAGE_TYPES.get(extension, ("application/octet-stream", ""))[0]

    def resolve(self, slack_file: Any) -> dict | None:
        """The completed image an image block's ``slack_file`` names (by id or by URL), or None."""
        if not isinstance(slack_file, dict):
            return None
        file_id = slack_file.get("id")
        if file_id is None and isinstance(slack_file.get("url"), str):
            with self.ws.lock:
                file_id = next((f["id"] for f in self.files.values() if f["state"] == "complete"
                                and slack_file["url"] in (self.url_private(f), self.permalink(f))), None)
        try:
            file = self.get(str(file_id or ""))
        except SlackError:
            return None
        extension = file["name"].rpartition(".")[2].lower()
        return file if extension in IMAGE_TYPES and image_size(file["data"] or b"") else None

    def file_by_private_path(self, path: str) -> dict | None:
        """The file served at ``/files-pri/<team>-<id>/<name>``."""
        match = re.match(r"^/files-pri/([A-Z0-9]+)-(F[A-Z0-9]+)/", path)
        if not match or match.group(1) != self.ws.team_id:
            return None
        try:
            return self.get(match.group(2))
        except SlackError:
            return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG (None when the bytes are none of them)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker, length = data[index + 1], struct.unpack(">H", data[index + 2:index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return width, height
            index += 2 + length
    return None


def slack_file_errors(blocks: Any, store: FileStore, path: str = "/blocks") -> list[str]:
    """``invalid slack file`` for every image (block or element) whose ``slack_file`` names no completed
    image the bot can see."""
    errors: list[str] = []

    def walk(node: Any, at: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{at}/{i}")
        elif isinstance(node, dict):
            if node.get("type") == "image" and "slack_file" in node and store.resolve(node["slack_file"]) is None:
                errors.append(f"invalid slack file [json-pointer:{at}/slack_file]")
            for key, child in node.items():
                if isinstance(child, (dict, list)) and key not in ("state", "slack_file"):
                    walk(child, f"{at}/{key}")

    walk(blocks, path)
    return errors
