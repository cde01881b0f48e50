"""Connecting a program to where its work lives: a GitHub repository (`/tpm connect github owner/repo`) or a
Jira project (`/tpm connect jira KEY [jql: …]`).

Credentials come from the environment only. Each connect makes one API call, after the command's ack, that
checks both the credential and the repository or project; a missing variable, a refused credential or an
unknown target is a `UserError` naming what to fix, and nothing is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.services.errors import UserError
from bot.trackers import github, jira
from bot.trackers.http import TrackerUnavailable
from storage import trackers as store
from storage.models import Program
from storage.tracker_models import TrackerConnection

GITHUB, JIRA = "github", "jira"
GITHUB_EXAMPLE = "/tpm connect github acme/web"
JIRA_EXAMPLE = "/tpm connect jira WEB jql: component = Checkout"
CONNECT_USAGE = "/tpm connect github <owner/repo> | jira <PROJECT-KEY> [jql: <query>]"
_REPO = re.compile(r"^(?:https?://[^/]+/)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}?)(?:\.git)?/?$")
_PROJECT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,9}$")
_JQL = re.compile(r"(?:^|\s)jql:\s*", re.I)


@dataclass(frozen=True)
class ConnectRequest:
    tracker: str
    target: str  # owner/repo as typed, or the project key in upper case
    query: str = ""


@dataclass(frozen=True)
class Connected:
    connection: TrackerConnection
    replaced: str | None  # what the program was connected to before, if something else
    link: str  # the repository's or project's page


def parse_connect(text: str) -> ConnectRequest:
    """`github owner/repo` or `jira KEY [jql: …]`, read before the ack (a mistake is answered at once)."""
    tracker, _, rest = text.strip().partition(" ")
    tracker, rest = tracker.lower(), rest.strip()
    if tracker == GITHUB:
        match = _REPO.match(rest)
        if not match:
            raise UserError(f"Give the repository as owner/repo{f' (not “{rest}”)' if rest else ''}.", GITHUB_EXAMPLE)
        return ConnectRequest(GITHUB, match.group(1))
    if tracker == JIRA:
        parts = _JQL.split(rest, maxsplit=1)
        key, query = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        if not _PROJECT.match(key):
            raise UserError(f"Give the Jira project's key{f' (not “{key}”)' if key else ''}: letters and digits, "
                            "like WEB.", JIRA_EXAMPLE)
        if len(parts) > 1 and not query:
            raise UserError("`jql:` needs a query after it.", JIRA_EXAMPLE)
        if len(query) > 2000:
            raise UserError(f"Keep the JQL to 2000 characters (it has {len(query)}).", JIRA_EXAMPLE)
        return ConnectRequest(JIRA, key.upper(), query)
    raise UserError("Connect `github` or `jira`.", f"{GITHUB_EXAMPLE}` or `{JIRA_EXAMPLE}")


def _require(settings: Settings, *names: str, example: str) -> None:
    missing = [name.upper() for name in names if not settings.secret(name)]
    if missing:
        raise UserError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: whoever runs "
                        "tpmbot sets it in the environment (see README, Trackers), then try again. "
                        "Nothing was connected.", example)


def check_github(settings: Settings, full_name: str, *, transport=None) -> github.Repository:
    """The one call that checks GITHUB_TOKEN and the repository together."""
    _require(settings, "github_token", example=GITHUB_EXAMPLE)
    api = settings.github_api_url
    try:
        with github.GitHubClient(api, settings.secret("github_token"), transport=transport) as client:
            return client.repository(full_name)
    except github.GitHubRefused:
        raise UserError(f"GITHUB_TOKEN was refused by {api} (401 Bad credentials): it is wrong, expired or revoked. "
                        "Nothing was connected.") from None
    except github.RepoNotFound:
        raise UserError(f"GitHub has no repository {full_name} that GITHUB_TOKEN may see. Check the owner and the "
                        "name (as in its URL, github.com/owner/repo) and the token's access. Nothing was connected.",
                        GITHUB_EXAMPLE) from None
    except TrackerUnavailable as down:
        raise UserError(f"{down.what} at {api}, so {full_name} could not be checked. Nothing was connected; "
                        "try again in a minute.") from None


def check_jira(settings: Settings, key: str, *, transport=None) -> jira.Project:
    """The one call that checks JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and the project together."""
    _require(settings, "jira_url", "jira_email", "jira_api_token", example=JIRA_EXAMPLE)
    site = settings.jira_url.rstrip("/")
    try:
        with jira.JiraClient(site, settings.jira_email, settings.secret("jira_api_token"),
                             transport=transport) as client:
            return client.project(key)
    except jira.JiraRefused:
        raise UserError(f"JIRA_EMAIL and JIRA_API_TOKEN were refused by {site} (401): check both. "
                        "Nothing was connected.") from None
    except jira.ProjectNotFound:
        raise UserError(f"Jira at {site} has no project {key} that JIRA_EMAIL may browse. Use the project's key "
                        "(the prefix of its issues, WEB in WEB-123). Nothing was connected.", JIRA_EXAMPLE) from None
    except TrackerUnavailable as down:
        raise UserError(f"{down.what} at {site}, so {key} could not be checked. Nothing was connected; "
                        "try again in a minute.") from None


@dataclass(frozen=True)
class Checked:
    """What the connect-time call found: the name as the tracker spells it, and its page."""

    display: str
    link: str
    default_branch: str = ""


def _checked_repo(settings: Settings, request: ConnectRequest) -> Checked:
    repo = check_github(settings, request.target)
    return Checked(repo.full_name, repo.html_url, repo.default_branch)


def _checked_project(settings: Settings, request: ConnectRequest) -> Checked:
    project = check_jira(settings, request.target)
    return Checked(project.key, project.url)


_CHECKS = {GITHUB: _checked_repo, JIRA: _checked_project}


def check(settings: Settings, request: ConnectRequest) -> Checked:
    """The one API call of a connect: the credential and the repository or project, together."""
    return _CHECKS[request.tracker](settings, request)


def connect(*, session: Session, program: Program, request: ConnectRequest, checked: Checked, user_id: str,
            now: datetime) -> Connected:
    """Store the checked connection (replacing the program's earlier one of that tracker)."""
    display, default_branch, link = checked.display, checked.default_branch, checked.link
    target = request.target.lower() if request.tracker == GITHUB else request.target
    taken = store.connection_to(session=session, tracker=request.tracker, target=target)
    if taken is not None and taken.program_id != program.id:
        raise UserError(f"{display} already feeds another program: a repository or project feeds one program. "
                        "Nothing was connected.")
    before = store.connection_of(session=session, program_id=program.id, tracker=request.tracker)
    replaced = before.display if before is not None and before.target != target else None
    row = store.connect(session=session, program_id=program.id, tracker=request.tracker, target=target,
                        display=display, query=request.query, default_branch=default_branch, user_id=user_id, now=now)
    return Connected(row, replaced, link)


def connections_of(*, session: Session, program: Program) -> list[TrackerConnection]:
    return [row for tracker in (GITHUB, JIRA)
            if (row := store.connection_of(session=session, program_id=program.id, tracker=tracker)) is not None]


def connection_to(*, session: Session, tracker: str, target: str) -> TrackerConnection | None:
    return store.connection_to(session=session, tracker=tracker, target=target.lower() if tracker == GITHUB else target)


# ---- webhook deliveries ---------------------------------------------------------------------------

def record_delivery(*, session: Session, tracker: str, delivery_id: str, event: str, connection: TrackerConnection,
                    body: str, now: datetime) -> int | None:
    """Write a verified delivery down before it is answered; its id, or None for a replay (nothing to do)."""
    return store.record_delivery(session=session, tracker=tracker, delivery_id=delivery_id, event=event,
                                 connection_id=connection.id, body=body, now=now)


def delivery(*, session: Session, delivery_pk: int):
    from storage.tracker_models import TrackerDelivery

    found = session.get(TrackerDelivery, delivery_pk)
    connection = session.get(TrackerConnection, found.connection_id) if found is not None else None
    return found, connection


def unprocessed(*, session: Session, received_before: datetime) -> list[int]:
    return store.unprocessed_deliveries(session=session, received_before=received_before)
