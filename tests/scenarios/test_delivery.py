"""Reliable delivery through the real pipeline (ledger, outbound queue, sender, sandbox Web API):
claimed once, queued in the claim's transaction, sent once through crashes, races, faults and
Retry-After, catch-up after downtime."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.notifier import LEASE, drain_outbox
from scheduled.jobs import Due
from scheduled.tick import run_due
from storage.models import Occurrence, OutboundMessage
from storage.outbox import enqueue
from tests.scenarios.delivery_support import Killed, dying_client

UTC = timezone.utc
T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Burst:
    """A scheduled job with ``count`` occurrences at ``at``, each posting one numbered message."""

    kind = "test.burst"

    def __init__(self, count: int, at: datetime, channels=("C0APOLLO",), fail_on: int | None = None,
                 error: type[BaseException] = Killed):
        self.count, self.at, self.channels, self.fail_on, self.error = count, at, channels, fail_on, error

    def due(self, session, start, end):
        return [Due(self.kind, str(i), self.at) for i in range(self.count) if start < self.at <= end]

    def run(self, session, deps, occurrence, due):
        enqueue(session=session, key=f"{self.kind}:{occurrence.id}", team_id="T0TPMBOT", method="chat.postMessage",
                payload={"channel": self.channels[int(due.scope) % len(self.channels)], "text": f"send {due.scope}"},
                now=deps.clock.now(),
                occurrence_id=occurrence.id)
        if due.scope == str(self.fail_on):
            raise self.error("after queueing, before the claim commits")


def posted(workspace, channel="C0APOLLO") -> list[str]:
    return [m["text"] for m in workspace.messages(channel) if m.get("bot_id")]


def rows(deps) -> list[OutboundMessage]:
    with deps.session() as session:
        return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_claim_and_queue_commit_together_and_a_kill_before_sending_delivers_after_restart(bot, deps, workspace):
    with pytest.raises(Killed):
        run_due(deps, T, jobs=[Burst(3, T, fail_on=1)])  # dies part-way through the job's transaction
    with deps.session() as session:
        claimed = sorted(o.scope for o in session.exec(select(Occurrence)))
    assert claimed == [] and rows(deps) == []  # no claim without its message, no message without its claim
    assert posted(workspace) == []  # killed before the sender ran
    report = run_due(deps, T + timedelta(seconds=20), jobs=[Burst(3, T)], client=bot.app.client)  # restart
    assert sorted(scope for _, scope, _ in report.ran) == ["0", "1", "2"] and report.skipped == 0
    assert sorted(posted(workspace)) == ["send 0", "send 1", "send 2"]
    assert all(r.status == "sent" and r.result_ts for r in rows(deps))


def test_an_occurrence_that_raises_is_rolled_back_alone_and_retried_by_the_next_tick(bot, deps, workspace):
    report = run_due(deps, T, jobs=[Burst(3, T, fail_on=1, error=RuntimeError)], client=bot.app.client)
    assert sorted(scope for _, scope, _ in report.ran) == ["0", "2"] and report.failed == 1
    assert sorted(posted(workspace)) == ["send 0", "send 2"]  # its message went with its claim
    # The next minutes' ticks look back to it (the tick mark stopped short of it): still failing, then fixed.
    report = run_due(deps, T + timedelta(minutes=1), jobs=[Burst(3, T, fail_on=1, error=RuntimeError)],
                     client=bot.app.client)
    assert report.ran == [] and report.failed == 1 and report.skipped == 2
    report = run_due(deps, T + timedelta(minutes=2), jobs=[Burst(3, T)], client=bot.app.client)
    assert [scope for _, scope, _ in report.ran] == ["1"] and report.skipped == 2
    assert sorted(posted(workspace)) == ["send 0", "send 1", "send 2"]
    report = run_due(deps, T + timedelta(minutes=3), jobs=[Burst(3, T)], client=bot.app.client)
    assert report.ran == [] and report.skipped == 0  # done with: the mark has moved past it


def test_an_occurrence_failing_past_the_grace_window_is_recorded_missed_not_retried_forever(bot, deps, workspace):
    grace = timedelta(minutes=deps.settings.tpmbot_catchup_grace_minutes)
    failing = [Burst(2, T, fail_on=1, error=RuntimeError)]
    assert run_due(deps, T, jobs=failing).failed == 1
    assert run_due(deps, T + grace, jobs=failing).failed == 1  # retried every tick within the grace
    report = run_due(deps, T + grace + timedelta(minutes=1), jobs=failing)
    assert report.missed == [("test.burst", "1", T)] and report.failed == 0
    with deps.session() as session:
        assert session.exec(select(Occurrence.status).where(Occurrence.scope == "1")).one() == "missed"
    assert run_due(deps, T + grace + timedelta(minutes=2), jobs=failing).missed == []


def test_a_sender_killed_between_claim_and_post_delivers_once_after_its_lease(bot, deps, workspace, clock):
    run_due(deps, T, jobs=[Burst(1, T)])
    with pytest.raises(Killed):
        drain_outbox(deps, dying_client(bot.app.client, after_post=False))
    [row] = rows(deps)
    assert row.status == "sending" and posted(workspace) == []
    assert drain_outbox(deps, bot.app.client).sent == 0  # the lease still holds: nobody else takes it
    clock.advance(LEASE + timedelta(seconds=1))
    report = drain_outbox(deps, bot.app.client)
    assert (report.sent, report.recovered) == (1, 0) and posted(workspace) == ["send 0"]


def test_a_sender_killed_after_slack_accepted_the_post_records_it_without_posting_again(
        bot, deps, workspace, sandbox, clock):
    run_due(deps, T, jobs=[Burst(1, T)])
    with pytest.raises(Killed):
        drain_outbox(deps, dying_client(bot.app.client, after_post=True))
    [message] = [m for m in workspace.messages("C0APOLLO") if m.get("bot_id")]
    assert message["metadata"]["event_payload"]["tpmbot_outbox"] == rows(deps)[0].idempotency_key
    clock.advance(LEASE + timedelta(seconds=1))
    report = drain_outbox(deps, bot.app.client)
    assert (report.sent, report.recovered) == (1, 1)
    assert posted(workspace) == ["send 0"]  # found by its key in conversations.history, not posted twice
    [row] = rows(deps)
    assert row.status == "sent" and row.result_ts == message["ts"]
    [lookup] = sandbox.calls_to("conversations.history")
    assert lookup.args["include_all_metadata"] in (True, "true", "1")


def test_concurrent_senders_send_each_message_once(bot, deps, workspace):
    run_due(deps, T, jobs=[Burst(120, T)])
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: drain_outbox(deps, bot.app.client, limit=1000), range(4)))
    assert sum(r.sent for r in reports) == 120
    assert sum(1 for r in reports if r.sent) >= 2  # they really did share the work
    assert sorted(posted(workspace)) == sorted(f"send {i}" for i in range(120))


def test_retry_after_is_honoured(bot, deps, workspace, sandbox, clock):
    run_due(deps, T, jobs=[Burst(1, T)])
    sandbox.inject_faults(method="chat.postMessage", status=429, count=1, retry_after=120)
    assert drain_outbox(deps, bot.app.client).retried == 1
    [row] = rows(deps)
    assert row.status == "pending" and row.next_attempt_at == T + timedelta(seconds=120)
    clock.advance(timedelta(seconds=119))
    assert drain_outbox(deps, bot.app.client).sent == 0 and len(sandbox.calls_to("chat.postMessage")) == 1
    clock.advance(timedelta(seconds=1))
    assert drain_outbox(deps, bot.app.client).sent == 1
    assert not sandbox.calls_to("conversations.history")  # a 429 did nothing at Slack: nothing to look for


def test_a_thousand_scheduled_sends_through_20_percent_5xx_and_429_all_arrive_once(bot, deps, workspace,
                                                                                 sandbox, clock):
    channels = [f"C0BURST{i:02d}" for i in range(20)]  # scheduled sends spread over channels and DMs
    for channel in channels:
        workspace.add_channel(channel, channel.lower())
    run_due(deps, T, jobs=[Burst(1000, T, channels)])
    for status, seed in ((500, 1), (503, 2), (429, 3)):  # on every method, lookups included: ~20% of calls fail
        sandbox.inject_faults(status=status, probability=0.074, seed=seed)
    with ThreadPoolExecutor(max_workers=4) as pool:  # four senders at once, as several processes would
        for _ in range(40):
            list(pool.map(lambda _: drain_outbox(deps, bot.app.client, limit=2000), range(4)))
            if not any(r.status != "sent" for r in rows(deps)):
                break
            clock.advance(timedelta(minutes=10))  # past any backoff: the test never sleeps
    failures = [c for c in sandbox.calls if c.status in (429, 500, 503)]
    assert len(failures) > 150  # the faults really were there
    texts = [text for channel in channels for text in posted(workspace, channel)]
    assert len(texts) == 1000 and set(texts) == {f"send {i}" for i in range(1000)}
    assert all(r.status == "sent" and r.result_ts for r in rows(deps))


def test_catch_up_sends_what_is_within_the_grace_window_once_and_records_older_ones_as_missed(bot, deps, workspace):
    class Hourly(Burst):
        kind = "test.hourly"

        def due(self, session, start, end):
            instants = [T + timedelta(minutes=10 * i) for i in range(1, 13)]
            return [Due(self.kind, "c", at) for at in instants if start < at <= end]

        def run(self, session, deps, occurrence, due):
            enqueue(session=session, key=f"{self.kind}:{occurrence.id}", team_id="T0TPMBOT",
                    method="chat.postMessage", payload={"channel": "C0APOLLO", "text": f"due {due.due_at:%H:%M}"},
                    now=deps.clock.now(), occurrence_id=occurrence.id)

    run_due(deps, T, jobs=[Hourly(0, T)], client=bot.app.client)  # the last tick before the outage
    back = T + timedelta(hours=2, minutes=5)  # down from 09:00 to 11:05; grace is 15 minutes
    report = run_due(deps, back, jobs=[Hourly(0, T)], client=bot.app.client)
    assert posted(workspace) == ["due 10:50", "due 11:00"]  # 10:50 and 11:00: late but within the grace
    assert [due.strftime("%H:%M") for _, _, due in report.missed] == [
        "09:10", "09:20", "09:30", "09:40", "09:50", "10:00", "10:10", "10:20", "10:30", "10:40"]
    with deps.session() as session:
        statuses = [o.status for o in session.exec(select(Occurrence).order_by(Occurrence.due_at))]
    assert statuses == ["missed"] * 10 + ["done"] * 2
    again = run_due(deps, back + timedelta(minutes=1), jobs=[Hourly(0, T)], client=bot.app.client)
    assert again.ran == [] and again.missed == [] and len(posted(workspace)) == 2


def test_a_key_due_twice_in_one_tick_runs_once_and_keeps_the_batch(bot, deps, workspace, caplog):
    class Twice(Burst):  # a roster that lists someone twice names the same occurrence twice
        def due(self, session, start, end):
            return super().due(session, start, end) * 2

    with caplog.at_level(logging.INFO, logger="scheduled.tick"):
        report = run_due(deps, T, jobs=[Twice(3, T)], client=bot.app.client)
    assert sorted(scope for _, scope, _ in report.ran) == ["0", "1", "2"] and report.failed == 0
    assert sorted(posted(workspace)) == ["send 0", "send 1", "send 2"]
    assert "one by one" not in caplog.text  # the batch held: no fall back to one savepoint each
