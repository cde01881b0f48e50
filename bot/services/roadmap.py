"""The roadmap's content: a program's milestones as the picture shows them (bot/charts/roadmap.py), with
their status by the milestones' rules, today in the program's zone and its sprint boundaries. Also the
picture as a plain document, so a queued message can carry it until it is drawn and uploaded at send
time (bot/roadmap_posts.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.charts.roadmap import ChartMilestone, RoadmapData
from bot.records.kinds.milestone import Track, day_of
from bot.services.milestones import Assessment
from bot.services.program_settings import settings_of
from bot.services.sprints import sprint_starts
from bot.services.timezones import zone
from storage.models import Program

MAX_ROWS = 40  # a taller picture stops being readable in a Slack message


def roadmap_data(program: Program, milestones: list, assessed: dict[int, Assessment], now: datetime) -> RoadmapData:
    """The picture of ``milestones`` (open and done), soonest forecast first, at most MAX_ROWS of them."""
    today = now.astimezone(zone(program.timezone)).date()
    rows = []
    for milestone in sorted(milestones, key=lambda m: (m.due_at, m.number))[:MAX_ROWS]:
        baseline, forecast = day_of(milestone, "baseline"), day_of(milestone, "forecast")
        if baseline is None or forecast is None:
            continue
        track = assessed[milestone.id].track if milestone.id in assessed else Track.DONE  # closed: not assessed
        rows.append(ChartMilestone(milestone.key, milestone.title, baseline, forecast, track.value))
    first = min([today, *(r.baseline for r in rows), *(r.forecast for r in rows)]) - timedelta(days=7)
    last = max([today, *(r.baseline for r in rows), *(r.forecast for r in rows)]) + timedelta(days=7)
    starts = tuple(sprint_starts(settings_of(program).sprints, first, last))
    return RoadmapData(f"Roadmap · {program.name}", today, tuple(rows), starts)


def to_doc(data: RoadmapData) -> dict:
    return {"title": data.title, "today": data.today.isoformat(),
            "sprint_starts": [d.isoformat() for d in data.sprint_starts],
            "milestones": [{"key": m.key, "name": m.name, "baseline": m.baseline.isoformat(),
                            "forecast": m.forecast.isoformat(), "status": m.status, "progress": m.progress}
                           for m in data.milestones]}


def from_doc(doc: dict) -> RoadmapData:
    return RoadmapData(doc["title"], date.fromisoformat(doc["today"]), tuple(
        ChartMilestone(m["key"], m["name"], date.fromisoformat(m["baseline"]), date.fromisoformat(m["forecast"]),
                       m["status"], m.get("progress")) for m in doc["milestones"]),
        tuple(date.fromisoformat(d) for d in doc.get("sprint_starts") or ()))
