"""The sandbox's "advance to …": one walk runs every occurrence due on the way, through `run_due` (the path
of `tpmbot tick`), each with the clock at the instant it was due, and never twice."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.clock import OffsetClock
from scheduled.escalation_jobs import SWEEP_KIND
from scheduled.walk import walk
from storage.models import Occurrence
from tests.conftest import START
from tests.scenarios.test_standups import setup

UTC = timezone.utc


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock(START)


def occurrences(deps):
    with deps.session() as session:
        return session.exec(select(Occurrence).order_by(Occurrence.due_at, Occurrence.id)).all()


def test_a_walk_runs_each_occurrence_once_at_its_own_time(slack, bot, deps, workspace, sandbox, clock):
    view, values = setup(slack, bot, workspace, participants=("U0ALICE", "U0BOB", "U0LUIS", "U0MIA"))
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    end = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # Tuesday, through the digest (11:30 Los Angeles)
    reports = walk(deps, clock, end, client=bot.app.client)
    bot.wait_idle()
    assert clock.now() >= end
    done = [o for o in occurrences(deps) if o.kind != SWEEP_KIND]
    at = lambda hour, minute=30: datetime(2026, 12, 1, hour, minute, tzinfo=UTC)  # noqa: E731
    prompts = sorted((o.due_at, o.scope.split(":")[1]) for o in done if o.kind == "standup.prompt")
    assert prompts == [(at(12), "U0LUIS"), (at(14), "U0BOB"), (at(17), "U0ALICE"), (at(22), "U0MIA")]  # 09:30 theirs
    reminders = sorted((o.due_at, o.scope.split(":")[1]) for o in done if o.kind == "standup.reminder")
    assert reminders == [(at(13), "U0LUIS"), (at(15), "U0BOB"), (at(18), "U0ALICE")]  # an hour later
    assert [o.due_at for o in done if o.kind == "standup.digest"] == [at(19)]
    # Each ran with the clock at its due time (a step per instant), not at the end of the walk
    assert all(timedelta(0) <= o.claimed_at - o.due_at < timedelta(seconds=30) for o in done)
    sweeps = [o for o in occurrences(deps) if o.kind == SWEEP_KIND]
    assert len(sweeps) == (end - START) // timedelta(minutes=5)  # every five-minute mark, none made a step
    assert {o.status for o in occurrences(deps)} == {"done"}  # each one run, none set aside as missed
    assert len(reports) < 20 and sum(r.failed for r in reports) == 0
    digests = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"]
    assert len(digests) == 1
    # Walking again over the same span runs nothing: the clock never goes back, the ledger holds the claims
    assert walk(deps, clock, end - timedelta(hours=3), client=bot.app.client) == []
    assert len(occurrences(deps)) == len(done) + len(sweeps)


def test_the_demo_workspace_has_a_program_a_stand_up_and_a_meeting_whose_agenda_arrives(tmp_path):
    from bot.config import Settings
    from bot.local import SandboxStack
    from storage.agenda_models import Meeting
    from storage.standup_models import StandupConfig

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'demo.db'}", slack_bot_token=None,
                        slack_signing_secret=None, slack_app_token=None, tpmbot_default_timezone="UTC")
    stack = SandboxStack(settings, start_at=START, scheduler=False).start()
    try:
        with stack.bot.deps.session() as session:
            [meeting] = session.exec(select(Meeting)).all()
            [config] = session.exec(select(StandupConfig)).all()
        assert (meeting.name, meeting.weekdays, meeting.local_time, meeting.lead_minutes) == (
            "Weekly sync", [1, 3], "10:00", 60)
        assert len(config.participants) >= 5
        stack.advance(datetime(2026, 12, 1, 17, 5, tzinfo=UTC))  # Tuesday 09:05 in Los Angeles
        stack.bot.wait_idle()
        posted = [m.get("text", "") for m in stack.sandbox.ws.messages("C0APOLLO")]
        assert any(text.startswith("Agenda for Weekly sync") for text in posted)
    finally:
        stack.stop()
