"""The RAID register's rules: creating blockers and risks, their lifecycle, who may change them,
lists, and blocker ageing against severity SLAs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.records import service as records
from bot.records.kinds.blocker import SPEC as BLOCKER
from bot.records.kinds.risk import SPEC as RISK
from bot.records.permissions import ensure_may_change, may_change  # noqa: F401  (the one permissions rule)
from bot.records.registry import spec_for
from bot.records.spec import Draft
from bot.services.errors import UserError
from bot.services.raid_grammar import BlockerDraft, RiskDraft
from bot.services.program_settings import SlaHours, settings_of
from bot.services.timezones import zone
from storage.models import Program
from storage.raid_models import Item

WORKDAY_START, WORKDAY_END = time(9, 0), time(17, 0)
WORKDAY_HOURS = 8
# Severity SLAs: how long a blocker may stay open. Critical counts wall-clock hours; the others count
# business days (8 business hours each, on the program's working days). Programs may override them in
# their settings' blockers.sla_hours (bot.services.program_settings holds the defaults).
DEFAULT_SLA_HOURS = SlaHours().model_dump()


# ---- the first release's entry points, now the record core's verbs ------------------------------

def create_blocker(*, session: Session, program: Program, draft: BlockerDraft, author_id: str, now: datetime,
                   source_link: str = "") -> Item:
    values = {"severity": draft.severity, "due": draft.due.at if draft.due else None}
    return records.create(session=session, program=program, spec=BLOCKER, author_id=author_id, now=now,
                          source_link=source_link, draft=Draft(draft.title, draft.owner_id, values, draft.due))


def create_risk(*, session: Session, program: Program, draft: RiskDraft, author_id: str, now: datetime,
                source_link: str = "") -> Item:
    values = {"probability": draft.probability, "impact": draft.impact, "mitigation": draft.mitigation,
              "review": draft.review.at if draft.review else None}
    return records.create(session=session, program=program, spec=RISK, author_id=author_id, now=now,
                          source_link=source_link, draft=Draft(draft.title, draft.owner_id, values, draft.review))


def find_item(*, session: Session, program: Program, kind: str, key: str) -> Item:
    return records.find(session=session, program=program, spec=spec_for(kind), key=key)


def resolve(*, session: Session, program: Program, item: Item, actor: str, now: datetime, note: str = "",
            status: str | None = None) -> Item:
    """Resolve a blocker, or close a risk (status closed, mitigated or occurred): the kind's closing verb."""
    return records.close(session=session, program=program, item=item, actor=actor, now=now, note=note, status=status)


def assign(*, session: Session, program: Program, item: Item, actor: str, owner_id: str, now: datetime) -> Item:
    return records.assign(session=session, program=program, item=item, actor=actor, owner_id=owner_id, now=now)


def update_risk(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
                probability: int | None = None, impact: int | None = None, mitigation: str | None = None) -> Item:
    values = {k: v for k, v in (("probability", probability), ("impact", impact), ("mitigation", mitigation))
              if v is not None}
    if not values:
        raise UserError("Nothing to change: give p:, i: or mitigation:.", "/risk update R-3 p:2 mitigation: second vendor")
    return records.edit(session=session, program=program, item=item, actor=actor, now=now, values=values)


# ---- ageing --------------------------------------------------------------------------------------

def business_hours_between(start: datetime, end: datetime, tz: str, working_days: list[int]) -> float:
    """Hours between ``start`` and ``end`` that fall within 09:00–17:00 local on the working days.

    Only the first and the last day can be partial: the days between them are whole working days of
    exactly 8 hours, counted by weekday arithmetic instead of walked one by one (items stay open for
    months, and the status report and the escalation sweep ask this of every open blocker). The hours
    are still added in day order, one day at a time, so the float sum is the one a day-by-day walk gives."""
    if end <= start:
        return 0.0
    local_zone = zone(tz)
    start_local, end_local = start.astimezone(local_zone), end.astimezone(local_zone)
    first, last = start_local.date(), end_local.date()
    total = _hours_on(first, start_local, end_local, local_zone, working_days)
    if last > first:
        for _ in range(_working_days_between(first, last, working_days)):
            total += WORKDAY_FULL_HOURS
        total += _hours_on(last, start_local, end_local, local_zone, working_days)
    return total


WORKDAY_FULL_HOURS = float(WORKDAY_HOURS)


def _hours_on(day: date, start_local: datetime, end_local: datetime, local_zone, working_days: list[int]) -> float:
    """The business hours of ``day`` that fall between ``start_local`` and ``end_local``."""
    if day.weekday() not in working_days:
        return 0.0
    open_at = datetime.combine(day, WORKDAY_START, tzinfo=local_zone)
    close_at = datetime.combine(day, WORKDAY_END, tzinfo=local_zone)
    lo, hi = max(open_at, start_local), min(close_at, end_local)
    return (hi - lo).total_seconds() / 3600 if hi > lo else 0.0


def _working_days_between(first: date, last: date, working_days: list[int]) -> int:
    """How many days strictly between ``first`` and ``last`` fall on a working weekday."""
    between = (last - first).days - 1
    if between <= 0:
        return 0
    weekdays = {d for d in working_days if 0 <= d <= 6}
    weeks, rest = divmod(between, 7)
    after = first.weekday() + 1
    return weeks * len(weekdays) + sum(1 for offset in range(rest) if (after + offset) % 7 in weekdays)


def business_age(item: Item, program: Program, now: datetime) -> float:
    end = item.closed_at or now
    return business_hours_between(item.created_at, end, program.timezone, program.working_days)


def sla_for(program: Program, severity: str) -> float:
    """Hours a blocker of ``severity`` may stay open (wall-clock for critical, business hours otherwise)."""
    return settings_of(program).blockers.sla_hours.for_severity(severity)


def past_sla(item: Item, program: Program, now: datetime) -> bool:
    if not item.is_open or item.severity is None:  # only what has a severity has an SLA
        return False
    limit = sla_for(program, item.severity)
    if item.severity == "critical":
        return (now - item.created_at) > timedelta(hours=limit)
    return business_age(item, program, now) > limit


def describe_age(created_at: datetime, now: datetime) -> str:
    seconds = max(0, int((now - created_at).total_seconds()))
    days, hours = divmod(seconds // 3600, 24)
    if days:
        return f"{days}d {hours}h"
    minutes = seconds // 60
    return f"{hours}h" if hours else f"{minutes}m"


def top_risks(items: list[Item], limit: int = 10) -> list[Item]:
    return sorted(items, key=lambda r: (-(r.score or 0), r.created_at))[:limit]


def risk_matrix(items: list[Item]) -> list[list[int]]:
    """Counts of open risks by impact (rows, 5 at the top) and probability (columns 1..5)."""
    grid = [[0] * 5 for _ in range(5)]
    for risk in items:
        if risk.probability and risk.impact:
            grid[5 - risk.impact][risk.probability - 1] += 1
    return grid
