"""Action items (`A-n`): something someone will do by a date. The owner is told at once, reminded on
the due morning in their own zone, and again when it is overdue."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec

EXAMPLE = "/action send the rollout plan to legal @dana due thursday"
_DUE = g.date_option("due", ())


class ActionStatus(StrEnum):
    OPEN = OPEN
    DONE = "done"
    CANCELLED = "cancelled"


def parse(text: str, tz: str, now: datetime) -> Draft:
    rest, due = g.take_date(text or "", _DUE, "due", tz, now, EXAMPLE)
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
