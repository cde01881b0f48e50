"""A thin Jira Cloud REST v3 client on httpx (basic auth: the account's e-mail and an API token), with the
retries of bot/trackers/http.py. Only what tpmbot calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.trackers.http import TIMEOUT, request


class JiraRefused(RuntimeError):
    """Jira refused the e-mail and API token (401)."""


class ProjectNotFound(RuntimeError):
    """No such project, or the account may not browse it (Jira answers 404 for both)."""


@dataclass(frozen=True)
class Project:
    key: str
    name: str
    url: str


class JiraClient:
    def __init__(self, site: str, email: str, token: str, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.site = site.rstrip("/")
        self._sleep = sleep
        self._http = httpx.Client(base_url=self.site, timeout=TIMEOUT, transport=transport, auth=(email, token),
                                  headers={"Accept": "application/json", "User-Agent": "tpmbot"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "JiraClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def project(self, key: str) -> Project:
        """`GET /rest/api/3/project/{key}`: one call, the connect-time check of the credentials and the project."""
        response = request(self._http, "GET", f"/rest/api/3/project/{key}", name="Jira", sleep=self._sleep)
        if response.status_code == 401:
            raise JiraRefused(key)
        if response.status_code in (403, 404):
            raise ProjectNotFound(key)
        response.raise_for_status()
        body = response.json()
        return Project(body["key"], body.get("name", body["key"]), f"{self.site}/browse/{body['key']}")
