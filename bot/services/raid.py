"""The RAID register's rules: creating blockers and risks, their lifecycle, who may change them,
lists, and blocker ageing against severity SLAs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.services.errors import NotAllowed, UserError
from bot.services.program_settings import SlaHours, settings_of
from bot.services.raid_grammar import BlockerDraft, RiskDraft, parse_key
from bot.services.timezones import zone
from storage import raid as store
from storage.models import Program
from storage.raid_models import Item

WORKDAY_START, WORKDAY_END = time(9, 0), time(17, 0)
WORKDAY_HOURS = 8
# Severity SLAs: how long a blocker may stay open. Critical counts wall-clock hours; the others count
# business days (8 business hours each, on the program's working days). Programs may override them in
# their settings' blockers.sla_hours (bot.services.program_settings holds the defaults).
DEFAULT_SLA_HOURS = SlaHours().model_dump()


@dataclass(frozen=True)
class Actor:
    user_id: str


def create_blocker(*, session: Session, program: Program, draft: BlockerDraft, author_id: str, now: datetime,
                   source_link: str = "") -> Item:
    item = Item(program_id=program.id, kind="blocker", number=store.next_number(
        session=session, program_id=program.id, kind="blocker"), title=draft.title,
        owner_id=draft.owner_id or author_id, reporter_id=author_id, severity=draft.severity,
        due_at=draft.due.at if draft.due else None, source_link=source_link, created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    store.record_event(session=session, item=item, actor_id=author_id, action="created",
                       changes=_snapshot(item), at=now)
    return item


def create_risk(*, session: Session, program: Program, draft: RiskDraft, author_id: str, now: datetime,
                source_link: str = "") -> Item:
    item = Item(program_id=program.id, kind="risk", number=store.next_number(
        session=session, program_id=program.id, kind="risk"), title=draft.title,
        owner_id=draft.owner_id or author_id, reporter_id=author_id, probability=draft.probability,
        impact=draft.impact, mitigation=draft.mitigation, review_at=draft.review.at if draft.review else None,
        source_link=source_link, created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    store.record_event(session=session, item=item, actor_id=author_id, action="created",
                       changes=_snapshot(item), at=now)
    return item


def _snapshot(item: Item) -> dict:
    return {"title": item.title, "owner": item.owner_id, "severity": item.severity, "probability": item.probability,
            "impact": item.impact, "due_at": item.due_at.isoformat() if item.due_at else None,
            "review_at": item.review_at.isoformat() if item.review_at else None, "mitigation": item.mitigation}


def find_item(*, session: Session, program: Program, kind: str, key: str) -> Item:
    number = parse_key(key, kind)
    item = store.item_by_number(session=session, program_id=program.id, kind=kind, number=number)
    if item is None:
        letter = "B" if kind == "blocker" else "R"
        raise UserError(f"There is no {letter}-{number} in {program.name}. See them with `/{kind} list all`.",
                        f"/{kind} list all")
    return item


def may_change(item: Item, program: Program, user_id: str) -> bool:
    return user_id in (item.owner_id, item.reporter_id) or user_id in program.leads


def ensure_may_change(item: Item, program: Program, user_id: str) -> None:
    if not may_change(item, program, user_id):
        people = list(dict.fromkeys([item.owner_id, item.reporter_id, *program.leads]))
        names = ", ".join(f"<@{u}>" for u in people)
        raise NotAllowed(f"Only {item.key}'s owner, its reporter or a program lead can change it: {names}.")


def _change(session: Session, item: Item, actor: str, action: str, changes: dict, now: datetime) -> Item:
    item.updated_at = now
    session.add(item)
    store.record_event(session=session, item=item, actor_id=actor, action=action, changes=changes, at=now)
    return item


def resolve(*, session: Session, program: Program, item: Item, actor: str, now: datetime, note: str = "",
            status: str | None = None) -> Item:
    """Resolve a blocker, or close a risk (status closed, mitigated or occurred)."""
    ensure_may_change(item, program, actor)
    final = status or ("resolved" if item.kind == "blocker" else "closed")
    if not item.is_open:
        raise UserError(f"{item.key} is already {item.status}.", f"/{item.kind} reopen {item.key}"
                        if item.kind == "blocker" else "/risk list all")
    before = item.status
    item.status, item.closed_at, item.close_note = final, now, note[:1000]
    return _change(session, item, actor, final, {"status": [before, final], "note": note}, now)


def reopen(*, session: Session, program: Program, item: Item, actor: str, now: datetime) -> Item:
    ensure_may_change(item, program, actor)
    if item.is_open:
        raise UserError(f"{item.key} is already open.", f"/{item.kind} list")
    before = item.status
    item.status, item.closed_at, item.close_note = "open", None, ""
    return _change(session, item, actor, "reopened", {"status": [before, "open"]}, now)


def assign(*, session: Session, program: Program, item: Item, actor: str, owner_id: str, now: datetime) -> Item:
    ensure_may_change(item, program, actor)
    before = item.owner_id
    item.owner_id = owner_id
    return _change(session, item, actor, "assigned", {"owner": [before, owner_id]}, now)


def snooze(*, session: Session, program: Program, item: Item, actor: str, now: datetime, until: datetime) -> Item:
    """Hold the item's escalation (and keep a new one from opening) until ``until``."""
    ensure_may_change(item, program, actor)
    if not item.is_open:
        raise UserError(f"{item.key} is {item.status}: there is nothing to snooze.", f"/{item.kind} list")
    before = item.snoozed_until.isoformat() if item.snoozed_until else None
    item.snoozed_until = until
    return _change(session, item, actor, "snoozed", {"snoozed_until": [before, until.isoformat()]}, now)


def update_risk(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
                probability: int | None = None, impact: int | None = None, mitigation: str | None = None) -> Item:
    ensure_may_change(item, program, actor)
    changes = {}
    for name, value in (("probability", probability), ("impact", impact), ("mitigation", mitigation)):
        if value is not None and getattr(item, name) != value:
            changes[name] = [getattr(item, name), value]
            setattr(item, name, value)
    if not changes:
        raise UserError("Nothing to change: give p:, i: or mitigation:.", "/risk update R-3 p:2 mitigation: second vendor")
    return _change(session, item, actor, "updated", changes, now)


def edit(*, session: Session, program: Program, item: Item, actor: str, now: datetime, **fields) -> Item:
    """Apply the edit modal's fields (title, owner_id, severity, due_at, probability, impact, review_at, mitigation)."""
    ensure_may_change(item, program, actor)
    changes = {}
    for name, value in fields.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = [old.isoformat() if isinstance(old, datetime) else old,
                             value.isoformat() if isinstance(value, datetime) else value]
            setattr(item, name, value)
    return _change(session, item, actor, "edited", changes, now) if changes else item


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
    if item.kind != "blocker" or not item.is_open or item.severity is None:
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
