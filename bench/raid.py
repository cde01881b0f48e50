"""`/blocker` in process, Slack I/O excluded: parse + store + reply composition, and date parsing.

    python -m bench.raid [--n 500]

Targets (issue 4): /blocker with owner, date and severity p50 <= 10 ms; date parsing p95 <= 2 ms after
warm-up. Baselines measured in the same run: a bare insert of one row in the same database, and
`datetime.fromisoformat` on an ISO date (the cheapest possible date read).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from bot.blocks.raid import build_created_reply, build_item_message
from bot.services import raid
from bot.services.dates import parse_when, warm_up
from bot.services.raid_grammar import parse_blocker
from storage.engine import make_engine, session_scope
from storage.ledger import first_delivery
from storage.migrate import upgrade
from storage.models import Program
from storage.programs import add_program, ensure_workspace

NOW = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
PHRASES = ["friday", "tomorrow 5pm", "in 2 weeks", "dec 3", "eow", "2026-12-01", "next monday", "q1",
           "end of month", "in 3 business days", "two weeks from today", "a fortnight from now"]


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        began = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    warm_up()
    with tempfile.TemporaryDirectory() as data:
        engine = make_engine(f"sqlite:///{data}/bench.db")
        upgrade(engine)
        with session_scope(engine) as session:
            ensure_workspace(session=session, team_id="T", now=NOW)
            program, _ = add_program(session=session, program=Program(
                team_id="T", channel_id="C", name="bench", leads=["U1"], escalation_channel_id="C",
                timezone="Europe/Berlin", created_by="U1", created_at=NOW, updated_at=NOW))

        def blocker(i: int) -> None:
            draft = parse_blocker(f"waiting on API keys {i} from <@U0DANA|dana> due friday sev:high",
                                  "Europe/Berlin", NOW)
            with session_scope(engine) as session:
                item = raid.create_blocker(session=session, program=program, draft=draft, author_id="U1", now=NOW)
            build_item_message(item, program.timezone)
            build_created_reply(item, "Europe/Berlin", draft.due.describe())

        def bare_insert(i: int) -> None:
            with session_scope(engine) as session:
                first_delivery(session=session, event_id=f"Ev{i}", now=NOW + timedelta(seconds=i))

        blocker(-1)
        ours = timed(blocker, args.n)
        base = timed(bare_insert, args.n)
    dates = timed(lambda i: parse_when(PHRASES[i % len(PHRASES)], "Europe/Berlin", NOW), args.n * 4)
    iso = timed(lambda i: datetime.fromisoformat("2026-12-01T17:00:00+01:00"), args.n * 4)
    print(f"/blocker parse+store+reply: p50 {statistics.median(ours):.2f} ms  p95 {pct(ours, 95):.2f} ms  "
          f"(n={len(ours)})")
    print(f"baseline one-row insert:    p50 {statistics.median(base):.2f} ms  p95 {pct(base, 95):.2f} ms  "
          f"-> ratio {statistics.median(ours) / statistics.median(base):.1f}x")
    print(f"date phrases:               p50 {statistics.median(dates):.3f} ms  p95 {pct(dates, 95):.3f} ms  "
          f"(n={len(dates)}, {len(PHRASES)} phrases)")
    print(f"baseline fromisoformat:     p50 {statistics.median(iso):.4f} ms  -> ratio "
          f"{statistics.median(dates) / statistics.median(iso):.0f}x")
    print(f"targets: /blocker p50 <= 10 ms ({'met' if statistics.median(ours) <= 10 else 'NOT met'}), "
          f"date p95 <= 2 ms ({'met' if pct(dates, 95) <= 2 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
