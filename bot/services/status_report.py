"""The weekly status report of a program: RAG by documented rules, highlights from stand-ups, new and
closed items, top risks with their score trend, ageing blockers, the week's decisions, overdue action
items by owner, and KPIs.

RAG rules (over what is open now):
- **Red**: an open critical blocker, three or more blockers past their SLA, an open risk scoring 20+, or
  a milestone off track.
- **Amber**: a blocker past its SLA, a risk at or above the program's escalation threshold, a risk
  whose review date has passed, or a milestone at risk.
- **Green**: none of those.
(Milestones' own status rules are in bot/services/milestones.py.)

A fixed handful of queries per program, each bounded by the week (or by what is open), so composing a
report costs the same after a year of history as after a week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from bot.records.kinds import action as action_kind
from bot.records.kinds import blocker as blocker_kind
from bot.records.kinds import risk as risk_kind
from bot.records.kinds import decision as decision_kind
from bot.records.kinds import milestone as milestone_kind
from bot.records.kinds.milestone import Track
from bot.services import coordination as coordination_service
from bot.services.coordination import Coordination
from bot.services.milestones import Assessment, assess, slips_since, upcoming
from bot.services.escalation_rules import risk_threshold
from bot.services.program_settings import StatusReportSettings, settings_of
from bot.services.raid import past_sla, top_risks
from bot.services.standups import away_by_run, participation, participation_rate, read_ahead_away
from bot.services.timezones import zone
from storage.models import Program
from storage.raid_models import ITEM_COLUMNS, Item, ItemEvent, ItemRow
from storage.read_ahead import MISSING, stash, take
from storage.standup_models import StandupAnswer, StandupRun

WEEK = timedelta(days=7)
MTTR_WINDOW = timedelta(days=30)
RED_RISK_SCORE = 20
RED_PAST_SLA = 3
HIGHLIGHT_WORDS = re.compile(r"\b(shipped|released|launched|merged|deployed|done|finished|completed|fixed|closed)\b",
                             re.IGNORECASE)
MAX_HIGHLIGHTS = 6
# The kinds the report is about, by their specs (a new kind is never taken for one of them).
ACTION, DECISION = action_kind.SPEC.name, decision_kind.SPEC.name
BLOCKER, RISK = blocker_kind.SPEC.name, risk_kind.SPEC.name
MILESTONE = milestone_kind.SPEC.name
NEXT_MILESTONES = 3


@dataclass
class RiskTrend:
    item: Item
    score_week_ago: int | None  # None: the risk is new this week


@dataclass
class StatusReport:
    program: Program
    now: datetime
    rag: str  # green | amber | red
    reasons: list[str]
    open_blockers: list[Item]
    open_risks: int
    past_sla_ids: set[int]
    ageing_blockers: list[Item]  # past SLA first, then the oldest
    new_items: list[Item]
    closed_items: list[Item]
    top_risks: list[RiskTrend]
    highlights: list[tuple[str, str]]  # (user, text)
    participation: float | None  # answered / expected over the week's runs
    blocker_mttr_hours: float | None
    risk_exposure: int
    risk_exposure_week_ago: int
    decisions: list[Item] = field(default_factory=list)  # decided this week, in the order they were
    milestones: list[Item] = field(default_factory=list)  # open, soonest forecast first
    assessed: dict[int, Assessment] = field(default_factory=dict)
    slips: list[tuple[Item, dict]] = field(default_factory=list)  # moves made this week, with their reasons
    milestones_done: list[Item] = field(default_factory=list)  # done this week
    overdue_actions: list[tuple[str, list[Item]]] = field(default_factory=list)  # (owner, theirs), most overdue first
    coordination: Coordination = field(default_factory=Coordination)  # dependencies both ways, and their KPIs


def rag_status(program: Program, open_items: list[Item], now: datetime, late: list[Item] | None = None,
               assessed: dict[int, Assessment] | None = None) -> tuple[str, list[str]]:
    """The program's RAG and its reasons, from its open records (the rules above)."""
    blockers = [i for i in open_items if i.kind == BLOCKER]
    risks = [i for i in open_items if i.kind == RISK]
    milestones = [i for i in open_items if i.kind == MILESTONE]
    assessed = assess(program, milestones, open_items, now) if assessed is None else assessed
    off = [m for m in milestones if assessed[m.id].track == Track.OFF_TRACK]
    shaky = [m for m in milestones if assessed[m.id].track == Track.AT_RISK]
    critical = [b for b in blockers if b.severity == "critical"]
    late = [b for b in blockers if past_sla(b, program, now)] if late is None else late
    severe = [r for r in risks if (r.score or 0) >= RED_RISK_SCORE]
    red = []
    if critical:
        red.append(f"{len(critical)} critical blocker(s) open: {', '.join(b.key for b in critical[:5])}")
    if len(late) >= RED_PAST_SLA:
        red.append(f"{len(late)} blockers past their SLA")
    if severe:
        red.append(f"{len(severe)} risk(s) scoring {RED_RISK_SCORE}+: {', '.join(r.key for r in severe[:5])}")
    if off:
        red.append(f"{len(off)} milestone(s) off track: " + ", ".join(
            f"{m.key} ({assessed[m.id].reasons[0]})" if assessed[m.id].reasons else m.key for m in off[:3]))
    if red:
        return "red", red
    threshold = risk_threshold(program)
    amber = []
    if late:
        amber.append(f"{len(late)} blocker(s) past their SLA: {', '.join(b.key for b in late[:5])}")
    high = [r for r in risks if (r.score or 0) >= threshold]
    if high:
        amber.append(f"{len(high)} risk(s) at or above the threshold {threshold}: {', '.join(r.key for r in high[:5])}")
    overdue = [r for r in risks if r.review_at is not None and r.review_at < now]
    if overdue:
        amber.append(f"{len(overdue)} risk review(s) overdue")
    if shaky:
        amber.append(f"{len(shaky)} milestone(s) at risk: " + ", ".join(
            f"{m.key} ({assessed[m.id].reasons[0]})" if assessed[m.id].reasons else m.key for m in shaky[:3]))
    if amber:
        return "amber", amber
    return "green", ["no critical or late blockers, no risk at or above the threshold, no milestone at risk"]


# The report's queries are built once, with bound parameters: building a select (and its cache key) on
# every call costs about as much as running it, and the busiest tick composes a report per program.
_OPEN_ITEMS = (select(Item).where(Item.program_id == bindparam("program_id"), Item.status == "open")
               .order_by(Item.created_at, Item.id))
_RECENTLY_CLOSED = (select(Item).where(Item.program_id == bindparam("program_id"), Item.status != "open",
                                       Item.closed_at > bindparam("after"))
                    .order_by(Item.closed_at, Item.id))  # the report lists them in the order they closed
_RISK_CHANGES = (select(ItemEvent.item_id, ItemEvent.changes)
                 .where(ItemEvent.item_id.in_(bindparam("item_ids", expanding=True)), ItemEvent.at > bindparam("since"))
                 .order_by(ItemEvent.at.desc(), ItemEvent.id.desc()))
_WEEK_RUNS = select(StandupRun.id, StandupRun.day, StandupRun.roster).where(
    StandupRun.program_id == bindparam("program_id"), StandupRun.day > bindparam("first"),
    StandupRun.day <= bindparam("last"))
# The same, for a batch of reports (`read_ahead`): ordered so each program's rows keep their order.
_OPEN_ITEMS_OF = (select(*ITEM_COLUMNS).where(Item.program_id.in_(bindparam("program_ids", expanding=True)),
                                     Item.status == "open").order_by(Item.created_at, Item.id))
_RECENTLY_CLOSED_OF = (select(*ITEM_COLUMNS).where(Item.program_id.in_(bindparam("program_ids", expanding=True)),
                                          Item.status != "open", Item.closed_at > bindparam("after"))
                       .order_by(Item.closed_at, Item.id))
_RISK_CHANGES_OF = (select(ItemEvent.id, ItemEvent.item_id, ItemEvent.changes, ItemEvent.at)
                    .where(ItemEvent.item_id.in_(bindparam("item_ids", expanding=True)),
                           ItemEvent.at > bindparam("since")))
_WEEK_RUNS_OF = select(StandupRun.id, StandupRun.program_id, StandupRun.day, StandupRun.roster).where(
    StandupRun.program_id.in_(bindparam("program_ids", expanding=True)), StandupRun.day > bindparam("first"),
    StandupRun.day <= bindparam("last")).order_by(StandupRun.id)
_WEEK_ANSWERS_OF = select(StandupAnswer.run_id, StandupAnswer.user_id, StandupAnswer.skipped, StandupAnswer.late,
                          StandupAnswer.yesterday, StandupAnswer.answered_at).where(
    StandupAnswer.run_id.in_(bindparam("run_ids", expanding=True)), StandupAnswer.superseded == False  # noqa: E712
).order_by(StandupAnswer.run_id, StandupAnswer.id)
_WEEK_ANSWERS = select(StandupAnswer.run_id, StandupAnswer.user_id, StandupAnswer.skipped, StandupAnswer.late,
                       StandupAnswer.yesterday, StandupAnswer.answered_at).where(
    StandupAnswer.run_id.in_(bindparam("run_ids", expanding=True)), StandupAnswer.superseded == False  # noqa: E712
).order_by(StandupAnswer.run_id, StandupAnswer.id)  # as the batched read: ties in highlights credited alike


def _scores_week_ago(session: Session, program: Program, risks: list[Item], since: datetime) -> dict[int, int | None]:
    """Each risk's score at ``since``, undoing the probability/impact changes made after it (one query, of the
    two columns it needs, unless read ahead)."""
    values = {r.id: {"probability": r.probability, "impact": r.impact} for r in risks}
    events = take(session, "status.risk_changes", (program.id, since))
    if events is MISSING:
        events = session.exec(_RISK_CHANGES, params={"item_ids": [r.id for r in risks] or [0], "since": since})
    else:  # read ahead for the risks the report was expected to have: only theirs count
        events = [event for event in events if event.item_id in values]
    for event in events:
        for name in ("probability", "impact"):
            change = (event.changes or {}).get(name)
            if isinstance(change, list) and len(change) == 2:
                values[event.item_id][name] = change[0]
    out: dict[int, int | None] = {}
    for risk in risks:
        if risk.created_at > since:
            out[risk.id] = None
        else:
            p, i = values[risk.id]["probability"], values[risk.id]["impact"]
            out[risk.id] = p * i if p and i else None
    return out


def _standups(session: Session, program: Program, since: datetime, now: datetime):
    """The week's runs (id, roster) and current answers as plain rows: two narrow queries."""
    read = take(session, "status.standups", (program.id, since, now))
    if read is not MISSING:
        return read
    first, last = _week_days(program, since, now)
    runs = list(session.exec(_WEEK_RUNS, params={"program_id": program.id, "first": first, "last": last}))
    answers = list(session.exec(_WEEK_ANSWERS, params={"run_ids": [r.id for r in runs] or [0]}))
    return runs, answers


def _week_days(program: Program, since: datetime, now: datetime) -> tuple[str, str]:
    """The report's stand-up days: after ``since``'s day, up to ``now``'s, in the program's zone."""
    tz = zone(program.timezone)
    return since.astimezone(tz).date().isoformat(), now.astimezone(tz).date().isoformat()


def read_ahead(*, session: Session, reports: list[tuple[Program, datetime]]) -> None:
    """Read what `compose` needs for each (program, now) with five queries in all, not five per report, and
    leave it for `compose` to take (storage.read_ahead). Each query covers the widest window of the batch;
    each report keeps only the rows its own query would have read, in the order it would have read them."""
    if not reports:
        return
    ids = sorted({program.id for program, _ in reports})
    programs = {program.id: program for program, _ in reports}
    open_items = _by_program(map(ItemRow._make, session.exec(_OPEN_ITEMS_OF, params={"program_ids": ids})))
    after = min(now for _, now in reports) - MTTR_WINDOW
    closed = _by_program(map(ItemRow._make, session.exec(_RECENTLY_CLOSED_OF, params={"program_ids": ids, "after": after})))
    risks: dict[tuple[int, datetime], list[int]] = {}
    days: dict[tuple[int, datetime, datetime], tuple[str, str]] = {}
    for program, now in reports:
        since = now - WEEK
        mine_open = open_items.get(program.id, [])
        mine_closed = [i for i in closed.get(program.id, []) if i.closed_at > now - MTTR_WINDOW]
        stash(session, "status.open_items", (program.id, now), mine_open)
        stash(session, "status.recently_closed", (program.id, now), mine_closed)
        risks[(program.id, since)] = [i.id for i in mine_open if i.kind == RISK] + [
            i.id for i in mine_closed if i.kind == RISK and i.closed_at > since]
        days[(program.id, now - WEEK, now)] = _week_days(program, now - WEEK, now)
    earliest = min(since for _, since in risks)
    events: dict[int, list] = {}
    for event in session.exec(_RISK_CHANGES_OF, params={"item_ids": sorted({i for ids_ in risks.values()
                                                                            for i in ids_}) or [0],
                                                        "since": earliest}):
        events.setdefault(event.item_id, []).append(event)
    for (program_id, since), item_ids in risks.items():
        mine = [event for item_id in item_ids for event in events.get(item_id, []) if event.at > since]
        mine.sort(key=lambda event: (event.at, event.id), reverse=True)  # as _RISK_CHANGES orders them
        stash(session, "status.risk_changes", (program_id, since), mine)
    first, last = min(d[0] for d in days.values()), max(d[1] for d in days.values())
    runs = _by_program(session.exec(_WEEK_RUNS_OF, params={"program_ids": ids, "first": first, "last": last}))
    run_ids = sorted(run.id for rows in runs.values() for run in rows)
    answers: dict[int, list] = {}
    for answer in session.exec(_WEEK_ANSWERS_OF, params={"run_ids": run_ids or [0]}):
        answers.setdefault(answer.run_id, []).append(answer)
    windows = []
    for (program_id, since, now), (first, last) in days.items():
        mine = [run for run in runs.get(program_id, []) if first < run.day <= last]
        stash(session, "status.standups", (program_id, since, now),
              (mine, [answer for run in sorted(mine, key=lambda r: r.id) for answer in answers.get(run.id, [])]))
        if mine:
            windows.append((programs[program_id], min(r.day for r in mine), max(r.day for r in mine)))
    read_ahead_away(session=session, windows=windows)
    coordination_service.read_ahead(session=session, program_ids=ids)


def _by_program(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.program_id, []).append(row)
    return out


def _highlights(answers) -> list[tuple[str, str]]:
    picked, seen = [], set()
    # A text read once has nothing more to give: each of its lines was picked or passed over. Teams repeat
    # themselves ("reviewed PRs"), so a week of answers has far fewer distinct texts than answers.
    read: set[str] = set()
    for answer in sorted(answers, key=lambda a: a.answered_at, reverse=True):
        if answer.skipped or answer.yesterday in read:
            continue
        read.add(answer.yesterday)
        for line in re.split(r"[\n;]", answer.yesterday):
            line = line.strip(" -•*")
            if line and HIGHLIGHT_WORDS.search(line) and line.lower() not in seen:
                seen.add(line.lower())
                picked.append((answer.user_id, line))
                if len(picked) == MAX_HIGHLIGHTS:
                    return picked
    return picked


def compose(*, session: Session, program: Program, now: datetime) -> StatusReport:
    since = now - WEEK
    open_items = take(session, "status.open_items", (program.id, now))
    if open_items is MISSING:
        open_items = list(session.exec(_OPEN_ITEMS, params={"program_id": program.id}))
    recent = take(session, "status.recently_closed", (program.id, now))
    if recent is MISSING:
        recent = list(session.exec(_RECENTLY_CLOSED, params={"program_id": program.id, "after": now - MTTR_WINDOW}))
    blockers = [i for i in open_items if i.kind == BLOCKER]
    risks = [i for i in open_items if i.kind == RISK]
    closed_week = [i for i in recent if i.closed_at > since]
    new_items = [i for i in [*open_items, *closed_week] if i.created_at > since]
    late = [b for b in blockers if past_sla(b, program, now)]
    plan = [i for i in open_items if i.kind == MILESTONE]
    assessed = assess(program, plan, open_items, now)
    rag, reasons = rag_status(program, open_items, now, late, assessed)
    late_ids = {b.id for b in late}
    ageing = sorted(blockers, key=lambda b: (b.id not in late_ids, b.created_at))
    trends = _scores_week_ago(session, program, [*risks, *[r for r in closed_week if r.kind == RISK]], since)
    week_ago_exposure = sum(score or 0 for item_id, score in trends.items())
    resolved = [b for b in recent if b.kind == BLOCKER and b.closed_at]
    mttr = (sum((b.closed_at - b.created_at).total_seconds() for b in resolved) / len(resolved) / 3600
            if resolved else None)
    decided = [i for i in closed_week if i.kind == DECISION]  # read with the other records: no query of its own
    runs, answers = _standups(session, program, since, now)
    # Away (out of office, a day off, a holiday) is neither missed nor expected: the stand-ups' own rule.
    stats = participation(runs, answers, away_by_run(session=session, program=program, runs=runs))
    return StatusReport(
        program=program, now=now, rag=rag, reasons=reasons, open_blockers=blockers, open_risks=len(risks), past_sla_ids=late_ids,
        ageing_blockers=ageing,
        new_items=new_items, closed_items=closed_week,
        top_risks=[RiskTrend(r, trends.get(r.id)) for r in top_risks(risks, 5)],
        highlights=_highlights(answers),
        participation=participation_rate(stats), blocker_mttr_hours=mttr,
        risk_exposure=sum(r.score or 0 for r in risks), risk_exposure_week_ago=week_ago_exposure,
        decisions=decided, overdue_actions=overdue_by_owner(open_items, now),
        milestones=upcoming(plan), assessed=assessed,
        slips=sorted(((m, s) for m in [*plan, *closed_week] if m.kind == MILESTONE for s in slips_since(m, since)),
                     key=lambda pair: pair[1]["at"]),
        milestones_done=[i for i in closed_week if i.kind == MILESTONE and i.status == milestone_kind.MilestoneStatus.DONE],
        coordination=coordination_service.coordination(session, program, open_items, recent, now),
    )


def overdue_by_owner(open_items: list[Item], now: datetime) -> list[tuple[str, list[Item]]]:
    """Open action items past their due date, grouped by owner: each owner's by due date, the owner with the
    most overdue one first."""
    mine: dict[str, list[Item]] = {}
    for item in sorted((i for i in open_items if i.kind == ACTION and i.due_at is not None and i.due_at < now),
                       key=lambda i: (i.due_at, i.number)):
        mine.setdefault(item.owner_id, []).append(item)
    return list(mine.items())


# ---- schedule -------------------------------------------------------------------------------------

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SCHEDULE = StatusReportSettings().model_dump()  # Friday 16:00, program time
SCHEDULE_EXAMPLE = "/status schedule fri 16:00 #leadership"
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    enabled: bool
    day: int
    time: str
    channel: str  # "" = the program's channel

    def describe(self, program: Program) -> str:
        if not self.enabled:
            return "off"
        return (f"every {DAYS[self.day].capitalize()} at {self.time} ({program.timezone}) in "
                f"<#{self.channel or program.channel_id}>")


def schedule_of(program: Program) -> Schedule:
    return Schedule(**settings_of(program).status_report.model_dump())


def parse_schedule(words: list[str], channel: str | None) -> Schedule:
    """`off`, or `<day> <HH:MM>` (a channel may be mentioned too)."""
    from bot.services.errors import UserError

    if [w.lower() for w in words] == ["off"]:
        return Schedule(False, DEFAULT_SCHEDULE["day"], DEFAULT_SCHEDULE["time"], "")
    day = next((DAYS.index(w.lower()[:3]) for w in words if w.lower()[:3] in DAYS and len(w) >= 3), None)
    hhmm = next((w for w in words if TIME.match(w)), None)
    if day is None or hhmm is None:
        raise UserError("Say the day and the time of the weekly report (24-hour clock), or `off`.", SCHEDULE_EXAMPLE)
    hours, minutes = hhmm.split(":")
    return Schedule(True, day, f"{int(hours):02d}:{minutes}", channel or "")


REPORT_KEY_PREFIX = "status.report:"  # every report's outbox key starts so (the portfolio's last report date)


def report_key(program: Program, due_at: datetime, on_demand: bool = False) -> str:
    return f"{REPORT_KEY_PREFIX}{program.id}:{'now:' if on_demand else ''}{due_at.isoformat()}"
