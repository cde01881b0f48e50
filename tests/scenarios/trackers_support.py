"""Fixtures for the tracker scenarios: stand-in GitHub and Jira servers on loopback, and settings that
point tpmbot at them (no real token anywhere)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from sandbox.github import GitHubStandIn
from sandbox.jira import JiraStandIn

WEBHOOK_SECRET = "test-webhook-secret"


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
        "jira_webhook_secret": SecretStr("test-jira-secret"),
    })
