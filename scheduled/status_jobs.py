"""The status report, on each program's day and local time (DST-correct), as often as its communication
plan says (bot/services/communication_plan.py: weekly, every two weeks, monthly or off), queued once to its
channel and once to each person and channel the plan also sends it to."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.status_report import MILESTONES_BLOCK, build_status_report, report_text
from bot.deps import Deps
from bot.roadmap_posts import with_roadmap
from bot.services.roadmap import roadmap_data
from bot.services.charter import current_charter
from bot.services.communication_plan import also_to, extra_key, on_schedule
from bot.services.recurrence import daily_instants
from bot.services.standups import parse_hhmm
from bot.services.status_report import compose, read_ahead, report_key, schedule_of
from bot.services.timezones import zone
from scheduled.jobs import Due, hold
from storage.charters import read_ahead as read_ahead_charters
from storage.models import Occurrence, Program
from storage.outbox import enqueue, read_ahead_keys
from storage.programs import active_programs

REPORT_KIND = "status.report"


class StatusReports:
    kind = REPORT_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        out = []
        for program in hold(session, active_programs(session=session)):
            schedule = schedule_of(program)
            if not schedule.enabled:
                continue
            tz = zone(program.timezone)
            for instant in daily_instants(start, end, parse_hhmm(schedule.time), tz):
                day = instant.astimezone(tz).date()
                if day.weekday() == schedule.day and on_schedule(program, "status_report", day):
                    out.append(Due(self.kind, f"program:{program.id}", instant, {"program_id": program.id}))
        return out

    def prefetch(self, session: Session, deps: Deps, items: list[Due]) -> None:
        """Read what the reports of ``items`` need, for all of them at once (see storage.read_ahead)."""
        reports = [(session.get(Program, item.data["program_id"]), item.due_at) for item in items]
        reports = [(program, at) for program, at in reports if program is not None]
        read_ahead(session=session, reports=reports)
        read_ahead_charters(session=session, program_ids=[program.id for program, _ in reports])
        read_ahead_keys(session=session, keys=[report_key(program, at) for program, at in reports])

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        program = session.get(Program, due.data["program_id"])
        queue_report(session, program, due.due_at, occurrence_id=occurrence.id)


def queue_report(session: Session, program: Program, at: datetime, *, occurrence_id: int | None = None,
                 channel: str | None = None) -> str:
    """Compose the report as of ``at`` and queue it; ``channel`` (for `/status`) overrides the schedule's. The
    scheduled report is also queued to each of the plan's people (a DM) and channels, each under its own key."""
    report = compose(session=session, program=program, now=at)
    charter = current_charter(session, program)
    on_demand = channel is not None
    channel = channel or schedule_of(program).channel or program.channel_id
    key = report_key(program, at, on_demand)
    blocks = build_status_report(report, charter)
    payload = {"channel": channel, "text": report_text(report), "blocks": blocks, "unfurl_links": False}
    plan = [*report.milestones, *report.milestones_done]
    if plan:  # the roadmap picture under the Milestones section, drawn and uploaded when it is sent
        index = 1 + next(i for i, block in enumerate(blocks) if block.get("block_id") == MILESTONES_BLOCK)
        payload = with_roadmap(payload, roadmap_data(program, plan, report.assessed, at), at=index)
    enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=at,
            occurrence_id=occurrence_id, program_id=program.id, payload=payload)
    for target in [] if on_demand else also_to(program, "status_report", besides=(channel,)):
        enqueue(session=session, key=extra_key(key, target), team_id=program.team_id, method="chat.postMessage",
                now=at, occurrence_id=occurrence_id, program_id=program.id, payload={**payload, "channel": target})
    return key
