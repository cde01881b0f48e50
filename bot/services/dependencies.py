"""The dependency handshake (`D-n`): who may answer, the steps (accept, propose another date, accept or
decline a proposed date, decline, deliver) and the time a dependency has waited for an answer.

Who may act: the side it is asked of — the person, or the current leads of the program whose channel
it was asked of — accepts, proposes, declines and delivers; the requesting side (the record's owner,
its reporter and the requesting program's leads) accepts or declines a proposed date and cancels
(`service.close`). Every step is a history row with who and when; a request handled twice (the same
inbox id) is one step."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.records import service
from bot.records.kinds.dependency import EXAMPLE, SPEC, State, instant, state_of
from bot.records.permissions import people_who_may_change
from bot.services.errors import NotAllowed, UserError
from bot.services.milestones import working_days_between
from bot.services.timezones import zone
from storage import dependencies as store
from storage import raid as raid_store
from storage.dependency_models import DependencyParty
from storage.models import Program
from storage.raid_models import Item

HANDLED_KEPT = 30


def describe(at: datetime | None, tz: str) -> str:
    if at is None:
        return "?"
    local = at.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b %Y}"


# ---- who -----------------------------------------------------------------------------------------

def provider_program(session: Session, item: Item) -> Program | None:
    party = store.party_of(session=session, item_id=item.id)
    if party is None or party.provider_program_id is None:
        return None
    return session.get(Program, party.provider_program_id)


def providers(session: Session, item: Item) -> list[str]:
    """Who may answer for the side it is asked of: the person, or the asked program's leads now."""
    asked = (item.details or {}).get("asked_of") or {}
    if asked.get("user"):
        return [asked["user"]]
    program = provider_program(session, item)
    return list(program.leads) if program is not None else list((item.details or {}).get("card_to") or [])


def requesters(item: Item, program: Program) -> list[str]:
    return people_who_may_change(item, program)


def _names(users: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in users) or "nobody"


def ensure_provider(session: Session, item: Item, actor: str, verb: str) -> None:
    people = providers(session, item)
    if actor not in people:
        raise NotAllowed(f"Only the side {item.key} is asked of can {verb} it: {_names(people)}.")


def ensure_requester(item: Item, program: Program, actor: str, verb: str) -> None:
    people = requesters(item, program)
    if actor not in people:
        raise NotAllowed(f"Only the side that asked for {item.key} can {verb}: {_names(people)}.")


def card_recipients(*, provider_user: str | None, provider: Program | None) -> list[str]:
    if provider_user:
        return [provider_user]
    return list(provider.leads) if provider is not None else []


def new_details(*, draft_values: dict, provider: Program | None, now: datetime,
                milestone: Item | None) -> dict:
    """What a new dependency keeps of its own, beside what its grammar read."""
    user = draft_values.get("provider_user")
    asked = {"user": user} if user else {"channel": provider.channel_id, "program_id": provider.id,
                                         "name": provider.name}
    details = {"state": State.REQUESTED.value, "asked_of": asked, "requested": draft_values["due"].isoformat(),
               "waiting_since": now.isoformat(), "step": 0, "handled": [],
               "card_to": card_recipients(provider_user=user, provider=provider)}
    if milestone is not None:
        details["milestone"] = milestone.key
        details["milestone_forecast"] = (milestone.details or {}).get("forecast")
    return details


def record_party(*, session: Session, program: Program, item: Item, **_) -> list:
    """Who it is asked of, beside the record (storage/dependency_models.py), so either side lists it."""
    asked = (item.details or {}).get("asked_of") or {}
    provider = session.get(Program, asked["program_id"]) if asked.get("program_id") else None
    store.add_party(session=session, party=DependencyParty(
        item_id=item.id, team_id=program.team_id, requester_program_id=program.id,
        provider_program_id=provider.id if provider is not None else None, provider_user_id=asked.get("user")))
    return []


def link_milestone(*, session: Session, program: Program, item: Item, actor: str, now: datetime, **_) -> list:
    """`for M-n`: the milestone links the dependency, so its status follows it."""
    key = (item.details or {}).get("milestone")
    if not key:
        return []
    from bot.records.kinds.milestone import SPEC as MILESTONE

    milestone = service.find(session=session, program=program, spec=MILESTONE, key=key)
    links = list((milestone.details or {}).get("links") or [])
    if item.key in links:
        return []
    milestone.details = {**(milestone.details or {}), "links": [*links, item.key]}
    service.change(session, milestone, actor, "linked", {"links": [links, milestone.details["links"]]}, now)
    return [milestone]


# ---- time ----------------------------------------------------------------------------------------

def working_days_waiting(item: Item, program: Program, now: datetime) -> int:
    """Whole working days (the requesting program's) since the handshake last waited for an answer."""
    since = instant(item, "waiting_since") or item.created_at
    tz = zone(program.timezone)
    start, end = since.astimezone(tz), now.astimezone(tz)
    days = working_days_between(start.date(), end.date(), program.working_days)
    if days > 0 and end.time() < start.time():
        days -= 1  # the last working day is not whole yet
    return max(days, 0)


# ---- the steps -----------------------------------------------------------------------------------

def _already(item: Item, inbox_id: str | None) -> bool:
    return inbox_id is not None and inbox_id in ((item.details or {}).get("handled") or [])


def _step(session: Session, program: Program, item: Item, actor: str, now: datetime, action: str,
          changes: dict, inbox_id: str | None, **details) -> Item:
    handled = [*((item.details or {}).get("handled") or []), *([inbox_id] if inbox_id else [])][-HANDLED_KEPT:]
    item.details = {**(item.details or {}), **details, "step": int((item.details or {}).get("step") or 0) + 1,
                    "handled": handled}
    if item.details.get("answered") and not item.details.get("answered_at"):
        item.details = {**item.details, "answered_at": now.isoformat()}  # the first answer: the turnaround KPI's
    _refresh_forecast(session, program, item)
    return service.change(session, item, actor, action, changes, now)


def _refresh_forecast(session: Session, program: Program, item: Item) -> None:
    key = (item.details or {}).get("milestone")
    if not key:
        return
    from bot.records.grammar import parse_key

    milestone = raid_store.item_by_number(session=session, program_id=program.id, kind="milestone",
                                          number=parse_key(key, "M", "milestone", EXAMPLE))
    if milestone is not None:
        item.details = {**item.details, "milestone_forecast": (milestone.details or {}).get("forecast")}


def _closed_problem(item: Item) -> UserError:
    return UserError(f"{item.key} is {state_of(item).value}: there is nothing to answer.", "/dep list in")


def accept(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
           inbox_id: str | None = None) -> Item:
    """The provider commits to the date asked."""
    if _already(item, inbox_id):
        return item
    ensure_provider(session, item, actor, "accept")
    state = state_of(item)
    if state == State.ACCEPTED:
        raise UserError(f"{item.key} is already accepted, for {describe(instant(item, 'committed'), program.timezone)}.",
                        f"/dep deliver {item.key}")
    if state == State.COUNTERED:
        raise UserError(f"{item.key} has another date proposed: the side that asked answers that now.", "/dep list in")
    if state != State.REQUESTED:
        raise _closed_problem(item)
    committed = item.due_at
    return _step(session, program, item, actor, now, "accepted", {"committed": committed.isoformat()}, inbox_id,
                 state=State.ACCEPTED.value, committed=committed.isoformat(), proposed=None, answered=True)


def counter(*, session: Session, program: Program, item: Item, actor: str, now: datetime, day: date, tz: str,
            note: str = "", inbox_id: str | None = None) -> Item:
    """The provider proposes another date (the end of ``day`` in their zone); the requester answers."""
    from bot.services.dates import end_of_day

    if _already(item, inbox_id):
        return item
    ensure_provider(session, item, actor, "propose another date for")
    state = state_of(item)
    if state == State.COUNTERED:
        raise UserError(f"{item.key} already has another date proposed; the side that asked answers it now.",
                        "/dep list in")
    if state not in (State.REQUESTED, State.ACCEPTED):
        raise _closed_problem(item)
    if day < now.astimezone(zone(tz)).date():
        raise UserError(f"{day:%a} {day.day} {day:%b %Y} is before today: propose today or a later date.",
                        "Propose another date… (pick a day from today on)")
    proposed = end_of_day(day, tz)
    return _step(session, program, item, actor, now, "countered",
                 {"proposed": proposed.isoformat(), **({"note": note} if note else {})}, inbox_id,
                 state=State.COUNTERED.value, proposed=proposed.isoformat(), proposed_note=note,
                 days={**((item.details or {}).get("days") or {}), proposed.isoformat(): day.isoformat()},
                 waiting_since=now.isoformat(), answered=True)


def accept_counter(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
                   inbox_id: str | None = None) -> Item:
    """The requester takes the proposed date: it is the date committed to."""
    if _already(item, inbox_id):
        return item
    ensure_requester(item, program, actor, "accept its proposed date")
    if state_of(item) != State.COUNTERED:
        raise UserError(f"{item.key} has no other date proposed (it is {state_of(item).value}).", f"/dep show {item.key}")
    proposed = instant(item, "proposed")
    item.due_at = proposed
    return _step(session, program, item, actor, now, "accepted counter", {"committed": proposed.isoformat()},
                 inbox_id, state=State.ACCEPTED.value, committed=proposed.isoformat(), proposed=None)


def decline_counter(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
                    inbox_id: str | None = None) -> Item:
    """The requester keeps the date asked: the provider answers again."""
    if _already(item, inbox_id):
        return item
    ensure_requester(item, program, actor, "decline its proposed date")
    if state_of(item) != State.COUNTERED:
        raise UserError(f"{item.key} has no other date proposed (it is {state_of(item).value}).", f"/dep show {item.key}")
    return _step(session, program, item, actor, now, "declined counter",
                 {"proposed": [item.details.get("proposed"), None]}, inbox_id, state=State.REQUESTED.value,
                 proposed=None, committed=None, waiting_since=now.isoformat())


def _close(session: Session, program: Program, item: Item, actor: str, now: datetime, status: str, note: str,
           inbox_id: str | None) -> Item:
    before = item.status
    item.status, item.closed_at, item.closed_by, item.close_note = status, now, actor, note
    # Reopened, a declined dependency is asked again; a delivered one stands where it was.
    state = State.REQUESTED.value if status == State.DECLINED else (item.details or {}).get("state")
    return _step(session, program, item, actor, now, status, {"status": [before, status], "note": note}, inbox_id,
                 state=state)


def decline(*, session: Session, program: Program, item: Item, actor: str, now: datetime, reason: str,
            inbox_id: str | None = None) -> Item:
    if _already(item, inbox_id):
        return item
    ensure_provider(session, item, actor, "decline")
    if state_of(item) not in (State.REQUESTED, State.COUNTERED, State.ACCEPTED):
        raise _closed_problem(item)
    reason = " ".join((reason or "").split())
    if not reason:
        raise UserError("Say why you decline it: the side that asked needs the reason.", "Decline… (with a reason)")
    if len(reason) > 1000:
        raise UserError(f"Keep the reason to 1000 characters (it has {len(reason)}).", "Decline… (with a reason)")
    item.details = {**(item.details or {}), "answered": True}
    return _close(session, program, item, actor, now, State.DECLINED.value, reason, inbox_id)


def deliver(*, session: Session, program: Program, item: Item, actor: str, now: datetime, note: str = "",
            inbox_id: str | None = None) -> Item:
    if _already(item, inbox_id):
        return item
    ensure_provider(session, item, actor, "deliver")
    state = state_of(item)
    if state == State.DELIVERED:
        raise UserError(f"{item.key} is already delivered.", "/dep list in")
    if state != State.ACCEPTED:
        raise UserError(f"{item.key} is {state.value}: accept it (or agree a date) before delivering it.",
                        "/dep list in")
    item.details = {**(item.details or {}), "answered": True}
    return _close(session, program, item, actor, now, State.DELIVERED.value, note, inbox_id)


# ---- finding one from the other side ----------------------------------------------------------------

def asked_of_me(*, session: Session, team_id: str, program: Program | None, user_id: str,
                include_closed: bool = False) -> list[tuple[Item, DependencyParty, Program]]:
    """Dependencies asked of this program, of its leads, or of ``user_id``."""
    people = list(dict.fromkeys([user_id, *(program.leads if program is not None else [])]))
    return store.asked_of(session=session, team_id=team_id, program_id=program.id if program else None,
                          user_ids=people, include_closed=include_closed)


def find_incoming(*, session: Session, team_id: str, program: Program | None, user_id: str,
                  key: str) -> tuple[Item, Program]:
    """The dependency with this key asked of us (or, failing that, this program's own)."""
    from bot.records.grammar import parse_key

    number = parse_key(key, SPEC.prefix, SPEC.name, "/dep deliver D-7")
    found = [(item, requester) for item, _, requester in
             asked_of_me(session=session, team_id=team_id, program=program, user_id=user_id, include_closed=True)
             if item.number == number]
    if len(found) > 1:
        names = ", ".join(f"{item.key} of {requester.name}" for item, requester in found)
        raise UserError(f"Several programs asked you for a D-{number} ({names}): use the buttons on its card.",
                        "/dep list in")
    if found:
        return found[0]
    if program is not None:
        return service.find(session=session, program=program, spec=SPEC, key=key), program
    raise UserError(f"Nothing asked of you is D-{number}. See what is with `/dep list in`.", "/dep list in")
