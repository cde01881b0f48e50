"""Action items (`A-n`): something someone will do by a date. The owner is told at once, reminded on
the due morning in their own zone, and again when it is overdue."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.dates import MONTHS, WEEKDAYS, When

EXAMPLE = "/action send the rollout plan to legal @dana due thursday"
_DUE = g.date_option("due", ())
# `by <date>` as well as `due <date>` ("action: @bob send the plan by friday"); but `by` is also a word,
# so it is a date only when what follows reads like one ("reviewed by legal" stays text).
_BY = re.compile(r"(?<!\S)by\s+([^<]+?)\s*(?=<@|$)", re.I)
_DATE_WORDS = {*WEEKDAYS, *MONTHS, "today", "tomorrow", "tonight", "yesterday", "last", "eod", "eow", "eom", "end",
               "next", "noon", "week", "weeks", "month", "months", "day", "days", "midnight", "q1", "q2", "q3", "q4"}


class ActionStatus(StrEnum):
    OPEN = OPEN
    DONE = "done"
    CANCELLED = "cancelled"


def _looks_like_date(phrase: str) -> bool:
    words = re.findall(r"[a-z0-9]+", phrase.lower())
    return any(any(ch.isdigit() for ch in word) or word in _DATE_WORDS for word in words)


def take_by(text: str, tz: str, now: datetime) -> tuple[str, When | None]:
    """The last `by <phrase>` that reads like a date, out of the text."""
    for start in reversed([m.start() for m in re.finditer(r"(?<!\S)by\s", text, re.I)]):
        match = _BY.match(text, start)
        if match is not None and _looks_like_date(match.group(1)):
            return text[: match.start()] + " " + text[match.end():], g.when(match.group(1), tz, now, EXAMPLE)
    return text, None


def parse(text: str, tz: str, now: datetime) -> Draft:
    rest, due = g.take_date(text or "", _DUE, "due", tz, now, EXAMPLE)
    if due is None:
        rest, due = take_by(rest, tz, now)
    rest, owner = g.take_owner(rest, EXAMPLE)
    return Draft(g.title_of(rest, EXAMPLE, "the action"), owner, {"due": due.at if due else None}, due)


def _understood(item, when) -> str:
    return f"due {when.describe()}" if when else "no due date"


SPEC = KindSpec(
    name="action", prefix="A", label="Action item", plural="action items",
    summary="action items: who does what by when",
    statuses=ActionStatus,
    closings=(Closing("done", ActionStatus.DONE, "Done", "done"),
              Closing("cancel", ActionStatus.CANCELLED, "Cancel", "cancelled")),
    fields=(
        FieldSpec("title", "What will be done?", "title", "long_text", optional=False),
        FieldSpec("owner", "Owner", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("due", "Due", "due_at", "date"),
    ),
    grammar=parse,
    usage="/action <text> @owner [due <date>]",
    example=EXAMPLE,
    icon=lambda item: ":ballot_box_with_check:",
    facts=lambda item, tz: [("Due", "date:due_at")],
    understood=_understood,
    thread_prefixes=("action",),
    reminds=True,
    shortcut_name="Log as action item",
)
