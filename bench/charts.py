"""The roadmap picture: 30 milestones over a year, drawn without the cache, in process.

    python -m bench.charts [--n 40]

Targets (issue 13): render p95 <= 300 ms, PNG <= 200 KB. Baseline measured in the same run: an empty
figure of the same size saved as PNG by the same library (matplotlib's Agg backend), so the ratio says
what the roadmap itself costs over the library's floor on this machine. Also shown: the first drawing in
the process (which imports matplotlib and builds its font cache) and a cache hit.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from io import BytesIO

from bot.charts.common import DPI, WIDTH_PX, figure_height, new_figure
from bot.charts.roadmap import ChartMilestone, RoadmapData, draw_roadmap, render_roadmap

TODAY = date(2027, 4, 14)
STATUSES = ["on_track", "on_track", "at_risk", "off_track", "done", "on_track"]
NAMES = ["Payments API GA", "Data migration wave", "Mobile beta", "SOC 2 audit window", "Partner onboarding",
         "Search relevance v2", "Billing cut-over", "EU region launch", "Accessibility fixes", "Load test sign-off"]


def year_of_milestones(count: int = 30) -> RoadmapData:
    start = date(2027, 1, 4)
    milestones = tuple(
        ChartMilestone(key=f"M-{i}", name=f"{NAMES[i % len(NAMES)]} ({i})", status=STATUSES[i % len(STATUSES)],
                       baseline=start + timedelta(days=12 * i), forecast=start + timedelta(days=12 * i + (i % 5) * 4),
                       progress=(i % 10) / 10 if i % 3 == 0 else None)
        for i in range(1, count + 1))
    sprints = tuple(start + timedelta(days=14 * k) for k in range(27))
    return RoadmapData(title="Apollo roadmap · 2027", today=TODAY, milestones=milestones, sprint_starts=sprints)


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def empty_png(rows: int) -> bytes:
    figure = new_figure(figure_height(rows))
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    data = year_of_milestones()
    began = time.perf_counter()
    png = draw_roadmap(data)
    first = (time.perf_counter() - began) * 1000
    ours, base = [], []
    for _ in range(args.n):  # interleaved, so both see the same machine load
        began = time.perf_counter()
        png = draw_roadmap(data)
        ours.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        empty = empty_png(len(data.milestones))
        base.append((time.perf_counter() - began) * 1000)
    render_roadmap(data)
    began = time.perf_counter()
    render_roadmap(data)
    hit = (time.perf_counter() - began) * 1000
    size_kb = len(png) / 1024
    print(f"roadmap, {len(data.milestones)} milestones over a year, {WIDTH_PX} px wide: "
          f"p50 {statistics.median(ours):.0f} ms  p95 {pct(ours, 95):.0f} ms  PNG {size_kb:.0f} KB  (n={len(ours)})")
    print(f"baseline empty figure saved as PNG: p50 {statistics.median(base):.0f} ms  p95 {pct(base, 95):.0f} ms  "
          f"PNG {len(empty) / 1024:.0f} KB  -> ratio {statistics.median(ours) / statistics.median(base):.1f}x (p50), "
          f"{pct(ours, 95) / pct(base, 95):.1f}x (p95)")
    print(f"first drawing in the process (imports matplotlib): {first:.0f} ms; cache hit: {hit:.3f} ms")
    print(f"targets: render p95 <= 300 ms ({'met' if pct(ours, 95) <= 300 else 'NOT met'}), "
          f"PNG <= 200 KB ({'met' if size_kb <= 200 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
