"""`/tpm connect github|jira`: leads only, one API call after the ack, every credential problem named."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlmodel import select

from storage.tracker_models import TrackerConnection
from tests.scenarios.trackers_support import github, jira, settings  # noqa: F401  (fixtures)


def connections(deps):
    with deps.session() as session:
        return session.exec(select(TrackerConnection).order_by(TrackerConnection.id)).all()


def run(slack, bot, text, user="U0ALICE"):
    response = slack.command("/tpm", text, user=user, channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    return response


def last_ephemeral(workspace, user="U0ALICE"):
    return workspace.ephemerals(user=user)[-1]["text"]


def test_lead_connects_a_repository_with_one_checked_call(slack, bot, deps, workspace, github):
    run(slack, bot, "help")  # binds nothing; the first recording command binds the channel with Alice as lead
    run(slack, bot, "connect github acme/web")
    [row] = connections(deps)
    assert (row.tracker, row.target, row.display, row.default_branch, row.connected_by) == (
        "github", "acme/web", "Acme/Web", "main", "U0ALICE")
    [call] = github.calls_to("repos.get")
    assert call.path == "/repos/acme/web" and call.authorization == "Bearer ghp-test-token" and call.status == 200
    posted = [m["text"] for m in workspace.messages("C0APOLLO")]
    assert any("connected *program-apollo* to <https://github.com/Acme/Web|Acme/Web>" in t for t in posted)
    assert any("/integrations/github" in t for t in posted)


def test_a_non_lead_is_told_who_can_and_nothing_is_called(slack, bot, deps, workspace, github):
    run(slack, bot, "connect github acme/web")  # Alice binds the channel: she is its lead
    run(slack, bot, "connect github acme/other", user="U0BOB")
    assert "Only the program's leads (<@U0ALICE>)" in last_ephemeral(workspace, "U0BOB")
    assert [c.path for c in github.calls_to("repos.get")] == ["/repos/acme/web"]
    assert [r.target for r in connections(deps)] == ["acme/web"]


def test_a_wrong_token_is_named_with_the_api_it_was_refused_by(slack, bot, deps, workspace, github):
    github.token = "ghp-some-other-token"
    run(slack, bot, "connect github acme/web")
    reply = last_ephemeral(workspace)
    assert f"GITHUB_TOKEN was refused by {github.url}" in reply and "ghp-test-token" not in reply
    assert connections(deps) == []


def test_an_unknown_repository_says_so_with_an_example(slack, bot, deps, workspace, github):
    run(slack, bot, "connect github acme/nope")
    reply = last_ephemeral(workspace)
    assert "GitHub has no repository acme/nope" in reply and "Example: `/tpm connect github acme/web`" in reply
    assert connections(deps) == []


def test_a_malformed_repository_is_refused_in_the_ack_without_a_call(slack, bot, deps, workspace, github):
    response = run(slack, bot, "connect github just-a-name")
    answered = (response.json or {}).get("text", "")
    assert "Give the repository as owner/repo (not “just-a-name”)" in answered
    assert github.calls_to("repos.get") == [] and connections(deps) == []


@pytest.mark.parametrize("variable", ["github_token"])
def test_a_missing_token_is_named(slack, bot, deps, workspace, github, variable):
    deps.settings = deps.settings.model_copy(update={variable: None})
    run(slack, bot, "connect github acme/web")
    assert "GITHUB_TOKEN is not set" in last_ephemeral(workspace)
    assert github.calls_to("repos.get") == [] and connections(deps) == []


def test_rate_limit_and_server_errors_are_retried(slack, bot, deps, github):
    github.inject_faults("repos.get", status=429, count=1, retry_after=0)
    github.inject_faults("repos.get", status=502, count=1)
    run(slack, bot, "connect github acme/web")
    assert [c.status for c in github.calls_to("repos.get")] == [429, 502, 200]
    assert [r.target for r in connections(deps)] == ["acme/web"]


def test_github_still_failing_is_a_reply_and_nothing_is_stored(slack, bot, deps, workspace, github):
    github.inject_faults("repos.get", status=503, count=None)
    run(slack, bot, "connect github acme/web")
    assert "GitHub answered 503" in last_ephemeral(workspace) and connections(deps) == []
    assert len(github.calls_to("repos.get")) == 3


def test_reconnecting_replaces_the_repository(slack, bot, deps, workspace, github):
    github.add_repo("acme/api", default_branch="trunk")
    run(slack, bot, "connect github acme/web")
    run(slack, bot, "connect github https://github.com/acme/api")
    [row] = connections(deps)
    assert (row.target, row.default_branch) == ("acme/api", "trunk")
    assert any("instead of Acme/Web" in m["text"] for m in workspace.messages("C0APOLLO"))


def test_jira_project_with_jql(slack, bot, deps, workspace, jira):
    run(slack, bot, "connect jira web jql: component = Checkout AND labels = q1")
    [row] = connections(deps)
    assert (row.tracker, row.target, row.query) == ("jira", "WEB", "component = Checkout AND labels = q1")
    assert [c.path for c in jira.calls] == ["/rest/api/3/project/WEB"]


def test_jira_missing_variables_are_named(slack, bot, deps, workspace, jira):
    deps.settings = deps.settings.model_copy(update={"jira_email": None, "jira_api_token": None})
    run(slack, bot, "connect jira WEB")
    assert "JIRA_EMAIL and JIRA_API_TOKEN are not set" in last_ephemeral(workspace)
    assert jira.calls == [] and connections(deps) == []


def test_jira_wrong_token_and_unknown_project(slack, bot, deps, workspace, jira):
    jira.token = "changed"
    run(slack, bot, "connect jira WEB")
    assert f"JIRA_EMAIL and JIRA_API_TOKEN were refused by {jira.url}" in last_ephemeral(workspace)
    jira.token = "jira-test-token"
    run(slack, bot, "connect jira NOPE")
    assert "has no project NOPE" in last_ephemeral(workspace) and connections(deps) == []


def test_connect_alone_shows_the_connections_and_binds_nothing(slack, bot, deps, workspace, github, jira):
    from handlers.programs import no_program_text
    from storage.models import Program

    run(slack, bot, "connect", user="U0BOB")
    assert last_ephemeral(workspace, "U0BOB").endswith(no_program_text("C0APOLLO"))
    with deps.session() as session:
        assert session.exec(select(Program)).all() == []
    run(slack, bot, "setup")  # Alice binds the channel; no tracker yet
    run(slack, bot, "connect")
    assert "is connected to no tracker yet" in last_ephemeral(workspace)
    run(slack, bot, "connect github acme/web")
    run(slack, bot, "connect jira WEB jql: labels = q1")
    run(slack, bot, "connect", user="U0BOB")  # anyone may read it
    shown = last_ephemeral(workspace, "U0BOB")
    assert "• GitHub: Acme/Web, default branch main — connected by <@U0ALICE>" in shown
    assert "• Jira: WEB (JQL: labels = q1)" in shown
