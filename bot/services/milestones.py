"""Milestones in the plan: baselines and slips, the order they come in, what is tied to them, and the
status rules.

Status rules, in order (the README repeats them):
1. **done** when the milestone is marked done;
2. a lead's manual status (`/milestone status`, with a note) wins for seven days after it is set;
3. **off track** when its forecast day has passed, or it has slipped past its baseline by more than
   the program's tolerance (working days; `milestones.slip_tolerance_days`, default 5);
4. **at risk** when something tied to it concerns it — an open high or critical blocker, an open risk
   scoring at or over the program's escalation threshold (each kind says what concerns a milestone:
   `KindSpec.milestone_concern`) — or when a milestone it comes after is off track;
5. else **on track**.

Everything is worked out from the program's open records, which the status report, App Home and the
agenda read anyway: assessing the milestones costs no query of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.records import service
from bot.records.grammar import KEY
from bot.records.kinds.milestone import (
    EXAMPLE, EXTERNAL, LINK_EXAMPLE, MOVE_EXAMPLE, SPEC, STATUS_EXAMPLE, Track, day_of,
)
from bot.records.permissions import ensure_may_change
from bot.records.registry import BY_PREFIX, spec_of
from bot.records.spec import OPEN
from bot.services.dates import When, end_of_day
from bot.services.errors import NotAllowed, UserError
from bot.services.program_settings import settings_of
from storage import raid as store
from storage.models import Program
from storage.raid_models import Item

MANUAL_FOR = timedelta(days=7)
REASON_MAX = 500
MAX_LINKS = 50


@dataclass(frozen=True)
class Assessment:
    track: Track
    reasons: list[str] = field(default_factory=list)
    manual: bool = False


# ---- dates and slips ----------------------------------------------------------------------------

def describe_day(day: date | None) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}" if day else "none"


def working_days_between(first: date, last: date, working_days: list[int]) -> int:
    """Working days after ``first`` up to and including ``last`` (negative when ``last`` is earlier)."""
    if last == first:
        return 0
    sign, lo, hi = (1, first, last) if last > first else (-1, last, first)
    days = {d for d in working_days if 0 <= d <= 6} or set(range(5))
    weeks, rest = divmod((hi - lo).days, 7)
    count = weeks * len(days) + sum(1 for n in range(1, rest + 1) if (lo + timedelta(days=n)).weekday() in days)
    return sign * count


def slip_days(item: Item, program: Program) -> int:
    """How many working days the forecast lies past the baseline (0 when on or before it)."""
    baseline, forecast = day_of(item, "baseline"), day_of(item, "forecast")
    if baseline is None or forecast is None:
        return 0
    return max(0, working_days_between(baseline, forecast, program.working_days))


def slip_text(item: Item) -> str:
    """The slip in calendar days, for the record's message (no program at hand there)."""
    baseline, forecast = day_of(item, "baseline"), day_of(item, "forecast")
    if baseline is None or forecast is None or baseline == forecast:
        return ""
    days = (forecast - baseline).days
    return f"{days:+d} day{'s' if abs(days) != 1 else ''} against the baseline"


def tolerance(program: Program) -> int:
    return settings_of(program).milestones.slip_tolerance_days


def slip_beyond_tolerance(item: Item, program: Program) -> str | None:
    late = slip_days(item, program)
    if late > tolerance(program):
        return (f"slipped {late} working days past its baseline {describe_day(day_of(item, 'baseline'))} "
                f"(tolerance {tolerance(program)})")
    return None


def manual_status(item: Item, now: datetime | None = None) -> dict | None:
    """A lead's status, while it holds (seven days); with no ``now``, whenever it was set."""
    manual = (item.details or {}).get("manual")
    if not manual:
        return None
    if now is not None and datetime.fromisoformat(manual["at"]) + MANUAL_FOR <= now:
        return None
    return manual


def slips_since(item: Item, since: datetime) -> list[dict]:
    return [s for s in (item.details or {}).get("slips") or [] if datetime.fromisoformat(s["at"]) > since]


# ---- the status rules ---------------------------------------------------------------------------

def assess(program: Program, milestones: list[Item], open_items: list[Item], now: datetime) -> dict[int, Assessment]:
    """Every milestone's track, by the rules above. ``open_items``: the program's open records (the ones
    a milestone's links may name)."""
    open_by_key = {i.key: i for i in open_items}
    by_key = {m.key: m for m in milestones}
    out: dict[int, Assessment] = {}

    def visit(milestone: Item, path: frozenset[int]) -> Assessment:
        if milestone.id in out:
            return out[milestone.id]
        if milestone.status != OPEN:
            out[milestone.id] = Assessment(Track.DONE)
            return out[milestone.id]
        off, risk = [], []
        if milestone.due_at is not None and milestone.due_at < now:
            off.append(f"its forecast {describe_day(day_of(milestone, 'forecast'))} has passed")
        if slipped := slip_beyond_tolerance(milestone, program):
            off.append(slipped)
        for key in (milestone.details or {}).get("links") or []:
            linked = open_by_key.get(key)
            concern = spec_of(linked).milestone_concern if linked is not None else None
            if concern is not None and (why := concern(linked, program, now)):
                risk.append(f"{key} {why}")
        for key in (milestone.details or {}).get("after") or []:
            before = by_key.get(key)
            if before is not None and before.id not in path and \
                    visit(before, path | {milestone.id}).track == Track.OFF_TRACK:
                risk.append(f"it comes after {key}, which is off track")
        track = Track.OFF_TRACK if off else Track.AT_RISK if risk else Track.ON_TRACK
        found = Assessment(track, off + risk)
        if manual := manual_status(milestone, now):
            note = f": {manual['note']}" if manual.get("note") else ""
            found = Assessment(Track(manual["status"]), [f"set {Track(manual['status']).label} by a lead{note}"]
                               + found.reasons, manual=True)
        out[milestone.id] = found
        return found

    for milestone in milestones:
        visit(milestone, frozenset())
    return out


def upcoming(milestones: list[Item], limit: int | None = None) -> list[Item]:
    """Open milestones by forecast, soonest first."""
    ordered = sorted((m for m in milestones if m.status == OPEN), key=lambda m: (m.due_at, m.number))
    return ordered[:limit] if limit is not None else ordered


# ---- changes ------------------------------------------------------------------------------------

def _day_and_instant(when: When) -> tuple[date, datetime]:
    day = when.local.date()
    return day, end_of_day(day, when.timezone)


def _predecessors_check(item: Item, forecast: date, before: list[Item]) -> None:
    for other in before:
        other_day = day_of(other, "forecast")
        if other.status == OPEN and other_day is not None and forecast < other_day:
            raise UserError(f"{item.key or 'This milestone'} comes after {other.key}, due "
                            f"{describe_day(other_day)}: give it a date on or after that one.", EXAMPLE)


def _milestones_named(session: Session, program: Program, keys: list[str], item: Item) -> list[Item]:
    found = []
    for key in keys:
        if key == item.key:
            raise UserError(f"{key} can't come after itself.", EXAMPLE)
        found.append(service.find(session=session, program=program, spec=SPEC, key=key))
    return found


def plan_new(*, session: Session, program: Program, item: Item, when: When | None) -> None:
    """A new milestone: its date is both its baseline and its forecast; what it comes after is checked."""
    if when is None:
        when = When(item.due_at, program.timezone, False)
    day, instant = _day_and_instant(when)
    after = list((item.details or {}).get("after") or [])
    _predecessors_check(item, day, _milestones_named(session, program, after, item))
    item.due_at = instant
    item.details = {**(item.details or {}), "baseline": day.isoformat(), "forecast": day.isoformat(),
                    "after": after, "links": [], "slips": []}
    session.add(item)


def move(*, session: Session, program: Program, item: Item, actor: str, now: datetime, when: When,
         reason: str, via: str = "") -> Item:
    """A new forecast, kept with its reason as slip history (who, when, from, to, why). A move ``via`` an
    approved change request (its key) was allowed by that request's approvers."""
    if not via:
        ensure_may_change(item, program, actor)
    if item.status != OPEN:
        raise UserError(f"{item.key} is {spec_of(item).status_label(item.status)}: reopen it to move it.",
                        f"/milestone reopen {item.key}")
    reason = " ".join((reason or "").split())
    if not reason:
        raise UserError("Say why it moves: `reason: <text>` (it is kept in the slip history).", MOVE_EXAMPLE)
    if len(reason) > REASON_MAX:
        raise UserError(f"Keep the reason to {REASON_MAX} characters (it has {len(reason)}).", MOVE_EXAMPLE)
    day, instant = _day_and_instant(when)
    before = day_of(item, "forecast")
    if day == before:
        raise UserError(f"{item.key} is already forecast for {describe_day(day)}.", MOVE_EXAMPLE)
    keys = list((item.details or {}).get("after") or [])
    _predecessors_check(item, day, [service.find(session=session, program=program, spec=SPEC, key=k) for k in keys])
    slip = {"from": before.isoformat() if before else None, "to": day.isoformat(), "reason": reason,
            "by": actor, "at": now.isoformat(), **({"via": via} if via else {})}
    item.due_at = instant
    item.details = {**(item.details or {}), "forecast": day.isoformat(),
                    "slips": [*((item.details or {}).get("slips") or []), slip]}
    return service.change(session, item, actor, "moved", {"forecast": [slip["from"], slip["to"]], "note": reason}, now)


def set_status(*, session: Session, program: Program, item: Item, actor: str, now: datetime, track: Track,
               note: str) -> Item:
    """A lead's status, which wins over the rules for seven days."""
    if actor not in program.leads:
        leads = ", ".join(f"<@{u}>" for u in program.leads)
        raise NotAllowed(f"Only a program lead can set a milestone's status: {leads}.")
    if item.status != OPEN:
        raise UserError(f"{item.key} is {spec_of(item).status_label(item.status)} already.", STATUS_EXAMPLE)
    if track == Track.DONE:
        raise UserError(f"To mark it done, use `/milestone done {item.key}`.", f"/milestone done {item.key}")
    note = " ".join((note or "").split())
    if len(note) > REASON_MAX:
        raise UserError(f"Keep the note to {REASON_MAX} characters (it has {len(note)}).", STATUS_EXAMPLE)
    item.details = {**(item.details or {}), "manual": {"status": track.value, "note": note, "by": actor,
                                                         "at": now.isoformat()}}
    return service.change(session, item, actor, "status set", {"status": track.label, "note": note}, now)


def normalize_link(raw: str) -> str:
    """A record key (`b-4` → `B-4`) or a tracker reference (`jira:PAY-12`), as stored."""
    if EXTERNAL.match(raw):
        system, _, ref = raw.partition(":")
        return f"{system.lower()}:{ref.upper() if system.lower() == 'jira' else ref}"
    match = KEY.match(raw)
    if match is None:
        raise UserError(f"`{raw}` isn't something I can link: use a key like B-4 or R-2, or "
                        "`jira:<ISSUE-KEY>`, `github:milestone/<n>`.", LINK_EXAMPLE)
    return f"{match.group(1).upper()}-{int(match.group(2))}"


def link(*, session: Session, program: Program, item: Item, actor: str, now: datetime, raw_keys: list[str]) -> Item:
    """Tie records (and tracker references) to a milestone: each record must exist in this program."""
    ensure_may_change(item, program, actor)
    if not raw_keys:
        raise UserError("Say what to link.", LINK_EXAMPLE)
    current = list((item.details or {}).get("links") or [])
    added = []
    for key in (normalize_link(raw) for raw in raw_keys):
        if key in current or key in added:
            continue
        if ":" not in key:
            prefix = key.split("-")[0]
            spec = BY_PREFIX.get(prefix)
            if spec is None:
                raise UserError(f"`{key}` isn't a key of anything tpmbot keeps.", LINK_EXAMPLE)
            if spec is SPEC:
                raise UserError(f"To order milestones, say `/milestone after {item.key} {key}`.",
                                f"/milestone after {item.key} {key}")
            service.find(session=session, program=program, spec=spec, key=key)
        added.append(key)
    if not added:
        raise UserError(f"{item.key} is already linked to {', '.join(raw_keys)}.", LINK_EXAMPLE)
    if len(current) + len(added) > MAX_LINKS:
        raise UserError(f"A milestone links at most {MAX_LINKS} things.", LINK_EXAMPLE)
    item.details = {**(item.details or {}), "links": current + added}
    return service.change(session, item, actor, "linked", {"links": added}, now)


def unlink(*, session: Session, program: Program, item: Item, actor: str, now: datetime, raw_keys: list[str]) -> Item:
    ensure_may_change(item, program, actor)
    current = list((item.details or {}).get("links") or [])
    gone = [k for k in (normalize_link(raw) for raw in raw_keys) if k in current]
    if not gone:
        raise UserError(f"{item.key} isn't linked to {', '.join(raw_keys) or 'that'}.", f"/milestone show {item.key}")
    item.details = {**(item.details or {}), "links": [k for k in current if k not in gone]}
    return service.change(session, item, actor, "unlinked", {"links": gone}, now)


def set_after(*, session: Session, program: Program, item: Item, actor: str, now: datetime, keys: list[str]) -> Item:
    """``item`` comes after the milestones ``keys``: refused if that makes a loop, or if its forecast is
    before theirs."""
    ensure_may_change(item, program, actor)
    before = _milestones_named(session, program, keys, item)
    graph = {m.key: list((m.details or {}).get("after") or [])
             for m in store.records(session=session, program_id=program.id, kind=SPEC.name, include_closed=True)}
    graph[item.key] = list(dict.fromkeys([*graph.get(item.key, []), *keys]))
    if loop := _cycle_from(item.key, graph):
        raise UserError(f"That makes a loop: {' → '.join(loop)}. A milestone can't come after one that comes "
                        "after it.", f"/milestone after {item.key} M-1")
    _predecessors_check(item, day_of(item, "forecast"), before)
    item.details = {**(item.details or {}), "after": graph[item.key]}
    return service.change(session, item, actor, "ordered", {"after": keys}, now)


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """The loop through ``start`` in "comes after" edges, as keys from ``start`` back to it, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        key, path = stack.pop()
        for nxt in graph.get(key, []):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None

