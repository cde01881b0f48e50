"""The browser UI's HTTP side: static files, a small JSON API under /ui/api/, live updates over SSE.

GET  /                      the page (sandbox/static/index.html)
GET  /ui/static/<file>      its scripts and styles
GET  /ui/files/<file id>    an uploaded file's bytes (image blocks' slack_file, shared files)
GET  /ui/api/state          what ?user= sees (&channel=, &thread=): see ``sandbox.ui_state``
GET  /ui/api/events         Server-Sent Events: ``version`` whenever anything visible changes
POST /ui/api/send           {user, channel, text, thread_ts?}: a message, or a slash command ("/x ...")
POST /ui/api/action         {user, action, channel?, ts?, view_id?, state?}: block_actions
POST /ui/api/shortcut       {user, callback_id, channel, ts}: a message shortcut
POST /ui/api/view/submit    {user, view_id, values}: view_submission (answers the modal's errors)
POST /ui/api/view/close     {user, view_id}
POST /ui/api/home           {user}: app_home_opened
POST /ui/api/clock          {user, to: "YYYY-MM-DDTHH:MM", tz?} or {minutes}: advance the clock, run what is due
                            (``to`` is read in ``tz``, else in the zone of the member acting: their wall clock)
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.ui_driver import Outcome, UiDriver, UiError
from sandbox.ui_state import snapshot
from sandbox.workspace import SlackError

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
HEARTBEAT_SECONDS = 15.0
MAX_ADVANCE = timedelta(days=31)

ClockControl = Callable[[datetime], dict]


class BadRequest(Exception):
    pass


def parse_advance(body: dict, now: datetime) -> datetime:
    """The instant an "advance" request asks for: ``minutes`` from now, or ``to`` in zone ``tz``."""
    if body.get("minutes") not in (None, ""):
        try:
            minutes = float(body["minutes"])
        except (TypeError, ValueError) as exc:
            raise BadRequest("minutes must be a number") from exc
        target = now + timedelta(minutes=minutes)
    else:
        try:
            local = datetime.fromisoformat(str(body.get("to", "")))
        except ValueError as exc:
            raise BadRequest("to must look like 2026-12-02T09:30") from exc
        if local.tzinfo is None:
            try:
                local = local.replace(tzinfo=ZoneInfo(str(body.get("tz") or "UTC")))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise BadRequest(f"unknown time zone {body.get('tz')!r}") from exc
        target = local
    if target <= now:
        raise BadRequest("pick a time after the sandbox's now")
    if target - now > MAX_ADVANCE:
        raise BadRequest("advance at most 31 days at a time")
    return target


class BrowserUI:
    def __init__(self, server: Any):
        self.server = server
        self.ws = server.ws
        self.driver: UiDriver | None = None
        self.clock_control: ClockControl | None = None
        self._advancing = threading.Lock()
        self.stopping = threading.Event()

    def connect(self, driver: UiDriver) -> None:
        self.driver = driver

    @staticmethod
    def handles(path: str) -> bool:
        return path == "/" or path.startswith("/ui/")

    # ---- dispatch ------------------------------------------------------------------------------
    def serve(self, handler: Any, method: str, path: str, args: dict) -> None:
        if path == "/":
            return self._file(handler, "index.html")
        if path.startswith("/ui/static/"):
            return self._file(handler, path.removeprefix("/ui/static/"))
        if path.startswith("/ui/files/"):
            return self._uploaded_file(handler, path.removeprefix("/ui/files/"))
        if path == "/ui/api/events":
            return self._events(handler, args)
        route = getattr(self, "api_" + path.removeprefix("/ui/api/").replace("/", "_"), None)
        if route is None or (method == "GET") != (path == "/ui/api/state"):
            return self._json(handler, 404, {"ok": False, "error": "not_found"})
        try:
            status, body = 200, route(args)
        except (BadRequest, UiError, SlackError) as exc:
            status, body = 400, {"ok": False, "error": getattr(exc, "error", None) or str(exc)}
        except Exception as exc:  # the page shows it; the sandbox keeps serving
            log.exception("sandbox UI %s %s failed", method, path)
            status, body = 500, {"ok": False, "error": f"the sandbox failed: {exc.__class__.__name__}: {exc}"}
        self._json(handler, status, body)

    def _file(self, handler: Any, name: str) -> None:
        target = (STATIC / name).resolve()
        if STATIC.resolve() not in target.parents or not target.is_file():
            return self._json(handler, 404, {"ok": False, "error": "not_found"})
        data = target.read_bytes()
        handler.send_response(200)
        handler.send_header("Content-Type", (mimetypes.guess_type(name)[0] or "text/plain") + "; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        handler.wfile.write(data)

    def _uploaded_file(self, handler: Any, file_id: str) -> None:
        """An uploaded file's bytes for the page's <img> (Slack's client fetches them with the user's session)."""
        try:
            data, mimetype = self.ws.file_store.bytes_of(file_id.split("/")[0])
        except SlackError:
            return self._json(handler, 404, {"ok": False, "error": "file_not_found"})
        handler.send_response(200)
        handler.send_header("Content-Type", mimetype)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Cache-Control", "private, max-age=3600")  # a file's bytes never change
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _json(handler: Any, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _events(self, handler: Any, args: dict) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        seen = -1
        try:
            while not self.stopping.is_set():
                version = self.ws.wait_change(seen, HEARTBEAT_SECONDS)
                if version != seen:
                    handler.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    handler.wfile.write(b": keep-alive\n\n")
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return
        finally:
            handler.close_connection = True

    # ---- the API -------------------------------------------------------------------------------
    def _driver(self) -> UiDriver:
        if self.driver is None:
            raise UiError("no app is connected to this sandbox")
        return self.driver

    @staticmethod
    def _user(args: dict) -> str:
        user = str(args.get("user") or "")
        if not user:
            raise BadRequest("user is required")
        return user

    def app_info(self) -> dict:
        driver = self.driver
        return {"name": driver.app_name if driver else self.ws.bot_name, "connected": driver is not None,
                "clock_control": self.clock_control is not None}

    def api_state(self, args: dict) -> dict:
        driver = self.driver
        return snapshot(self.ws, self._user(args), args.get("channel") or None, args.get("thread") or None,
                        commands=driver.commands() if driver else [],
                        shortcuts=driver.message_shortcuts() if driver else [], app=self.app_info())

    def api_send(self, args: dict) -> dict:
        user, channel, text = self._user(args), str(args.get("channel") or ""), str(args.get("text") or "")
        driver = self._driver()
        if text.startswith("/"):
            command, _, rest = text.strip().partition(" ")
            return driver.slash_command(user, channel, command, rest.strip()).to_dict()
        return driver.post_message(user, channel, text, args.get("thread_ts") or None).to_dict()

    def api_action(self, args: dict) -> dict:
        action = args.get("action")
        if not isinstance(action, dict) or not action.get("action_id"):
            raise BadRequest("action with an action_id is required")
        return self._driver().block_action(self._user(args), action, channel=args.get("channel") or None,
                                           ts=args.get("ts") or None, view_id=args.get("view_id") or None,
                                           state=args.get("state") or {}).to_dict()

    def api_shortcut(self, args: dict) -> dict:
        return self._driver().message_shortcut(self._user(args), str(args.get("callback_id") or ""),
                                               str(args.get("channel") or ""), str(args.get("ts") or "")).to_dict()

    def api_view_submit(self, args: dict) -> dict:
        values = args.get("values") or {}
        if not isinstance(values, dict):
            raise BadRequest("values must be an object")
        return self._driver().submit_view(self._user(args), str(args.get("view_id") or ""), values).to_dict()

    def api_view_close(self, args: dict) -> dict:
        return self._driver().close_view(self._user(args), str(args.get("view_id") or "")).to_dict()

    def api_home(self, args: dict) -> dict:
        return self._driver().open_home(self._user(args)).to_dict()

    def api_clock(self, args: dict) -> dict:
        if self.clock_control is None:
            raise UiError("this sandbox's clock cannot be moved")
        args = dict(args)
        if not args.get("tz") and args.get("user"):
            try:
                args["tz"] = self.ws.user_info(str(args["user"]))["tz"]
            except SlackError as exc:
                raise BadRequest(f"no member {args['user']}") from exc
        with self._advancing:
            target = parse_advance(args, self.ws.now())
            result = self.clock_control(target)
        self.ws.touch()
        return {**Outcome().to_dict(), "now": self.ws.now().isoformat(), **result}
