"""A stand-in for GitHub's REST API on loopback, for the tests and the sandbox.

It answers the endpoints tpmbot calls, in the shapes of GitHub's published REST description:
`GET /repos/{owner}/{repo}` (the connect-time check). A request needs `Authorization: Bearer <token>`
(or `token <token>`) with the token it was given: another is answered 401 `Bad credentials`, an unknown
repository 404 `Not Found`, as GitHub does. Faults (`inject_faults`) answer 5xx, or 429 with `Retry-After`,
to the next calls of an endpoint, as the Slack sandbox's do (sandbox/faults.py). Every call is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.httpserver import BackgroundServer
from sandbox.faults import FaultInjector

DOCS = "https://docs.github.com/rest"
_REPO = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/?$")


@dataclass
class GitHubCall:
    endpoint: str  # "repos.get"
    path: str
    status: int
    authorization: str = ""


@dataclass
class GitHubStandIn:
    """The repositories and token of a stand-in GitHub; `start()` serves it, `url` is its API base."""

    token: str = "ghp-sandbox-token"
    repos: dict[str, dict] = field(default_factory=dict)  # "owner/name" (lower case) -> repository
    faults: FaultInjector = field(default_factory=FaultInjector)
    calls: list[GitHubCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: BackgroundServer | None = None

    def add_repo(self, full_name: str, default_branch: str = "main", private: bool = False) -> dict:
        owner, name = full_name.split("/", 1)
        number = len(self.repos) + 1
        repo = {
            "id": 100_000 + number, "node_id": f"R_{number}", "name": name, "full_name": full_name,
            "private": private, "owner": {"login": owner, "id": 9_000 + number, "type": "Organization"},
            "html_url": f"https://github.com/{full_name}", "default_branch": default_branch,
            "url": f"{self.url}/repos/{full_name}" if self._server else f"/repos/{full_name}",
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
        }
        self.repos[full_name.lower()] = repo
        return repo

    def inject_faults(self, endpoint: str | None = None, status: int = 500, count: int | None = 1,
                      retry_after: int = 1) -> None:
        self.faults.add(endpoint, status, count, None, None, retry_after)

    def calls_to(self, endpoint: str) -> list[GitHubCall]:
        with self._lock:
            return [c for c in self.calls if c.endpoint == endpoint]

    # ---- serving -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._server.url if self._server else ""

    def start(self) -> "GitHubStandIn":
        self._server = BackgroundServer(self).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        status, body, headers = self._answer(method, path, authorization)
        payload = json.dumps(body).encode("utf-8")
        reason = {200: "OK", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}.get(status, "Error")
        start_response(f"{status} {reason}", [("content-type", "application/json; charset=utf-8"),
                                              ("content-length", str(len(payload))), *headers])
        return [payload]

    def _answer(self, method: str, path: str, authorization: str) -> tuple[int, Any, list[tuple[str, str]]]:
        match = _REPO.match(path)
        endpoint = "repos.get" if match and method == "GET" else "unknown"
        status, body, headers = self._route(endpoint, match, authorization)
        with self._lock:
            self.calls.append(GitHubCall(endpoint, path, status, authorization))
        return status, body, headers

    def _route(self, endpoint: str, match, authorization: str) -> tuple[int, Any, list[tuple[str, str]]]:
        if endpoint == "unknown":
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}, []
        fault = self.faults.pick_fault(endpoint)
        if fault is not None:
            status = int(fault.status)
            if status == 429:
                return 429, {"message": "API rate limit exceeded", "documentation_url": DOCS, "status": "429"}, [
                    ("retry-after", str(fault.retry_after)), ("x-ratelimit-remaining", "0")]
            return status, {"message": "Server Error", "status": str(status)}, []
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() not in ("bearer", "token") or given != self.token:
            return 401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}, []
        repo = self.repos.get(f"{match['owner']}/{match['repo']}".lower())
        if repo is None:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}, []
        return 200, repo, [("x-ratelimit-remaining", "4999"), ("x-github-api-version-selected", "2022-11-28")]


def workflow_run_event(repo: dict, *, run_id: int, conclusion: str | None, workflow_id: int = 7,
                       name: str = "CI", branch: str | None = None, author_email: str = "",
                       actor: str = "octocat", action: str = "completed", updated_at: str | None = None) -> dict:
    """A `workflow_run` webhook payload as GitHub sends it (the fields tpmbot reads, and their neighbours)."""
    full_name, branch = repo["full_name"], branch or repo["default_branch"]
    return {
        "action": action,
        "workflow_run": {
            "id": run_id, "name": name, "node_id": f"WFR_{run_id}", "head_branch": branch, "head_sha": f"{run_id:040x}",
            "path": f".github/workflows/{name.lower()}.yml", "run_number": run_id, "event": "push",
            "status": "completed" if action == "completed" else "in_progress", "conclusion": conclusion,
            "workflow_id": workflow_id, "html_url": f"https://github.com/{full_name}/actions/runs/{run_id}",
            "run_attempt": 1, **({"updated_at": updated_at} if updated_at else {}), "triggering_actor": {"login": actor, "type": "User"}, "actor": {"login": actor},
            "head_commit": {"id": f"{run_id:040x}", "message": "Change things",
                            "author": {"name": actor, "email": author_email},
                            "committer": {"name": actor, "email": author_email}},
        },
        "workflow": {"id": workflow_id, "name": name, "path": f".github/workflows/{name.lower()}.yml"},
        "repository": {"id": repo["id"], "full_name": full_name, "name": repo["name"],
                       "default_branch": repo["default_branch"], "html_url": repo["html_url"]},
        "sender": {"login": actor, "type": "User"},
    }


def deliver(url: str, secret: str, event: str, document: dict, delivery_id: str) -> int:
    """POST one webhook delivery to ``url``, signed with ``secret`` as GitHub signs it; the status answered."""
    import hashlib
    import hmac
    import urllib.error
    import urllib.request

    body = json.dumps(document).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery_id,
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
