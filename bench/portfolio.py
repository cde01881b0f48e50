"""`/tpm portfolio` composition in process, Slack I/O excluded: read the team's programs, every open record of
them, their last status reports, work out each one's RAG and next milestone, sort, and build the blocks.

    python -m bench.portfolio [--programs 500] [--milestones 20] [--n 40] [--database-url postgresql+psycopg://…]

Target (issue 13): 500 programs, each with 20 milestones and some blockers and risks, p95 <= 100 ms.
Baseline measured in the same run: the same programs listed without RAG — one query of the programs and a
line of each one's name and channel.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

from bench.databases import fresh_database
from bot.blocks.kit import section
from bot.blocks.portfolio import build_portfolio
from bot.blocks.text import channel, mrkdwn
from bot.services.portfolio import portfolio, sort_lines
from bot.services.status_report import report_key
from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import OutboundMessage, Program
from storage.programs import ensure_workspace, programs_in
from storage.raid_models import Item

NOW = datetime(2026, 12, 7, 9, tzinfo=timezone.utc)
TODAY = NOW.date()
BLOCKERS, RISKS, REPORT_WEEKS = 6, 6, 12


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def seed(engine, programs: int, milestones: int) -> None:
    """Each program: ``milestones`` milestones, each after the one before, a quarter of them slipped (some past
    the tolerance), some linked to a blocker or a risk; blockers of every severity; risks of every score;
    a status report sent each of the last weeks, and one still pending."""
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=NOW)
        rows = [Program(team_id="T", channel_id=f"C{n:05d}", name=f"program-{n:05d}", leads=["U0"],
                        escalation_channel_id="C0", timezone="America/Los_Angeles", created_by="U0",
                        created_at=NOW, updated_at=NOW) for n in range(programs)]
        session.add_all(rows)
        session.flush()
        items, messages = [], []
        for p in rows:
            for m in range(1, milestones + 1):
                baseline = TODAY + timedelta(days=7 * m - 10)
                forecast = baseline + timedelta(days=(m % 4 == 0) * (2 + m % 9))
                links = [f"B-{m % BLOCKERS + 1}"] if m % 5 == 0 else [f"R-{m % RISKS + 1}"] if m % 7 == 0 else []
                items.append(Item(program_id=p.id, kind="milestone", number=m, key=f"M-{m}", title=f"milestone {m}",
                                  owner_id="U0", reporter_id="U0", created_at=NOW - timedelta(days=60),
                                  updated_at=NOW, due_at=datetime.combine(forecast, datetime.min.time(), timezone.utc),
                                  details={"baseline": baseline.isoformat(), "forecast": forecast.isoformat(),
                                           "after": [f"M-{m - 1}"] if m > 1 else [], "links": links, "slips": []}))
            for b in range(1, BLOCKERS + 1):
                severity = ("low", "medium", "high", "critical")[(b + p.id) % 4] if p.id % 3 == 0 else \
                    ("low", "medium", "high")[(b + p.id) % 3]
                items.append(Item(program_id=p.id, kind="blocker", number=b, key=f"B-{b}", title=f"blocker {b}",
                                  owner_id="U0", reporter_id="U0", severity=severity,
                                  created_at=NOW - timedelta(hours=3 * b), updated_at=NOW))
            for r in range(1, RISKS + 1):
                probability, impact = 1 + (r + p.id) % 5, 1 + (r * 2 + p.id) % 5
                items.append(Item(program_id=p.id, kind="risk", number=r, key=f"R-{r}", title=f"risk {r}",
                                  owner_id="U0", reporter_id="U0", probability=probability, impact=impact,
                                  score=probability * impact, created_at=NOW - timedelta(days=r), updated_at=NOW))
            for week in range(REPORT_WEEKS + 1):
                at = NOW - timedelta(weeks=week, days=3)
                sent = week > 0
                messages.append(OutboundMessage(
                    idempotency_key=report_key(p, at), team_id="T", method="chat.postMessage", channel=p.channel_id,
                    payload={}, status="sent" if sent else "pending", next_attempt_at=at, created_at=at,
                    program_id=p.id, sent_at=at if sent else None))
        session.add_all(items)
        session.add_all(messages)


def compose(engine) -> list[dict]:
    with session_scope(engine) as session:
        programs = [p for p in programs_in(session=session, team_id="T") if not p.is_archived]
        lines = sort_lines(portfolio(session, programs, NOW), "rag")
    return build_portfolio(lines)


def listed(engine) -> list[dict]:
    """The baseline: the programs, one query, a line each without RAG."""
    with session_scope(engine) as session:
        programs = [p for p in programs_in(session=session, team_id="T") if not p.is_archived]
    return [section("\n".join(f"*{mrkdwn(p.name, 120)}* {channel(p.channel_id)}" for p in programs[i:i + 20]))
            for i in range(0, min(len(programs), 100), 20)]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programs", type=int, default=500)
    parser.add_argument("--milestones", type=int, default=20)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (default: a SQLite file)")
    args = parser.parse_args()
    backend = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory() as directory, \
            fresh_database(backend, args.database_url or None, directory, "portfolio") as url:
        engine = make_engine(url)
        upgrade(engine)
        seed(engine, args.programs, args.milestones)
        blocks = compose(engine)  # warm-up, and a look at what it composed
        listed(engine)
        ours = timed(lambda: compose(engine), args.n)
        base = timed(lambda: listed(engine), args.n)
        engine.dispose()
    records = args.programs * (args.milestones + BLOCKERS + RISKS)
    print(f"portfolio of {args.programs} programs ({records} open records, {backend}): "
          f"{len(blocks)} blocks, {blocks[1]['elements'][0]['text']}")
    print(f"/tpm portfolio composition: p50 {statistics.median(ours):.1f} ms  p95 {pct(ours, 95):.1f} ms  "
          f"(n={len(ours)})")
    print(f"baseline programs listed:   p50 {statistics.median(base):.1f} ms  p95 {pct(base, 95):.1f} ms  "
          f"(one query, no RAG)")
    p95 = pct(ours, 95)
    print(f"ratio p95 {p95 / max(pct(base, 95), 1e-9):.1f}x the baseline; target p95 <= 100 ms: "
          f"{'met' if p95 <= 100 else 'NOT met'}")
    return 0 if p95 <= 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
