"""Failing builds as blockers: what a GitHub `workflow_run` delivery does to the connected program.

A run of a workflow that completes with a failure on the repository's default branch opens one blocker
for that workflow (`workflow:<repo>:<workflow id>`, a `TrackerLink`), or updates the one that is open;
the next successful run resolves it. Runs older than the last one heard of for that workflow (deliveries
out of order, or a body sent again under a new delivery id: the signature covers the body, not the id)
change nothing. Each delivery is applied once: it is claimed in the transaction that applies
it, after the connection's row is locked, so replays and concurrent deliveries cannot open a second one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import json

from sqlmodel import Session

from bot.records import service as records
from bot.records.kinds.blocker import SPEC as BLOCKER
from bot.records.spec import OPEN, Draft
from storage import trackers as store
from storage.models import Program
from storage.raid_models import Item

FAILED = frozenset({"failure", "timed_out", "startup_failure"})
PASSED = "success"
SEVERITY = "high"  # the default branch is red: everyone's work stands on it
TITLE_LIMIT = 500


@dataclass(frozen=True)
class WorkflowRun:
    repo: str  # owner/repo, lower case
    default_branch: str
    workflow_id: int
    workflow_name: str
    run_id: int
    attempt: int  # a re-run of the same run counts up its attempt
    branch: str
    action: str
    conclusion: str
    html_url: str
    actor_email: str  # of the head commit's author: the Slack account is found by it

    @property
    def external_key(self) -> str:
        return f"workflow:{self.repo}:{self.workflow_id}"

    @property
    def order(self) -> int:
        """Later runs (and later attempts of a run) are greater: what a link last heard of is kept as this."""
        return self.run_id * 1000 + self.attempt

    @property
    def on_default_branch(self) -> bool:
        return bool(self.branch) and self.branch == self.default_branch

    @property
    def failed(self) -> bool:
        return self.action == "completed" and self.conclusion in FAILED and self.on_default_branch

    @property
    def passed(self) -> bool:
        return self.action == "completed" and self.conclusion == PASSED and self.on_default_branch

    def title(self) -> str:
        text = f"Build failing: {self.workflow_name} on {self.branch} ({self.html_url})"
        return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"


def read_workflow_run(body: str, default_branch: str) -> WorkflowRun | None:
    """The run a `workflow_run` delivery's body tells of; None when it is not shaped like one."""
    try:
        document = json.loads(body)
        run, repo = document["workflow_run"], document["repository"]
        commit = run.get("head_commit") or {}
        return WorkflowRun(
            repo=str(repo["full_name"]).lower(), default_branch=str(repo.get("default_branch") or default_branch),
            workflow_id=int(run["workflow_id"]), workflow_name=str(run.get("name") or run["workflow_id"]),
            run_id=int(run["id"]), attempt=max(1, min(int(run.get("run_attempt") or 1), 999)), branch=str(run.get("head_branch") or ""), action=str(document.get("action", "")),
            conclusion=str(run.get("conclusion") or ""), html_url=str(run.get("html_url") or ""),
            actor_email=str((commit.get("author") or {}).get("email") or ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Outcome:
    item: Item | None  # the blocker opened, updated or resolved (None: nothing changed)
    what: str  # opened | updated | resolved | nothing | replayed


def apply_workflow_run(*, session: Session, delivery_pk: int, connection_id: int, run: WorkflowRun | None,
                       owner_id: str | None, now: datetime) -> Outcome:
    """Apply one recorded delivery, once. ``owner_id``: the Slack user whose e-mail the run's author has."""
    connection = store.lock_connection(session=session, connection_id=connection_id)
    if connection is None or store.claim_delivery(session=session, delivery_pk=delivery_pk, now=now) is None:
        return Outcome(None, "replayed")
    if run is None or not (run.failed or run.passed):
        return Outcome(None, "nothing")
    program = session.get(Program, connection.program_id)
    link = store.link_of(session=session, program_id=program.id, external_key=run.external_key)
    if link is not None and run.order <= link.last_event_id:
        return Outcome(None, "nothing")  # an older run delivered late, or a run's body sent again
    item = session.get(Item, link.item_id) if link is not None else None
    live = item if item is not None and item.status == OPEN else None
    outcome = Outcome(None, "nothing")
    if run.failed and live is not None:
        if live.title != run.title():
            records.edit(session=session, program=program, item=live, actor=live.reporter_id, now=now,
                         values={"title": run.title()})
        outcome = Outcome(live, "updated")
    elif run.failed:
        author = owner_id or (program.leads[0] if program.leads else program.created_by)
        created = records.create(session=session, program=program, spec=BLOCKER, author_id=author, now=now,
                                 draft=Draft(run.title(), owner_id or author, {"severity": SEVERITY, "due": None}),
                                 source_link=run.html_url[:500], details={"tracker": run.external_key})
        outcome = Outcome(created, "opened")
    elif live is not None:
        records.close(session=session, program=program, item=live, actor=live.reporter_id, now=now,
                      note=f"{run.workflow_name} passed on {run.branch}: {run.html_url}"[:1000])
        outcome = Outcome(live, "resolved")
    if outcome.item is not None or link is not None:
        store.save_link(session=session, program_id=program.id, external_key=run.external_key,
                        item_id=outcome.item.id if outcome.item is not None else link.item_id,
                        last_event_id=run.order)
    return outcome
