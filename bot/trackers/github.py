"""A thin GitHub REST client on httpx: only what tpmbot calls, with the retries of bot/trackers/http.py.

Why not githubkit or PyGithub: tpmbot calls a handful of endpoints and needs their retry policy
(`Retry-After`, secondary rate limits) in its own hands, which a typed SDK of the whole API would add
weight to without removing. httpx is the well-kept client underneath githubkit anyway."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import time

import httpx

from bot.trackers.http import TIMEOUT, request

API_VERSION = "2022-11-28"


class GitHubRefused(RuntimeError):
    """GitHub refused the token (401): it is wrong, expired or revoked."""


class RepoNotFound(RuntimeError):
    """No such repository, or the token may not see it (GitHub answers 404 for both)."""


@dataclass(frozen=True)
class Repository:
    full_name: str
    default_branch: str
    html_url: str
    private: bool


class GitHubClient:
    def __init__(self, api_url: str, token: str, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.api_url = api_url.rstrip("/")
        self._sleep = sleep
        self._http = httpx.Client(base_url=self.api_url, timeout=TIMEOUT, transport=transport, headers={
            "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION, "User-Agent": "tpmbot"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "GitHubClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def repository(self, full_name: str) -> Repository:
        """`GET /repos/{owner}/{repo}`: one call, the connect-time check of the token and the repository."""
        response = request(self._http, "GET", f"/repos/{full_name}", name="GitHub", sleep=self._sleep)
        if response.status_code == 401:
            raise GitHubRefused(full_name)
        if response.status_code in (403, 404):
            raise RepoNotFound(full_name)
        response.raise_for_status()
        body = response.json()
        return Repository(body["full_name"], body.get("default_branch") or "main", body.get("html_url", ""),
                          bool(body.get("private")))
