"""The busiest `tick` of a large install: every program's stand-up digest, weekly status report and
meeting agenda due in the same minute, plus the escalation sweep.

    python -m bench.busiest_tick [--programs 500] [--members 20] [--days 90] [--database-url URL]
                                 [--dependencies 20]

Data: programs × members × days of stand-up history (500 × 20 × 90 = 900k answers), 60 RAID items a
program (30k), half of them closed, 20 milestones a program (10k; a quarter done, some slipped, each after
the one before and linked to a blocker and a risk), a weekly meeting with its past agendas, each with the 10 action items
(half of them done) and 5 decisions recorded in its thread, as records (90 days: 180 a program, 90k).
Every program runs on Berlin time with its cutoff and its weekly
report at Friday 16:00, so one tick composes and queues all of them (Slack I/O excluded: sending is the
notifier's job, measured elsewhere).

Targets (issue 5): the tick <= 5 s, peak memory <= 400 MB, and a per-program query count that does not
grow with history. Baseline, measured in the same run: the same tick over the same programs with one
day of history. Each tick runs in a fresh process, so its peak RSS is its own.

``--dependencies N`` (issue 14): besides, N open dependencies a program, each asked of another program
picked at random (requested, accepted or with another date proposed; a third unanswered for days, a
tenth past their committed date, so the tick's sweep escalates them and tells the side asked), shown in
both programs' digests, agendas and reports. Targets: the tick <= 5 s, statements per program constant,
<= 400 MB. Baseline, in the same run: the same tick over a copy of the same data without dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, insert, select
from sqlmodel import SQLModel

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from scheduled.escalation_jobs import EscalationSweep
from scheduled.tick import run_due
from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.agenda_models import Agenda, Meeting
from storage.dependency_models import DependencyParty
from storage.escalation_models import Escalation
from storage.models import Member, OutboundMessage, Program, Workspace
from storage.raid_models import Item, ItemCounter, ItemEvent
from storage.standup_models import StandupAnswer, StandupConfig, StandupRun

TICK = datetime(2026, 12, 4, 15, 0, 20, tzinfo=timezone.utc)  # Friday 16:00:20 in Berlin
FRIDAY = date(2026, 12, 4)
CHUNK = 20_000
ACTIONS_A_WEEK, DECISIONS_A_WEEK = 10, 5  # recorded in each weekly meeting's thread
# What each kind of record in the bench looks like: its closed status and the fields only it has.
CLOSED_AS = {"blocker": "resolved", "risk": "closed", "action": "done", "decision": "decided"}
OWN_FIELDS = {"blocker": lambda rng: {"severity": rng.choice(["low", "medium", "high"])},
              "risk": lambda rng: {"probability": rng.randint(1, 4), "impact": rng.randint(1, 3)}}
MEETING_RECORDS = {  # recorded in a meeting's thread: actions (half done a day later), decisions (decided)
    "action": {"prefix": "A", "always_closed": False, "closed_after": timedelta(days=1),
               "due_after": timedelta(days=3), "history": True, "deciders": False},
    "decision": {"prefix": "DEC", "always_closed": True, "closed_after": timedelta(0), "due_after": None,
                 "history": False, "deciders": True},
}


def _chunks(connection, table, rows):
    for i in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[i:i + CHUNK])


def build(url: str, programs: int, members: int, days: int, seed: int = 7, milestones: int = 20,
          dependencies: int = 0) -> None:
    """The data (``data``), ``dependencies`` open dependencies a program, and the steady state (``warm``)."""
    data(url, programs, members, days, seed, milestones)
    if dependencies:
        add_dependencies(url, programs, dependencies, seed)
    warm(url)


def add_dependencies(url: str, programs: int, per_program: int, seed: int = 7) -> int:
    """``per_program`` open dependencies in each program, each asked of another program at random, stored as
    the handshake stores them (the record in the asking program, its `dependency_party` row); returns how
    many. States: half requested (a third of all waiting 3-10 days: unanswered, escalated by the sweep),
    a third accepted (a tenth of all past the date committed to), the rest with another date proposed."""
    rng = random.Random(seed + 14)
    t0 = datetime(2026, 12, 4, 8, tzinfo=timezone.utc)
    engine = make_engine(url)
    with engine.begin() as connection:
        item_id = connection.execute(select(Item.id).order_by(Item.id.desc()).limit(1)).scalar() or 0
        items, parties, events = [], [], []
        for p in range(programs):
            for n in range(1, per_program + 1):
                item_id += 1
                q = rng.choice([other for other in range(programs) if other != p]) if programs > 1 else p
                pick = rng.random()
                created = t0 - timedelta(days=rng.randint(3, 10) if pick < 1 / 3 else rng.randint(0, 1), hours=1)
                requested = t0 + timedelta(days=rng.randint(-3, 30))
                details = {"state": "requested", "requested": requested.isoformat(),
                           "asked_of": {"channel": f"C{q:05d}", "program_id": q + 1, "name": f"program {q}"},
                           "waiting_since": created.isoformat(), "step": 0, "handled": [], "card_to": ["U0LEAD"]}
                due = requested
                if pick >= 0.5:
                    answered = created + timedelta(hours=rng.randint(1, 20))
                    details.update(step=1, answered=True, answered_at=answered.isoformat(), waiting_since=answered.isoformat())
                    if pick < 0.5 + 1 / 3:
                        due = t0 - timedelta(days=1) if pick < 0.6 else requested + timedelta(days=2)
                        details.update(state="accepted", committed=due.isoformat(), proposed=None)
                    else:
                        details.update(state="countered", proposed=(requested + timedelta(days=7)).isoformat())
                items.append({
                    "id": item_id, "program_id": p + 1, "kind": "dependency", "number": n, "key": f"D-{n}",
                    "title": f"dependency {n} of program {p} on program {q}", "details": details, "version": 0,
                    "owner_id": "U0LEAD", "reporter_id": "U0LEAD", "status": "open", "mitigation": "",
                    "severity": None, "probability": None, "impact": None, "due_at": due, "review_at": None,
                    "source_link": "", "message_channel": None, "message_ts": None, "close_note": "",
                    "closed_by": None, "created_at": created, "updated_at": created, "closed_at": None})
                parties.append({"item_id": item_id, "team_id": "T", "requester_program_id": p + 1,
                                "provider_program_id": q + 1, "provider_user_id": None})
                events.append({"item_id": item_id, "actor_id": "U0LEAD", "action": "created", "changes": {},
                               "at": created})
            connection.execute(insert(ItemCounter.__table__), [{"program_id": p + 1, "kind": "dependency",
                                                                 "last_number": per_program}])
        _chunks(connection, Item.__table__, items)
        _chunks(connection, DependencyParty.__table__, parties)
        _chunks(connection, ItemEvent.__table__, events)
        _move_sequences(connection)
    engine.dispose()
    return len(items)


def _move_sequences(connection) -> None:
    if connection.dialect.name == "postgresql":  # rows were given ids: move the sequences past them
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)")


def data(url: str, programs: int, members: int, days: int, seed: int = 7, milestones: int = 20) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    upgrade(engine)
    t0 = datetime(2026, 12, 4, 8, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(insert(Workspace.__table__), [{"team_id": "T", "name": "bench", "created_at": t0}])
        _chunks(connection, Program.__table__, [{
            "id": p + 1, "team_id": "T", "channel_id": f"C{p:05d}", "name": f"program {p}", "leads": ["U0LEAD"],
            "escalation_channel_id": f"C{p:05d}", "timezone": "Europe/Berlin", "working_days": [0, 1, 2, 3, 4],
            "holiday_region": None, "settings": {"status_report": {"enabled": True, "day": 4, "time": "16:00",
                                                                   "channel": ""}},
            "created_by": "U0LEAD", "created_at": t0 - timedelta(days=days + 1), "updated_at": t0,
        } for p in range(programs)])
        users = {p: [f"U{p:05d}{i:03d}" for i in range(members)] for p in range(programs)}
        _chunks(connection, Member.__table__, [{
            "team_id": "T", "user_id": u, "display_name": u, "timezone": "Europe/Berlin",
            "tz_refreshed_at": t0, "ooo_until": None, "is_deleted": False} for p in range(programs) for u in users[p]])
        _chunks(connection, StandupConfig.__table__, [{
            "program_id": p + 1, "enabled": True, "local_time": "09:30", "days": [0, 1, 2, 3, 4, 5, 6],
            "questions": ["Yesterday?", "Today?", "Blockers?"], "participants": users[p], "mode": "dm",
            "reminder_minutes": 0, "cutoff": "16:00", "digest_channel_id": "", "updated_at": t0,
        } for p in range(programs)])
        run_id = 0
        for back in range(days, 0, -1):  # history up to yesterday; today's run is the tick's to create
            day = FRIDAY - timedelta(days=back)
            at = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=8)
            runs, answers = [], []
            for p in range(programs):
                run_id += 1
                runs.append({"id": run_id, "program_id": p + 1, "day": day.isoformat(),
                             "questions": ["Yesterday?", "Today?", "Blockers?"], "roster": users[p],
                             "cutoff_at": at + timedelta(hours=7), "digest_channel": f"C{p:05d}", "created_at": at})
                for u in users[p]:
                    answers.append({"run_id": run_id, "user_id": u, "yesterday": "shipped the thing; reviewed PRs",
                                    "today": "more of it", "blockers": "", "skipped": False, "skip_reason": "",
                                    "late": rng.random() < 0.1, "source": "dm", "superseded": False,
                                    "answered_at": at + timedelta(minutes=rng.randrange(420))})
            _chunks(connection, StandupRun.__table__, runs)
            _chunks(connection, StandupAnswer.__table__, answers)
        items, events = [], []
        item_id = 0
        for p in range(programs):
            for kind, count in (("blocker", 40), ("risk", 20)):
                for n in range(1, count + 1):
                    item_id += 1
                    created = t0 - timedelta(hours=rng.randrange(days * 24))
                    closed = created + timedelta(hours=rng.randrange(1, 200)) if rng.random() < 0.5 else None
                    closed = closed if closed is None or closed < t0 else None
                    items.append({
                        "id": item_id, "program_id": p + 1, "kind": kind, "number": n, "title": f"{kind} {n}",
                        "key": f"{kind[0].upper()}-{n}", "details": {}, "version": 0,
                        "closed_by": users[p][0] if closed else None,
                        "owner_id": users[p][n % members], "reporter_id": users[p][0],
                        "status": CLOSED_AS[kind] if closed else "open", "mitigation": "",
                        "severity": None, "probability": None, "impact": None, **OWN_FIELDS[kind](rng),
                        "due_at": None, "review_at": None, "source_link": "", "message_channel": None,
                        "message_ts": None, "close_note": "", "created_at": created, "updated_at": closed or created,
                        "closed_at": closed})
                    events.append({"item_id": item_id, "actor_id": users[p][0], "action": "created", "changes": {},
                                   "at": created})
            for n in range(1, milestones + 1):  # the plan: a milestone every ~2 weeks, a quarter of them done
                item_id += 1
                baseline = FRIDAY + timedelta(days=14 * (n - milestones // 4))
                forecast = baseline + timedelta(days=rng.choice([0, 0, 0, 3, 10]))
                done = baseline < FRIDAY
                created = t0 - timedelta(days=30)
                slips = ([{"from": baseline.isoformat(), "to": forecast.isoformat(), "reason": "vendor late",
                           "by": users[p][0], "at": (t0 - timedelta(days=rng.randrange(1, 20))).isoformat()}]
                         if forecast != baseline else [])
                items.append({
                    "id": item_id, "program_id": p + 1, "kind": "milestone", "number": n, "title": f"milestone {n}",
                    "key": f"M-{n}", "version": 1, "closed_by": users[p][0] if done else None,
                    "details": {"baseline": baseline.isoformat(), "forecast": forecast.isoformat(),
                                "after": [f"M-{n - 1}"] if n > 1 else [], "slips": slips,
                                "links": [f"B-{rng.randint(1, 40)}", f"R-{rng.randint(1, 20)}"]},
                    "owner_id": users[p][n % members], "reporter_id": users[p][0],
                    "status": "done" if done else "open", "mitigation": "", "severity": None, "probability": None,
                    "impact": None, "due_at": datetime.combine(forecast, datetime.max.time(), tzinfo=timezone.utc),
                    "review_at": None, "source_link": "", "message_channel": None, "message_ts": None,
                    "close_note": "", "created_at": created, "updated_at": created,
                    "closed_at": datetime.combine(forecast, datetime.min.time(), tzinfo=timezone.utc) if done else None})
                events.append({"item_id": item_id, "actor_id": users[p][0], "action": "created", "changes": {},
                               "at": created})
            for kind, count in (("blocker", 40), ("risk", 20), ("milestone", milestones)):
                connection.execute(insert(ItemCounter.__table__), [{"program_id": p + 1, "kind": kind,
                                                                     "last_number": count}])
        # A weekly sync every Friday at 17:00 with its agenda an hour ahead: due in the same tick. Its past
        # agendas, each with the action items (half of them done) and decisions recorded in its thread.
        _chunks(connection, Meeting.__table__, [{
            "id": p + 1, "program_id": p + 1, "name": "Weekly sync", "weekdays": [4], "local_time": "17:00",
            "timezone": None, "lead_minutes": 60, "channel_id": f"C{p:05d}", "enabled": True, "created_by": "U0LEAD",
            "created_at": t0 - timedelta(days=days + 1), "updated_at": t0} for p in range(programs)])
        agendas = []
        agenda_id = 0
        for p in range(programs):
            numbers, still_open = {"action": 0, "decision": 0}, []
            for week in range(max(1, days // 7), 0, -1):
                agenda_id += 1
                occurs = TICK + timedelta(hours=1) - timedelta(weeks=week)
                agendas.append({"id": agenda_id, "meeting_id": p + 1, "occurs_at": occurs, "channel": f"C{p:05d}",
                                "ts": f"{occurs.timestamp():.6f}", "covered": {"blockers": [], "risks": [],
                                                                              "actions": list(still_open)},
                                "created_at": occurs - timedelta(hours=1)})
                for kind, count in (("action", ACTIONS_A_WEEK), ("decision", DECISIONS_A_WEEK)):
                    for n in range(1, count + 1):
                        item_id += 1
                        numbers[kind] += 1
                        number, owner = numbers[kind], users[p][n % members]
                        shape = MEETING_RECORDS[kind]
                        done = shape["always_closed"] or n % 2 == 1
                        closed = occurs + shape["closed_after"]
                        items.append({
                            "id": item_id, "program_id": p + 1, "kind": kind, "number": number,
                            "key": f"{shape['prefix']}-{number}", "title": f"{kind} {week}.{n}",
                            "owner_id": owner, "reporter_id": users[p][0],
                            "status": CLOSED_AS[kind] if done else "open",
                            "severity": None, "probability": None, "impact": None, "mitigation": "",
                            "due_at": occurs + shape["due_after"] if shape["due_after"] else None, "review_at": None,
                            "source_link": "", "message_channel": None, "message_ts": None, "close_note": "",
                            "closed_by": owner if done else None, "version": 1 if shape["history"] and done else 0,
                            "details": {"agenda_id": agenda_id, **({"deciders": [owner]} if shape["deciders"]
                                                                   else {})},
                            "created_at": occurs, "updated_at": closed if done else occurs,
                            "closed_at": closed if done else None})
                        events.append({"item_id": item_id, "actor_id": users[p][0], "action": "created",
                                       "changes": {}, "at": occurs})
                        if shape["history"] and done:
                            events.append({"item_id": item_id, "actor_id": owner, "action": CLOSED_AS[kind],
                                           "changes": {"status": ["open", CLOSED_AS[kind]]}, "at": closed})
                        elif shape["history"]:
                            still_open.append(item_id)
            connection.execute(insert(ItemCounter.__table__), [{"program_id": p + 1, "kind": kind, "last_number": n}
                                                                for kind, n in numbers.items()])
        _chunks(connection, Agenda.__table__, agendas)
        _chunks(connection, Item.__table__, items)
        _chunks(connection, ItemEvent.__table__, events)
        _move_sequences(connection)
    engine.dispose()


def warm(url: str) -> None:
    engine = make_engine(url)
    # Steady state: the escalations of the old items were opened by earlier sweeps, not by the measured tick.
    warm = time.process_time()
    run_due(Deps(Settings(_env_file=None), engine, FixedClock(TICK - timedelta(minutes=5))),
            TICK - timedelta(minutes=5), jobs=[EscalationSweep()])
    with session_scope(engine) as session:
        opened = len(session.execute(select(Escalation.id)).all())
    print(f"  first escalation sweep over the history: {opened} escalations opened in "
          f"{time.process_time() - warm:.1f} s CPU (once, before the measured tick)", flush=True)
    engine.dispose()


def tick(url: str) -> dict:
    """Run in a fresh process: the busiest tick, with its wall time, CPU, statements and peak RSS."""
    engine = make_engine(url)
    deps = Deps(Settings(_env_file=None), engine, FixedClock(TICK))
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    began, cpu0 = time.perf_counter(), time.process_time()
    report = run_due(deps, TICK)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu0
    with session_scope(engine) as session:
        queued = session.execute(select(OutboundMessage.idempotency_key)).scalars().all()
    kinds: dict[str, int] = {}
    for kind, _, _ in report.ran:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"wall": wall, "cpu": cpu, "statements": len(statements), "ran": kinds, "failed": report.failed,
            "queued": len(queued), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(url: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.busiest_tick", "--tick", url], capture_output=True,
                         text=True, check=True, env={**os.environ, "LOG_LEVEL": "WARNING"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programs", type=int, default=500)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--milestones", type=int, default=20, help="milestones a program (a quarter done)")
    parser.add_argument("--dependencies", type=int, default=0,
                        help="open dependencies a program, between random pairs; the baseline is then the same "
                             "tick over the same data without them")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite files)")
    parser.add_argument("--tick", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tick:
        print(json.dumps(tick(args.tick)))
        return 0
    if args.dependencies:
        return with_dependencies(args)
    with tempfile.TemporaryDirectory() as data_dir:
        results = {}
        runs = [("baseline, 1 day of history", 1)] if not args.database_url else []
        for label, days in [*runs, (f"{args.days} days of history", args.days)]:
            url = args.database_url or f"sqlite:///{data_dir}/{days}.db"
            began = time.perf_counter()
            build(url, args.programs, args.members, days, milestones=args.milestones)
            built = time.perf_counter() - began
            results[label] = result = measure(url)
            _print(label, f"built in {built:.0f} s", result, args.programs)
        full = results[f"{args.days} days of history"]
        base = results.get("baseline, 1 day of history")  # none on a given PostgreSQL database
        if base:
            print(f"ratio to the 1-day baseline: time {full['wall'] / base['wall']:.2f}x, statements "
                  f"{full['statements'] / base['statements']:.2f}x, memory {full['peak_mb'] / base['peak_mb']:.2f}x")
        print(f"targets: tick <= 5 s: {'met' if full['wall'] <= 5 else 'NOT met'}; peak <= 400 MB: "
              f"{'met' if full['peak_mb'] <= 400 else 'NOT met'}; statements per program do not grow with history: "
              f"{'met' if base is None or full['statements'] <= base['statements'] else 'NOT met'}")
    return 0


def _print(label: str, built: str, result: dict, programs: int) -> None:
    print(f"{label}: {built}; busiest tick {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU, "
          f"{result['queued']} messages queued {result['ran']}, failed {result['failed']}, {result['statements']} "
          f"statements ({result['statements'] / programs:.1f} per program), peak {result['peak_mb']:.0f} MB",
          flush=True)


def with_dependencies(args) -> int:
    """The busiest tick over the data with ``--dependencies`` a program, against the same tick over a copy of
    the same data without them (SQLite: the file copied before they are added; on a given PostgreSQL
    database only the run with dependencies)."""
    import shutil

    label = f"{args.dependencies} open dependencies a program"
    with tempfile.TemporaryDirectory() as data_dir:
        began = time.perf_counter()
        if args.database_url:
            urls = {label: args.database_url}
            data(args.database_url, args.programs, args.members, args.days, milestones=args.milestones)
        else:
            urls = {"baseline, no dependencies": f"sqlite:///{data_dir}/base.db", label: f"sqlite:///{data_dir}/deps.db"}
            data(urls["baseline, no dependencies"], args.programs, args.members, args.days, milestones=args.milestones)
            shutil.copyfile(f"{data_dir}/base.db", f"{data_dir}/deps.db")
        added = add_dependencies(urls[label], args.programs, args.dependencies)
        for url in urls.values():
            warm(url)
        built = f"built in {time.perf_counter() - began:.0f} s ({args.days} days of history"
        results = {}
        for name, url in urls.items():
            results[name] = measure(url)
            _print(name, f"{built}, {added if name == label else 0} dependencies)", results[name], args.programs)
    full, base = results[label], results.get("baseline, no dependencies")
    if base:
        print(f"ratio to the baseline without dependencies: time {full['wall'] / base['wall']:.2f}x, statements "
              f"{full['statements'] / base['statements']:.2f}x ({full['statements'] - base['statements']:+d}), "
              f"memory {full['peak_mb'] / base['peak_mb']:.2f}x")
    print(f"targets: tick <= 5 s: {'met' if full['wall'] <= 5 else 'NOT met'}; peak <= 400 MB: "
          f"{'met' if full['peak_mb'] <= 400 else 'NOT met'}; statements per program constant: see "
          f"tests/storage/test_tick_batches.py (2 vs 6 programs, with dependencies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
