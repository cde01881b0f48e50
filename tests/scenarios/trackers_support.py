"""Fixtures for the tracker scenarios: stand-in GitHub and Jira servers on loopback, and settings that
point tpmbot at them (no real token anywhere)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from sandbox.github import GitHubStandIn
from sandbox.jira import JiraStandIn

WEBHOOK_SECRET = "test-webhook-secret"
JIRA_WEBHOOK_SECRET = "test-jira-secret"


@pytest.fixture
def github():
    server = GitHubStandIn(token="ghp-test-token").start()
    server.add_repo("Acme/Web", default_branch="main")
    yield server
    server.stop()


@pytest.fixture
def jira():
    server = JiraStandIn(email="tpm@acme.test", token="jira-test-token").start()
    server.add_project("WEB", "Web checkout")
    yield server
    server.stop()


@pytest.fixture
def settings(settings, github, jira):
    return settings.model_copy(update={
        "github_token": SecretStr(github.token), "github_api_url": github.url,
        "github_webhook_secret": SecretStr(WEBHOOK_SECRET),
        "jira_url": jira.url, "jira_email": jira.email, "jira_api_token": SecretStr(jira.token),
        "jira_webhook_secret": SecretStr(JIRA_WEBHOOK_SECRET),
    })


def deliver(bot, event: str, document: dict | bytes, delivery_id: str, *, secret: str | None = WEBHOOK_SECRET,
            signature: str | None = None, tracker: str = "github") -> tuple[int, dict]:
    """POST one webhook delivery to the running app, signed as GitHub signs it (or not)."""
    import hashlib
    import hmac
    import json
    import urllib.error
    import urllib.request

    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    if tracker == "github":
        headers = {"Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": delivery_id,
                   "User-Agent": "GitHub-Hookshot/test"}
        signature_header = "X-Hub-Signature-256"
    else:  # Jira names the event in the body, the delivery in a header that stays the same on retries
        headers = {"Content-Type": "application/json", "X-Atlassian-Webhook-Identifier": delivery_id,
                   "X-Atlassian-Webhook-Flow": "Primary"}
        signature_header = "X-Hub-Signature"
    if signature is None and secret is not None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if signature is not None:
        headers[signature_header] = signature
    url = bot.url.replace("/slack/events", f"/integrations/{tracker}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
