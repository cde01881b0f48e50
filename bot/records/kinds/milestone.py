"""Milestones (`M-n`): a named point of the plan with an owner and a date. The first date is the
baseline and stays; every move sets a new forecast and is kept, with its reason, as slip history.

Stored on the record core: `due_at` is the end of the forecast day (the instant it has passed),
`details.baseline` and `details.forecast` the calendar days as typed (ISO dates), `details.after` the
keys of the milestones it comes after, `details.links` what is tied to it (record keys such as `B-3`,
and tracker references such as `jira:PAY-12`), `details.slips` the moves, and `details.manual` a lead's
status with its note. Its status (on track, at risk, off track) is worked out from all of that by
`bot.services.milestones`; the rules are documented there and in the README."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

EXAMPLE = "/milestone Beta in the app store due mar 15 @dana after M-2"
MOVE_EXAMPLE = "/milestone move M-3 apr 2 reason: the SDK beta came two weeks late"
LINK_EXAMPLE = "/milestone link M-3 B-4 R-2 jira:PAY-12"
STATUS_EXAMPLE = "/milestone status M-3 at risk waiting on the legal review"
_DUE = g.date_option("due", ("after",))
_AFTER = re.compile(r"(?<!\S)after((?:\s+M-\d{1,9}[,]?)+)(?=\s|$)", re.I)
_AFTER_WORD = re.compile(r"(?<!\S)after\s*$", re.I)
# A tracker reference: `jira:PAY-12` (an issue or epic), `github:milestone/3`, `github:owner/repo#12`.
EXTERNAL = re.compile(r"^(?:jira:[A-Z][A-Z0-9_]{0,19}-\d{1,9}|github:(?:milestone/\d{1,9}|"
                      r"[\w.-]{1,100}/[\w.-]{1,100}(?:#\d{1,9}|/milestone/\d{1,9})))$", re.I)


class MilestoneStatus(StrEnum):
    OPEN = OPEN
    DONE = "done"
    CANCELLED = "cancelled"


class Track(StrEnum):
    """A milestone's state in the plan: its record is open or done; the plan reads one of these."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


TRACK_ICON = {Track.ON_TRACK: ":large_green_circle:", Track.AT_RISK: ":large_yellow_circle:",
              Track.OFF_TRACK: ":red_circle:", Track.DONE: ":white_check_mark:"}


def day_of(item, name: str) -> date | None:
    raw = (item.details or {}).get(name)
    return date.fromisoformat(raw) if raw else None


def take_after(text: str) -> tuple[str, list[str]]:
    """`after M-2` or `after M-2 M-4`: the keys it comes after, out of the text."""
    if _AFTER_WORD.search(text.strip()):
        raise UserError("`after` needs a milestone key after it.", EXAMPLE)
    match = None
    for match in _AFTER.finditer(text):
        pass
    if match is None:
        return text, []
    keys = [f"M-{g.parse_key(k, 'M', 'milestone', EXAMPLE)}" for k in re.findall(r"M-\d+", match.group(1), re.I)]
    return text[: match.start()] + " " + text[match.end():], list(dict.fromkeys(keys))


def parse(text: str, tz: str, now: datetime) -> Draft:
    rest, after = take_after(text or "")
    rest, due = g.take_date(rest, _DUE, "due", tz, now, EXAMPLE)
    if due is None:
        raise UserError("A milestone needs its date: say `due <date>`.", EXAMPLE)
    rest, owner = g.take_owner(rest, EXAMPLE)
    return Draft(g.title_of(rest, EXAMPLE, "the milestone"), owner, {"due": due.at, "after": after}, due)


def _planned(*, session, program, item, actor, now, draft=None, **_) -> list:
    """A new milestone's baseline is its first date; its `after` keys are checked (bot/services/milestones)."""
    from bot.services import milestones

    milestones.plan_new(session=session, program=program, item=item, when=draft.when if draft else None)
    return []


def _facts(item, tz) -> list[tuple[str, str]]:
    from bot.services.milestones import describe_day, manual_status, slip_text

    details = item.details or {}
    facts = [("Baseline", describe_day(day_of(item, "baseline"))),
             ("Forecast", describe_day(day_of(item, "forecast")))]
    if slip := slip_text(item):
        facts.append(("Slip", slip))
    if details.get("after"):
        facts.append(("After", ", ".join(details["after"])))
    if details.get("links"):
        facts.append(("Linked", ", ".join(details["links"][:30])))
    if manual := manual_status(item):
        note = f" — {manual['note']}" if manual.get("note") else ""
        facts.append(("Set status", f"{Track(manual['status']).label}{note} (<@{manual['by']}>)"))
    return facts


def _understood(item, when) -> str:
    after = (item.details or {}).get("after") or []
    return f"due {when.describe()} (its baseline)" + (f", after {', '.join(after)}" if after else "")


def _overdue(item, program, now) -> str | None:
    if item.due_at is not None and item.due_at < now:
        return f"milestone forecast {describe_forecast(item)} has passed and it is not done"
    return None


def _slipped(item, program, now) -> str | None:
    from bot.services.milestones import slip_beyond_tolerance

    return slip_beyond_tolerance(item, program)


def describe_forecast(item) -> str:
    forecast = day_of(item, "forecast")
    return forecast.strftime("%a %-d %b %Y") if forecast else "?"


SPEC = KindSpec(
    name="milestone", prefix="M", label="Milestone", plural="milestones",
    summary="milestones: the plan's dates, with baseline, forecast and slips",
    statuses=MilestoneStatus,
    closings=(Closing("done", MilestoneStatus.DONE, "Done", "done"),
              Closing("cancel", MilestoneStatus.CANCELLED, "Cancel", "cancelled")),
    fields=(
        FieldSpec("title", "Milestone", "title", "text", optional=False, max_length=200),
        FieldSpec("owner", "Owner", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("due", "Date (its baseline)", "due_at", "date", optional=False, editable=False),
    ),
    grammar=parse,
    usage="/milestone <name> due <date> [@owner] [after M-n]",
    example=EXAMPLE,
    icon=lambda item: ":triangular_flag_on_post:" if item.status == OPEN else ":checkered_flag:",
    facts=_facts,
    suffix=lambda item: f" (due {describe_forecast(item)})",
    understood=_understood,
    list_order=lambda item: (item.due_at, item.number),
    snoozable=False,
    thread_prefixes=("milestone",),
    escalates=True,
    after_create=(_planned,),
    escalation_rules=(("milestone_overdue", _overdue), ("milestone_slipped", _slipped)),
)
