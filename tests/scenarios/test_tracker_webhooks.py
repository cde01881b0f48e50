"""`POST /integrations/github`: verified, deduplicated by delivery id, and a failing build on the default
branch opening (then updating, then resolving) one blocker per workflow — exactly once."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from sandbox.github import workflow_run_event
from storage.raid_models import Item
from storage.tracker_models import TrackerDelivery, TrackerLink
from tests.scenarios.trackers_support import deliver, github, jira, settings  # noqa: F401  (fixtures)


@pytest.fixture
def connected(slack, bot, github):
    response = slack.command("/tpm", "connect github acme/web", user="U0ALICE", channel="C0APOLLO")
    assert response.status == 200
    bot.wait_idle()
    return github.repos["acme/web"]


def blockers(deps):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == "blocker").order_by(Item.number)).all()


def deliveries(deps):
    with deps.session() as session:
        return session.exec(select(TrackerDelivery).order_by(TrackerDelivery.id)).all()


def run(bot, repo, delivery_id, run_id, conclusion, **options):
    status, answer = deliver(bot, "workflow_run", workflow_run_event(repo, run_id=run_id, conclusion=conclusion,
                                                                      **options), delivery_id)
    bot.wait_idle()
    return status, answer


def test_a_failing_build_opens_a_blocker_owned_by_its_author(bot, deps, connected, sandbox):
    status, _ = run(bot, connected, "d-1", 101, "failure", author_email="Dieter@sandbox.slack.test")
    assert status == 202
    [blocker] = blockers(deps)
    assert blocker.title == "Build failing: CI on main (https://github.com/Acme/Web/actions/runs/101)"
    assert (blocker.status, blocker.owner_id, blocker.severity) == ("open", "U0DIETER", "high")
    assert [d.processed_at is not None for d in deliveries(deps)] == [True]
    [lookup] = sandbox.calls_to("users.lookupByEmail")
    assert lookup.args["email"] == "Dieter@sandbox.slack.test"
    [post] = [c for c in sandbox.calls_to("chat.postMessage") if "B-1" in c.args.get("text", "")]
    assert post.args["channel"] == "C0APOLLO"
    with deps.session() as session:
        assert session.get(Item, blocker.id).message_ts == post.response["ts"]


def test_an_unknown_author_leaves_the_blocker_with_the_lead(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure", author_email="someone@elsewhere.test")
    [blocker] = blockers(deps)
    assert blocker.owner_id == "U0ALICE"


def test_later_failures_update_the_same_blocker_and_a_success_resolves_it(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure")
    run(bot, connected, "d-2", 102, "failure")
    [blocker] = blockers(deps)
    assert blocker.status == "open" and blocker.title.endswith("/actions/runs/102)")
    run(bot, connected, "d-3", 103, "success")
    [blocker] = blockers(deps)
    assert blocker.status == "resolved" and "runs/103" in blocker.close_note
    run(bot, connected, "d-4", 104, "failure")  # red again: a new blocker, the old one stays resolved
    assert [(b.key, b.status) for b in blockers(deps)] == [("B-1", "resolved"), ("B-2", "open")]


def test_each_workflow_has_its_own_blocker(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure", workflow_id=7, name="CI")
    run(bot, connected, "d-2", 102, "failure", workflow_id=8, name="Deploy")
    assert [b.title.split(" (")[0] for b in blockers(deps)] == ["Build failing: CI on main",
                                                                "Build failing: Deploy on main"]


def test_other_branches_runs_in_progress_and_late_older_runs_change_nothing(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure", branch="feature/x")
    run(bot, connected, "d-2", 102, None, action="requested")
    assert blockers(deps) == []
    run(bot, connected, "d-3", 105, "failure")
    run(bot, connected, "d-4", 104, "success")  # an older run, delivered after the newer failure
    [blocker] = blockers(deps)
    assert blocker.status == "open"
    assert len(deliveries(deps)) == 4 and all(d.processed_at for d in deliveries(deps))


def test_a_replayed_delivery_is_answered_and_does_nothing(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure")
    run(bot, connected, "d-2", 102, "success")
    status, answer = run(bot, connected, "d-1", 101, "failure")  # GitHub's "Redeliver"
    assert (status, answer) == (200, {"ok": True, "duplicate": True})
    [blocker] = blockers(deps)
    assert blocker.status == "resolved" and len(deliveries(deps)) == 2


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc"])
def test_forged_or_missing_signatures_are_refused_with_nothing_stored(bot, deps, connected, signature):
    document = workflow_run_event(connected, run_id=101, conclusion="failure")
    status, _ = deliver(bot, "workflow_run", document, "d-1", secret=None, signature=signature)
    bot.wait_idle()
    assert status == 401 and deliveries(deps) == [] and blockers(deps) == []


def test_signed_with_another_secret_is_refused(bot, deps, connected):
    status, _ = deliver(bot, "workflow_run", workflow_run_event(connected, run_id=101, conclusion="failure"), "d-1",
                        secret="not-our-secret")
    assert status == 401 and deliveries(deps) == []


def test_an_unknown_repository_is_refused_with_nothing_stored(bot, deps, connected, github):
    other = github.add_repo("acme/other")
    status, answer = run(bot, other, "d-1", 101, "failure")
    assert (status, answer) == (404, {"error": "unknown_repository"})
    assert deliveries(deps) == [] and blockers(deps) == []


def test_ping_is_answered_and_not_stored(bot, deps, connected):
    status, answer = deliver(bot, "ping", {"zen": "Keep it logically awesome.", "hook_id": 1,
                                           "repository": {"full_name": "Acme/Web"}}, "d-ping")
    assert (status, answer) == (200, {"ok": True, "pong": True}) and deliveries(deps) == []


def test_concurrent_deliveries_open_one_blocker_and_replays_store_once(bot, deps, connected):
    documents = [(f"d-{n}", workflow_run_event(connected, run_id=200 + n, conclusion="failure")) for n in range(6)]
    documents += [("d-0", documents[0][1])] * 4  # the same delivery, several times at once
    start = threading.Barrier(len(documents))
    answers = []

    def send(delivery_id, document):
        start.wait()
        answers.append(deliver(bot, "workflow_run", document, delivery_id)[0])

    threads = [threading.Thread(target=send, args=pair) for pair in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bot.wait_idle()
    assert sorted(answers) == [200] * 4 + [202] * 6
    assert len(deliveries(deps)) == 6 and all(d.processed_at for d in deliveries(deps))
    [blocker] = blockers(deps)
    assert blocker.status == "open" and blocker.title.endswith("/actions/runs/205)")
    with deps.session() as session:
        [link] = session.exec(select(TrackerLink)).all()
        assert (link.item_id, link.last_event_id) == (blocker.id, 205_001)


def test_a_delivery_recorded_but_never_applied_is_applied_by_the_sweep(bot, deps, connected, clock):
    from datetime import timedelta

    from bot.services import trackers as service

    body = __import__("json").dumps(workflow_run_event(connected, run_id=101, conclusion="failure"))
    with deps.session() as session:
        connection = service.connection_to(session=session, tracker="github", target="acme/web")
        service.record_delivery(session=session, tracker="github", delivery_id="d-lost", event="workflow_run",
                                connection=connection, body=body, now=clock.now())
    assert bot.github.apply_pending() == 0  # too young: its process may still be applying it
    clock.advance(timedelta(minutes=3))
    assert bot.github.apply_pending() == 1 and bot.github.apply_pending() == 0
    assert len(blockers(deps)) == 1


# ---- Jira --------------------------------------------------------------------------------------------

def jira_issue_event(project: str = "WEB", key: str = "WEB-12") -> dict:
    from tests.conftest import START

    return {"timestamp": int(START.timestamp() * 1000), "webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_generic",
            "user": {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Dana"},
            "issue": {"id": "10012", "key": key, "fields": {"summary": "Checkout button", "project": {
                "id": "10001", "key": project, "name": "Web checkout"}, "status": {"name": "Done"}}},
            "changelog": {"id": "10100", "items": [{"field": "status", "fromString": "In Progress", "toString": "Done"}]}}


@pytest.fixture
def jira_connected(slack, bot, jira):
    slack.command("/tpm", "connect jira WEB", user="U0ALICE", channel="C0APOLLO")
    bot.wait_idle()


def test_jira_deliveries_are_verified_recorded_once_and_unknown_projects_refused(bot, deps, jira_connected):
    from tests.scenarios.trackers_support import JIRA_WEBHOOK_SECRET

    status, _ = deliver(bot, "", jira_issue_event(), "j-1", tracker="jira", secret=JIRA_WEBHOOK_SECRET)
    assert status == 202
    status, answer = deliver(bot, "", jira_issue_event(), "j-1", tracker="jira", secret=JIRA_WEBHOOK_SECRET)
    assert (status, answer) == (200, {"ok": True, "duplicate": True})
    bot.wait_idle()
    [row] = deliveries(deps)
    assert (row.tracker, row.delivery_id, row.event, row.processed_at is not None) == (
        "jira", "j-1", "jira:issue_updated", True)
    assert deliver(bot, "", jira_issue_event(), "j-2", tracker="jira", secret="wrong")[0] == 401
    assert deliver(bot, "", jira_issue_event(), "j-3", tracker="jira", secret=None)[0] == 401
    # Signed with GitHub's secret at Jira's door: refused too.
    assert deliver(bot, "", jira_issue_event(), "j-4", tracker="jira")[0] == 401
    assert deliver(bot, "", jira_issue_event(project="OPS", key="OPS-1"), "j-5", tracker="jira",
                   secret=JIRA_WEBHOOK_SECRET) == (404, {"error": "unknown_project"})
    assert [d.delivery_id for d in deliveries(deps)] == ["j-1"] and blockers(deps) == []


def test_a_webhook_without_its_secret_configured_is_refused(bot, deps, connected):
    deps.settings = deps.settings.model_copy(update={"github_webhook_secret": None})
    status, answer = deliver(bot, "workflow_run", workflow_run_event(connected, run_id=1, conclusion="failure"), "d-1")
    assert (status, answer) == (503, {"error": "GITHUB_WEBHOOK_SECRET is not set"}) and deliveries(deps) == []


def test_a_body_sent_again_under_a_new_delivery_id_changes_nothing(bot, deps, connected):
    run(bot, connected, "d-1", 101, "failure")
    run(bot, connected, "d-2", 102, "success")
    run(bot, connected, "d-3", 101, "failure")  # the same signed body, replayed with another X-GitHub-Delivery
    [blocker] = blockers(deps)
    assert blocker.status == "resolved"
    # A re-run of the failed run (attempt 2) is news, though: it fails again.
    document = workflow_run_event(connected, run_id=103, conclusion="failure")
    run(bot, connected, "d-4", 103, "failure")
    document["workflow_run"]["run_attempt"] = 2
    document["workflow_run"]["html_url"] += "/attempts/2"
    deliver(bot, "workflow_run", document, "d-5")
    bot.wait_idle()
    assert [(b.status, b.title.endswith("/attempts/2)")) for b in blockers(deps)] == [("resolved", False),
                                                                                     ("open", True)]


def test_a_stale_delivery_is_refused_with_nothing_stored(bot, deps, connected, clock):
    from datetime import timedelta

    old = (clock.now() - timedelta(days=4)).isoformat()
    recent = (clock.now() - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    status, answer = run(bot, connected, "d-1", 101, "failure", updated_at=old)
    assert (status, answer) == (400, {"error": "stale"}) and deliveries(deps) == []
    assert run(bot, connected, "d-2", 102, "failure", updated_at=recent)[0] == 202
    assert len(blockers(deps)) == 1
    stale_jira = {**jira_issue_event(), "timestamp": int((clock.now() - timedelta(days=5)).timestamp() * 1000)}
    from tests.scenarios.trackers_support import JIRA_WEBHOOK_SECRET

    assert deliver(bot, "", stale_jira, "j-1", tracker="jira", secret=JIRA_WEBHOOK_SECRET)[0] == 400
    assert [d.delivery_id for d in deliveries(deps)] == ["d-2"]
