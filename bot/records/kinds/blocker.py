"""Blockers (`B-n`): what stops work now. Severity sets how fast it escalates."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_ICON = {"low": ":white_circle:", "medium": ":large_yellow_circle:", "high": ":large_orange_circle:",
                 "critical": ":red_circle:"}
EXAMPLE = "/blocker waiting on API keys from @dana due friday sev:high"
_SEV = re.compile(r"(?<!\S)(?:sev|severity):\s*(\S*)", re.I)
_DUE = g.date_option("due", ("sev", "severity"))


class BlockerStatus(StrEnum):
    OPEN = OPEN
    RESOLVED = "resolved"


def parse_severity(raw: str, example: str = EXAMPLE) -> str:
    value = raw.strip().lower()
    value = {"med": "medium", "crit": "critical", "hi": "high", "lo": "low"}.get(value, value)
    if value not in SEVERITIES:
        raise UserError(f"`sev:{raw}` isn't a severity: use sev:low, sev:medium, sev:high or sev:critical.", example)
    return value


def parse(text: str, tz: str, now: datetime) -> Draft:
    rest = text or ""
    severity = "medium"
    if match := _SEV.search(rest):
        severity = parse_severity(match.group(1))
        rest = rest[: match.start()] + " " + rest[match.end():]
    rest, due = g.take_date(rest, _DUE, "due", tz, now, EXAMPLE)
    rest, owner = g.take_owner(rest, EXAMPLE)
    return Draft(g.title_of(rest, EXAMPLE, "the blocker"), owner,
                 {"severity": severity, "due": due.at if due else None}, due)


def _concerns_milestone(item, program, now) -> str | None:
    if item.severity in ("high", "critical"):
        return f"is an open {item.severity} blocker"
    return None


def _understood(item, when) -> str:
    due = f", due {when.describe()}" if when else ""
    return f"severity {item.severity}{due}"


SPEC = KindSpec(
    name="blocker", prefix="B", label="Blocker", plural="blockers", summary="blockers: what stops work now",
    statuses=BlockerStatus,
    closings=(Closing("resolve", BlockerStatus.RESOLVED, "Resolve", "resolved"),),
    fields=(
        FieldSpec("title", "What is it?", "title", "long_text", optional=False),
        FieldSpec("owner", "Owner", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("severity", "Severity", "severity", "select", optional=False,
                  options=tuple((s, s) for s in SEVERITIES), default="medium"),
        FieldSpec("due", "Due", "due_at", "date"),
    ),
    grammar=parse,
    usage="/blocker <text> [@owner] [due <date>] [sev:<low|medium|high|critical>]",
    example=EXAMPLE,
    icon=lambda item: SEVERITY_ICON.get(item.severity or "", ":small_orange_diamond:"),
    facts=lambda item, tz: [("Severity", item.severity or "medium"), ("Due", "date:due_at")],
    understood=_understood,
    thread_prefixes=("blocker",),
    shortcut_name="Log as blocker",
    escalates=True,
    milestone_concern=_concerns_milestone,
)
