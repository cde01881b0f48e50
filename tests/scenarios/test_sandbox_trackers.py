"""The sandbox starts stand-in GitHub and Jira servers, connects the demo program to the demo repository,
and a failing then passing build opens and resolves a blocker, as a newcomer would see it."""

from __future__ import annotations

from sqlmodel import select

from bot.local import DEMO_REPO, SandboxStack
from storage.raid_models import Item
from storage.tracker_models import TrackerConnection


def test_a_failing_then_passing_build_in_the_sandbox(settings):
    stack = SandboxStack(settings, scheduler=False, demo=True).start()
    try:
        deps = stack.bot.deps
        with deps.session() as session:
            [connection] = session.exec(select(TrackerConnection)).all()
        assert (connection.target, connection.default_branch) == (DEMO_REPO, "main")
        assert stack.build("failure", workflow="Release") == 202
        with deps.session() as session:
            [blocker] = session.exec(select(Item).where(Item.kind == "blocker", Item.title.like("Build failing%"))).all()
        assert (blocker.status, blocker.owner_id) == ("open", "U0DIETER") and blocker.message_ts
        assert stack.build("success", workflow="Release") == 202
        with deps.session() as session:
            assert session.get(Item, blocker.id).status == "resolved"
        texts = [m.get("text", "") for m in stack.sandbox.ws.messages("C0APOLLO")]
        assert any("Build failing: Release on main" in t for t in texts)
    finally:
        stack.stop()
