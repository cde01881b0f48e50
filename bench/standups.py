"""Stand-up scheduling and digest composition at scale.

    python -m bench.standups [--participants 2000] [--zones 30]

1. 2,000 participants across 30 timezones (20 programs of 100): `run_due` every minute over a simulated
   day, queueing prompts (our CPU only: Slack I/O excluded), then the queue drained into the sandbox
   Web API with its per-channel rate limit on. Checks every prompt fell in its participant's local 09:30
   minute, once. Target: our CPU per prompt <= 2 ms. Baseline: one outbox insert per prompt.
2. The digest of a 50-person team with 90 days of history. Target: <= 50 ms. Baseline: reading the
   day's answers alone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from bot.notifier import drain_outbox
from bot.services.standup_digest import digest_payload
from bot.services.standups import Update, current_answers, ensure_run, record_answer
from bot.services.timezones import timezone_names, zone
from bot.slack_client import make_web_client
from sandbox.server import SandboxServer
from sandbox.workspace import Workspace
from scheduled.standup_jobs import StandupPrompts
from scheduled.tick import run_due
from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Member, OutboundMessage, Program
from storage.outbox import enqueue
from storage.programs import add_program, ensure_workspace
from storage.standup_models import StandupConfig, StandupRun

DAY = date(2026, 12, 2)  # a Wednesday
START = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def build(engine, participants: int, zones: list[str], per_program: int = 100) -> None:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=START)
        for p in range(participants // per_program):
            program, _ = add_program(session=session, program=Program(
                team_id="T", channel_id=f"C{p:04d}", name=f"program {p}", leads=["U0"], escalation_channel_id="C",
                timezone=zones[p % len(zones)], created_by="U0", created_at=START, updated_at=START))
            users = [f"U{p:03d}{i:03d}" for i in range(per_program)]
            session.add(StandupConfig(program_id=program.id, participants=users, days=[0, 1, 2, 3, 4],
                                      reminder_minutes=0, cutoff="23:59", digest_channel_id=program.channel_id,
                                      updated_at=START))
            for i, user in enumerate(users):
                session.add(Member(team_id="T", user_id=user, timezone=zones[(p * per_program + i) % len(zones)],
                                   tz_refreshed_at=START + timedelta(days=5)))


def scheduling(args) -> None:
    zones = [z for z in timezone_names() if z.count("/") == 1][:: max(1, len(timezone_names()) // 200)][: args.zones]
    with tempfile.TemporaryDirectory() as data:
        engine = make_engine(f"sqlite:///{data}/bench.db")
        upgrade(engine)
        build(engine, args.participants, zones)
        clock = FixedClock(START)
        deps = Deps(Settings(_env_file=None), engine, clock)
        cpu0 = time.process_time()
        at = datetime(2026, 12, 1, 19, tzinfo=timezone.utc)  # every zone's Wednesday 09:30 falls in the next 27 h
        ticks = 0
        while at <= datetime(2026, 12, 2, 22, tzinfo=timezone.utc):
            clock.set(at)
            run_due(deps, at, jobs=[StandupPrompts()])
            at += timedelta(minutes=1)
            ticks += 1
        cpu = time.process_time() - cpu0
        with session_scope(engine) as session:
            queued = list(session.exec(select(OutboundMessage)))
            members = {m.user_id: m.timezone for m in session.exec(select(Member))}
            from storage.models import Occurrence

            occurrences = {o.id: o for o in session.exec(select(Occurrence))}
        per_user = Counter(m.payload["channel"] for m in queued)
        # Zones whose Tuesday and Wednesday 09:30 both fall in the 27 hours get two prompts: one per local day.
        per_user_day = Counter((m.payload["channel"], occurrences[m.occurrence_id].due_at.astimezone(
            zone(members[m.payload["channel"]])).date()) for m in queued)
        wrong_minute = [m for m in queued if not _is_local_0930(occurrences[m.occurrence_id].due_at,
                                                                members[m.payload["channel"]])]
        # Baseline: the bare minimum per prompt, one outbox row (in a database of its own, never drained).
        baseline_engine = make_engine(f"sqlite:///{data}/baseline.db")
        upgrade(baseline_engine)
        base0 = time.process_time()
        with session_scope(baseline_engine) as session:
            for i in range(len(queued)):
                enqueue(session=session, key=f"baseline:{i}", team_id="T", method="chat.postMessage",
                        payload={"channel": "U"}, now=START)
        base = time.process_time() - base0
        baseline_engine.dispose()
        print(f"scheduling: {ticks} one-minute ticks, {len(queued)} prompts queued for {len(per_user)} people "
              f"in {len(zones)} zones ({len(per_user_day)} person-days); "
              f"duplicates {sum(1 for n in per_user_day.values() if n > 1)}, "
              f"outside the local 09:30 minute {len(wrong_minute)}")
        print(f"  our CPU {cpu:.2f} s = {cpu / max(1, len(queued)) * 1000:.2f} ms per prompt "
              f"(baseline one outbox insert: {base / max(1, len(queued)) * 1000:.3f} ms, ratio "
              f"{cpu / max(base, 1e-9):.0f}x); target <= 2 ms per prompt: "
              f"{'met' if cpu / max(1, len(queued)) <= 0.002 else 'NOT met'}")
        workspace = Workspace()
        workspace.seed_default()
        for user in per_user:
            workspace.add_user(user, user.lower(), tz="UTC")
        with SandboxServer(workspace) as sandbox:
            sandbox.set_rate_limit(True, per_channel_per_second=1)
            client = make_web_client(Settings(_env_file=None, slack_api_url=sandbox.api_url), token="xoxb-bench")
            began = time.perf_counter()
            sent = 0
            while True:
                report = drain_outbox(deps, client, limit=500)
                sent += report.sent
                if report.sent == 0 and report.retried == 0 and report.dead == 0:
                    break
            wall = time.perf_counter() - began
            delivered = Counter(c.args["channel"] for c in sandbox.calls_to("chat.postMessage") if c.status == 200)
        print(f"  delivery through the sandbox (rate limit on): {sent} sent in {wall:.1f} s; "
              f"{sum(delivered.values())} delivered for {len(per_user_day)} person-days, "
              f"people sent exactly what was queued for them: "
              f"{sum(1 for user, n in per_user.items() if delivered.get(user) == n)}/{len(per_user)}")


def _is_local_0930(instant: datetime, tz: str) -> bool:
    local = instant.astimezone(zone(tz))
    return (local.hour, local.minute) == (9, 30)


def digest(args) -> None:
    with tempfile.TemporaryDirectory() as data:
        engine = make_engine(f"sqlite:///{data}/digest.db")
        upgrade(engine)
        build(engine, 50, ["Europe/Berlin"], per_program=50)
        with session_scope(engine) as session:
            program = session.exec(select(Program)).one()
            config = session.get(StandupConfig, program.id)
            for back in range(90, -1, -1):
                day = DAY - timedelta(days=back)
                now = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=8)
                run = ensure_run(session=session, program=program, day=day, now=now, config=config)
                session.flush()
                for user in config.participants[:45]:
                    record_answer(session=session, run=run, user_id=user, source="command", now=now,
                                  update=Update("did things " * 5, "will do things " * 5, "none"))
            run_id = run.id
        now = datetime.combine(DAY, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=12)
        samples, base = [], []
        for _ in range(args.digests):
            with session_scope(engine) as session:
                run = session.get(StandupRun, run_id)
                began = time.perf_counter()
                digest_payload(session=session, program=program, run=run, now=now)
                samples.append((time.perf_counter() - began) * 1000)
            with session_scope(engine) as session:
                run = session.get(StandupRun, run_id)
                began = time.perf_counter()
                current_answers(session=session, run=run)
                base.append((time.perf_counter() - began) * 1000)
    p50, b50 = statistics.median(samples), statistics.median(base)
    print(f"digest, 50 people x 91 days: p50 {p50:.2f} ms, max {max(samples):.2f} ms; baseline reading the day's "
          f"answers {b50:.2f} ms, ratio {p50 / b50:.1f}x; target <= 50 ms: {'met' if max(samples) <= 50 else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--zones", type=int, default=30)
    parser.add_argument("--digests", type=int, default=50)
    args = parser.parse_args()
    digest(args)
    scheduling(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
