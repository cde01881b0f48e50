"""Trackers without a server: the connect grammar, webhook signatures, what a workflow_run says, and the
HTTP retry policy (honouring Retry-After, giving up after three tries)."""

from __future__ import annotations

import json

import httpx
import pytest

from handlers.integrations import signature_of, signed_by
from bot.services.builds import read_workflow_run
from bot.services.errors import UserError
from bot.services.trackers import parse_connect
from bot.trackers.github import GitHubClient, GitHubRefused, RepoNotFound
from bot.trackers.http import TrackerUnavailable
from sandbox.github import GitHubStandIn, workflow_run_event


@pytest.mark.parametrize("text,expected", [
    ("github acme/web", ("github", "acme/web", "")),
    ("GitHub https://github.com/Acme/web-app.git", ("github", "Acme/web-app", "")),
    ("github acme/web.js/", ("github", "acme/web.js", "")),
    ("jira web", ("jira", "WEB", "")),
    ("jira WEB jql: component = Checkout AND status != Done", ("jira", "WEB", "component = Checkout AND status != Done")),
    ("jira WEB JQL:labels=q1", ("jira", "WEB", "labels=q1")),
])
def test_connect_grammar(text, expected):
    request = parse_connect(text)
    assert (request.tracker, request.target, request.query) == expected


@pytest.mark.parametrize("text,problem", [
    ("github", "Give the repository as owner/repo."),
    ("github acme", "(not “acme”)"),
    ("github acme/web/extra", "owner/repo"),
    ("jira", "Give the Jira project's key"),
    ("jira WEB-12", "(not “WEB-12”)"),
    ("jira WEB jql:", "`jql:` needs a query"),
    ("gitlab acme/web", "Connect `github` or `jira`."),
])
def test_connect_grammar_refusals(text, problem):
    with pytest.raises(UserError) as refused:
        parse_connect(text)
    assert problem in refused.value.problem


def test_signatures_are_hmac_sha256_of_the_raw_body():
    body = b'{"zen": "Design for failure."}'
    # The example of GitHub's documentation ("Validating webhook deliveries").
    assert signature_of("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    assert signed_by("s3cret", body, signature_of("s3cret", body))
    assert not signed_by("s3cret", body + b" ", signature_of("s3cret", body))
    assert not signed_by("s3cret", body, signature_of("other", body))
    assert not signed_by("s3cret", body, "") and not signed_by("", body, signature_of("", body))


def test_a_workflow_run_is_read_from_its_payload():
    repo = GitHubStandIn().add_repo("Acme/Web", default_branch="main")
    run = read_workflow_run(json.dumps(workflow_run_event(repo, run_id=9, conclusion="failure", name="Build",
                                                          author_email="a@b.test")), "")
    assert (run.repo, run.external_key, run.branch, run.actor_email) == ("acme/web", "workflow:acme/web:7", "main",
                                                                         "a@b.test")
    assert run.failed and not run.passed
    assert run.title() == "Build failing: Build on main (https://github.com/Acme/Web/actions/runs/9)"
    feature = read_workflow_run(json.dumps(workflow_run_event(repo, run_id=9, conclusion="failure",
                                                              branch="feat")), "")
    assert not feature.failed and not feature.passed
    cancelled = read_workflow_run(json.dumps(workflow_run_event(repo, run_id=9, conclusion="cancelled")), "")
    assert not cancelled.failed and not cancelled.passed
    assert read_workflow_run("{}", "main") is None and read_workflow_run("[1]", "main") is None


def _answers(*responses):
    """A transport answering these responses in turn; what it was asked is recorded."""
    asked = []

    def handle(request):
        asked.append(request)
        return responses[len(asked) - 1]

    return httpx.MockTransport(handle), asked


REPO = {"full_name": "Acme/Web", "default_branch": "trunk", "html_url": "https://github.com/Acme/Web"}


def test_retry_after_is_honoured_then_the_answer_used():
    transport, asked = _answers(httpx.Response(429, headers={"retry-after": "3"}), httpx.Response(502),
                                httpx.Response(200, json=REPO))
    slept = []
    with GitHubClient("https://api.example", "t0ken", transport=transport, sleep=slept.append) as client:
        repo = client.repository("acme/web")
    assert repo.default_branch == "trunk" and len(asked) == 3 and slept == [3.0, 0.5]
    assert asked[0].headers["authorization"] == "Bearer t0ken"
    assert asked[0].headers["x-github-api-version"] == "2022-11-28"


def test_secondary_rate_limit_403_is_retried_and_a_plain_403_is_not():
    transport, asked = _answers(httpx.Response(403, headers={"x-ratelimit-remaining": "0", "retry-after": "1"}),
                                httpx.Response(200, json=REPO))
    with GitHubClient("https://api.example", "t", transport=transport, sleep=lambda s: None) as client:
        assert client.repository("acme/web").full_name == "Acme/Web"
    transport, asked = _answers(httpx.Response(403, json={"message": "Resource not accessible"}))
    with GitHubClient("https://api.example", "t", transport=transport, sleep=lambda s: None) as client:
        with pytest.raises(RepoNotFound):
            client.repository("acme/web")
    assert len(asked) == 1


def test_giving_up_after_three_tries_or_a_long_retry_after():
    transport, asked = _answers(*[httpx.Response(503)] * 3)
    with GitHubClient("https://api.example", "t", transport=transport, sleep=lambda s: None) as client:
        with pytest.raises(TrackerUnavailable, match="GitHub answered 503"):
            client.repository("acme/web")
    assert len(asked) == 3
    transport, asked = _answers(httpx.Response(429, headers={"retry-after": "3600"}))
    slept = []
    with GitHubClient("https://api.example", "t", transport=transport, sleep=slept.append) as client:
        with pytest.raises(TrackerUnavailable, match="rate limiting"):
            client.repository("acme/web")
    assert len(asked) == 1 and slept == []  # an hour is not waited for inside a command


def test_a_refused_token():
    transport, _ = _answers(httpx.Response(401, json={"message": "Bad credentials"}))
    with GitHubClient("https://api.example", "t", transport=transport) as client:
        with pytest.raises(GitHubRefused):
            client.repository("acme/web")
