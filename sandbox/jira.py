"""A stand-in for Jira Cloud's REST API (platform v3) on loopback, for the tests and the sandbox.

`GET /rest/api/3/project/{key}` with basic auth (the account's e-mail and API token): other credentials
are answered 401, an unknown project 404 with Jira's `errorMessages`. Faults answer 5xx, or 429 with
`Retry-After`, to the next calls (`inject_faults`). Every call is recorded."""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.httpserver import BackgroundServer
from sandbox.faults import FaultInjector

_PROJECT = re.compile(r"^/rest/api/3/project/(?P<key>[^/]+)/?$")


@dataclass
class JiraCall:
    endpoint: str  # "project.get"
    path: str
    status: int


@dataclass
class JiraStandIn:
    email: str = "tpm@sandbox.example"
    token: str = "jira-sandbox-token"
    projects: dict[str, dict] = field(default_factory=dict)  # key -> project
    faults: FaultInjector = field(default_factory=FaultInjector)
    calls: list[JiraCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: BackgroundServer | None = None

    def add_project(self, key: str, name: str) -> dict:
        number = 10_000 + len(self.projects) + 1
        project = {"id": str(number), "key": key, "name": name, "projectTypeKey": "software", "simplified": False,
                   "self": f"{self.url}/rest/api/3/project/{number}", "style": "classic", "isPrivate": False}
        self.projects[key] = project
        return project

    def inject_faults(self, endpoint: str | None = None, status: int = 500, count: int | None = 1,
                      retry_after: int = 1) -> None:
        self.faults.add(endpoint, status, count, None, None, retry_after)

    @property
    def url(self) -> str:
        return self._server.url if self._server else ""

    def start(self) -> "JiraStandIn":
        self._server = BackgroundServer(self).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        match = _PROJECT.match(path)
        endpoint = "project.get" if match and method == "GET" else "unknown"
        status, body, headers = self._route(endpoint, match, environ.get("HTTP_AUTHORIZATION", ""))
        with self._lock:
            self.calls.append(JiraCall(endpoint, path, status))
        payload = json.dumps(body).encode("utf-8")
        start_response(f"{status} {'OK' if status == 200 else 'Error'}",
                       [("content-type", "application/json;charset=UTF-8"), ("content-length", str(len(payload))),
                        *headers])
        return [payload]

    def _route(self, endpoint: str, match, authorization: str) -> tuple[int, Any, list[tuple[str, str]]]:
        if endpoint == "unknown":
            return 404, {"errorMessages": ["Not found"], "errors": {}}, []
        fault = self.faults.pick_fault(endpoint)
        if fault is not None:
            status = int(fault.status)
            headers = [("retry-after", str(fault.retry_after))] if status == 429 else []
            return status, {"errorMessages": ["Rate limit exceeded" if status == 429 else "Internal error"]}, headers
        expected = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        if authorization != expected:
            return 401, {"errorMessages": ["Client must be authenticated to access this resource."], "errors": {}}, []
        project = self.projects.get(match["key"].upper())
        if project is None:
            return 404, {"errorMessages": [f"No project could be found with key '{match['key']}'."], "errors": {}}, []
        return 200, project, []
