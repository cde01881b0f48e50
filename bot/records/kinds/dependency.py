"""Dependencies (`D-n`): what this program needs from a person or from another program by a date — a
handshake. The provider accepts (commits to the date), proposes another date (the requester then
accepts or declines that), or declines with a reason; an accepted one is delivered, and the requester
may cancel it any time it is open.

Stored on the record core, in the requesting program: `due_at` is the date it is due (the date asked,
then the date agreed), `details.state` the handshake's open step (requested, countered, accepted),
`details.asked_of` who provides it (a person, or a program by its home channel, whose leads answer;
also in the `dependency_party` table so either side's lists find it), `details.requested`,
`details.committed` and `details.proposed` the dates of the handshake (ISO instants),
`details.milestone` the milestone it is for and `details.milestone_forecast` that milestone's forecast
day when the dependency last changed. The handshake itself: bot/services/dependencies.py."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

EXAMPLE = "/dep the payments API sandbox keys from #payments by dec 15 for M-2"
PERSON_EXAMPLE = "/dep a security review of the login flow from @omar by friday"
UNANSWERED_WORKING_DAYS = 2
_FROM = re.compile(r"(?<!\S)from\s+(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|<#([CG][A-Z0-9]+)(?:\|([^>]*))?>)", re.I)
_FROM_WORD = re.compile(r"(?<!\S)from\s*$", re.I)
_FOR = re.compile(r"(?<!\S)for\s+([A-Za-z]{1,4}-\d{1,9})(?=\s|$)")
_FOR_WORD = re.compile(r"(?<!\S)for\s*$", re.I)
_BY = g.date_option("by", ("for", "from"))


class DependencyStatus(StrEnum):
    OPEN = OPEN  # requested, countered or accepted: details.state says which
    DELIVERED = "delivered"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class State(StrEnum):
    """Where the handshake is. The first three are open; the others are the record's closed status."""

    REQUESTED = "requested"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    DECLINED = "declined"
    CANCELLED = "cancelled"


STATE_ICON = {State.REQUESTED: ":hourglass_flowing_sand:", State.COUNTERED: ":arrows_counterclockwise:",
              State.ACCEPTED: ":handshake:", State.DELIVERED: ":package:", State.DECLINED: ":no_entry_sign:",
              State.CANCELLED: ":heavy_multiplication_x:"}


def state_of(item) -> State:
    if item.status != OPEN:
        return State(item.status)
    return State((item.details or {}).get("state") or State.REQUESTED)


def instant(item, name: str) -> datetime | None:
    raw = (item.details or {}).get(name)
    return datetime.fromisoformat(raw) if raw else None


def parse(text: str, tz: str, now: datetime) -> Draft:
    """`<what> from <@user|#channel> by <date> [for M-n]`, options in any order after the text."""
    rest = text or ""
    milestone = None
    if _FOR_WORD.search(rest.strip()):
        raise UserError("`for` needs a milestone key after it.", EXAMPLE)
    if match := list(_FOR.finditer(rest)):
        last = match[-1]
        milestone = f"M-{g.parse_key(last.group(1), 'M', 'milestone', EXAMPLE)}"
        rest = rest[: last.start()] + " " + rest[last.end():]
    if _FROM_WORD.search(rest.strip()):
        raise UserError("`from` needs a person or a channel after it.", EXAMPLE)
    found = _FROM.search(rest)
    if found is None:
        raise UserError("Say who it is asked of: `from @person` or `from #channel` (a program's home).", EXAMPLE)
    rest = rest[: found.start()] + " " + rest[found.end():]
    rest, by = g.take_date(rest, _BY, "by", tz, now, EXAMPLE)
    if by is None:
        raise UserError("Say when you need it: `by <date>`.", EXAMPLE)
    g.take_owner(rest, EXAMPLE)  # a typed `@nobody` is an error, not a word of the title
    values = {"due": by.at, "milestone": milestone}
    if found.group(1):
        values["provider_user"] = found.group(1)
    else:
        values["provider_channel"] = found.group(2)
        values["provider_channel_name"] = found.group(3) or ""
    return Draft(g.title_of(rest, EXAMPLE, "the dependency"), None, values, by)


def asked_of_text(item) -> str:
    asked = (item.details or {}).get("asked_of") or {}
    if asked.get("user"):
        return f"<@{asked['user']}>"
    if asked.get("channel"):
        return f"<#{asked['channel']}>"
    return "?"


def _facts(item, tz) -> list[tuple[str, str]]:
    from bot.blocks.text import deadline

    details = item.details or {}
    state = state_of(item)
    facts = [("Asked of", asked_of_text(item)), ("State", f"{STATE_ICON[state]} {state.value}")]
    if requested := instant(item, "requested"):
        facts.append(("Needed by", deadline(requested, tz, details.get("days"))))
    if committed := instant(item, "committed"):
        facts.append(("Committed for", deadline(committed, tz, details.get("days"))))
    if state == State.COUNTERED and (proposed := instant(item, "proposed")):
        facts.append(("Proposed instead", deadline(proposed, tz, details.get("days"))))
    if details.get("milestone"):
        facts.append(("For", details["milestone"]))
    return facts


def _understood(item, when) -> str:
    milestone = (item.details or {}).get("milestone")
    return (f"asked of {asked_of_text(item)}, needed by {when.describe() if when else '?'}"
            + (f", for {milestone}" if milestone else "") + "; they can accept, propose another date or decline")


def date_in_question(item) -> datetime | None:
    """The date the handshake is on now: the one committed to, or the one proposed instead."""
    state = state_of(item)
    if state == State.ACCEPTED:
        return instant(item, "committed")
    if state == State.COUNTERED:
        return instant(item, "proposed")
    return None


def _concerns_milestone(item, program, now) -> str | None:
    from datetime import date

    from bot.services.timezones import zone

    forecast, at = (item.details or {}).get("milestone_forecast"), date_in_question(item)
    if not forecast or at is None:
        return None
    day = at.astimezone(zone(program.timezone)).date()
    if day <= date.fromisoformat(forecast):
        return None
    verb = "is committed for" if state_of(item) == State.ACCEPTED else "has another date proposed:"
    return f"{verb} {day:%a} {day.day} {day:%b}, after the milestone's forecast"


def _reopened(item, now) -> None:
    """Open again: a commitment made still holds (accepted, its date kept); otherwise it is asked anew,
    and its two working days to an answer count from now, not from the first time it was asked."""
    details = dict(item.details or {})
    if details.get("committed"):
        details["state"] = State.ACCEPTED.value
    else:
        details.update(state=State.REQUESTED.value, waiting_since=now.isoformat(), proposed=None)
    details["step"] = int(details.get("step") or 0) + 1
    item.details = details


def _unanswered(item, program, now) -> str | None:
    from bot.services.dependencies import working_days_waiting

    if state_of(item) not in (State.REQUESTED, State.COUNTERED):
        return None
    waited = working_days_waiting(item, program, now)
    if waited < UNANSWERED_WORKING_DAYS:
        return None
    who = "the requester" if state_of(item) == State.COUNTERED else asked_of_text(item)
    return f"dependency unanswered by {who} for {waited} working days"


def _past_commitment(item, program, now) -> str | None:
    committed = instant(item, "committed")
    if state_of(item) == State.ACCEPTED and committed is not None and committed < now:
        return f"dependency committed for {committed:%a} {committed.day} {committed:%b} and not delivered"
    return None


def _services():
    from bot.services import dependencies

    return dependencies


SPEC = KindSpec(
    name="dependency", prefix="D", label="Dependency", plural="dependencies",
    summary="dependencies: what we need from another team or person by a date, as a handshake",
    statuses=DependencyStatus,
    closings=(Closing("cancel", DependencyStatus.CANCELLED, "Cancel", "cancelled"),),
    fields=(
        FieldSpec("title", "What do you need?", "title", "long_text", optional=False),
        FieldSpec("owner", "Asked by", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("due", "Needed by", "due_at", "date", optional=False, editable=False),
    ),
    grammar=parse,
    usage="/dep <what> from <@user|#channel> by <date> [for M-n]",
    example=EXAMPLE,
    icon=lambda item: STATE_ICON[state_of(item)],
    facts=_facts,
    suffix=lambda item: f" ({state_of(item).value}, from {asked_of_text(item)})",
    understood=_understood,
    list_order=lambda item: (item.due_at, item.number),
    owner_label="Asked by",
    edit_title_label="What do you need?",
    escalates=True,
    milestone_concern=_concerns_milestone,
    escalation_rules=(("dependency_overdue", _past_commitment), ("dependency_unanswered", _unanswered)),
    slash="/dep",
    reopened=_reopened,
    after_create=(lambda **kw: _services().record_party(**kw), lambda **kw: _services().link_milestone(**kw)),
    mirrors=lambda **kw: __import__("bot.records.dependency_messages", fromlist=["queue_cards"]).queue_cards(**kw),
)
