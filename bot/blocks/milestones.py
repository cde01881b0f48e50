"""Milestones as lines: in `/milestone list` (the roadmap in text), the status report's Milestones
section, the agenda and App Home. Each line shows the forecast, the slip against the baseline and the
status by icon and by word (never by colour alone)."""

from __future__ import annotations

from datetime import date

from bot.blocks.kit import context, section
from bot.blocks.text import mrkdwn
from bot.records.kinds.milestone import TRACK_ICON, Track, day_of
from bot.services.milestones import Assessment, describe_day, slip_days
from storage.models import Program
from storage.raid_models import Item

MAX_LINES = 40
NAME_MAX = 120
REASON_MAX = 200


def track_label(assessment: Assessment) -> str:
    manual = " (set by a lead)" if assessment.manual else ""
    return f"{TRACK_ICON[assessment.track]} {assessment.track.label}{manual}"


def milestone_line(milestone: Item, assessment: Assessment, program: Program, *, reasons: bool = True) -> str:
    forecast, baseline = day_of(milestone, "forecast"), day_of(milestone, "baseline")
    late = slip_days(milestone, program)
    slip = f", slipped {late} working day{'s' if late != 1 else ''} from {describe_day(baseline)}" if late else ""
    line = (f"{track_label(assessment)} *{milestone.key}* {mrkdwn(milestone.title, NAME_MAX)} — "
            f"{describe_day(forecast)}{slip}, <@{milestone.owner_id}>")
    if reasons and assessment.track in (Track.AT_RISK, Track.OFF_TRACK) and assessment.reasons:
        line += f"\n      _{mrkdwn('; '.join(assessment.reasons), REASON_MAX)}_"
    return line


def milestone_list(program: Program, milestones: list[Item], assessed: dict[int, Assessment], heading: str) -> list[dict]:
    if not milestones:
        return [section(f"*{mrkdwn(heading)}*: none yet. Add one with `/milestone Beta due mar 15 @owner`.")]
    lines = []
    for milestone in milestones[:MAX_LINES]:
        line = milestone_line(milestone, assessed[milestone.id], program)
        links = (milestone.details or {}).get("links") or []
        after = (milestone.details or {}).get("after") or []
        extra = ([f"after {', '.join(after)}"] if after else []) + ([f"linked {', '.join(links[:10])}"] if links else [])
        lines.append(line + (f"\n      {' · '.join(extra)}" if extra else ""))
    blocks = [section(f"*{mrkdwn(heading)}* ({len(milestones)})")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(milestones) > MAX_LINES:
        blocks.append(context(f"…and {len(milestones) - MAX_LINES} more."))
    blocks.append(context("Status rules: done; a lead's status for a week; off track when the forecast passed or "
                          "it slipped past the tolerance; at risk when a linked item concerns it or what it comes "
                          "after is off track. `/roadmap` shows the picture."))
    return blocks


def slip_line(milestone: Item, slip: dict) -> str:
    return (f"*{milestone.key}* {mrkdwn(milestone.title, 80)}: {describe_day(_day(slip.get('from')))} → "
            f"{describe_day(_day(slip['to']))} by <@{slip['by']}> — {mrkdwn(slip['reason'], REASON_MAX)}")


def _day(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def done_line(milestone: Item) -> str:
    return f"{TRACK_ICON[Track.DONE]} *{milestone.key}* {mrkdwn(milestone.title, 80)} — done"
