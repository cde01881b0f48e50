"""Change requests (`CR-n`): a change of scope, schedule, resources or budget, sent to the program's
approvers, decided under the program's approval policy (all, any one, a majority), and — approved —
applied at once: each milestone it names moves (its new date also its new baseline, the move kept in its
slip history with the request's key), and the informed are told.

Stored on the record core: `owner_id` is the requester; `details.type`, `details.moves` (`[{"key": "M-3",
"to": "2027-03-15"}]`), `details.cost` (as typed), `details.scope` (what changes, in words),
`details.approvers` and `details.policy` (fixed when it is made), `details.votes` (who approved or rejected,
when, why), `details.questions` (asked with Ask). The rules are in bot/services/change_requests.py."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

EXAMPLE = "/change push beta two weeks for the SDK type:schedule M-3 to mar 15 cost:12000"
TYPES = ("scope", "schedule", "resources", "budget")
_TYPE = re.compile(r"(?<!\S)type:\s*(\S*)", re.I)
_COST = re.compile(r"(?<!\S)cost:\s*(\S*)", re.I)
_AMOUNT = re.compile(r"^[$€£¥]?\d[\d,]*(?:\.\d+)?[km]?(?:[A-Za-z]{3})?$", re.I)
_MOVE = re.compile(r"(?<!\S)(M-\d{1,9})\s+to\s+(.+?)(?=\s+(?:type:|cost:|M-\d{1,9}\s+to\s)|\s*<@|$)", re.I)
_MOVE_WITHOUT_DATE = re.compile(r"(?<!\S)M-\d{1,9}\s+to\s*$", re.I)


class ChangeStatus(StrEnum):
    OPEN = OPEN  # waiting for its approvers
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


def parse(text: str, tz: str, now: datetime) -> Draft:
    """`<title> [type:scope|schedule|resources|budget] [M-n to <date> …] [cost:<amount>]`."""
    rest = text or ""
    kind = None
    if match := _TYPE.search(rest):
        kind = match.group(1).lower()
        if kind not in TYPES:
            raise UserError(f"`type:{match.group(1)}` isn't a type of change: use scope, schedule, resources or "
                            "budget.", EXAMPLE)
        rest = rest[: match.start()] + " " + rest[match.end():]
    cost = ""
    if match := _COST.search(rest):
        cost = match.group(1)
        if not _AMOUNT.match(cost):
            raise UserError(f"`cost:{cost}` isn't an amount: write it like `cost:12000`, `cost:$12k` or "
                            "`cost:4,500EUR`.", EXAMPLE)
        rest = rest[: match.start()] + " " + rest[match.end():]
    if _MOVE_WITHOUT_DATE.search(rest.strip()):
        raise UserError("Say the milestone's new date after `to`.", EXAMPLE)
    moves = []
    for match in reversed(list(_MOVE.finditer(rest))):
        key = f"M-{g.parse_key(match.group(1), 'M', 'milestone', EXAMPLE)}"
        when = g.when(match.group(2), tz, now, EXAMPLE)
        moves.insert(0, {"key": key, "to": when.local.date().isoformat()})
        rest = rest[: match.start()] + " " + rest[match.end():]
    if len({m["key"] for m in moves}) != len(moves):
        raise UserError("Name each milestone once.", EXAMPLE)
    kind = kind or ("schedule" if moves else "budget" if cost else "scope")
    title = g.title_of(rest, EXAMPLE, "the change")
    return Draft(title, None, {"type": kind, "moves": moves, "cost": cost}, None)


def _requested(*, session, program, item, actor, now, draft=None, **_) -> list:
    """The milestones it names exist and are open; its approvers and policy are fixed now."""
    from bot.services import change_requests

    change_requests.plan_new(session=session, program=program, item=item, now=now)
    return []


def _not_answered(item) -> list[str]:
    """Its reminders go to the approvers who have not answered yet, by its decide-by date."""
    from bot.services.change_requests import not_answered

    return not_answered(item)


def describe_moves(item) -> str:
    from bot.services.milestones import describe_day
    from datetime import date

    return ", ".join(f"{m['key']} to {describe_day(date.fromisoformat(m['to']))}"
                     for m in (item.details or {}).get("moves") or [])


def decision_trail(item, tz) -> str:
    """Who approved or rejected, when (in each reader's zone), and why: mrkdwn, user text escaped once."""
    from bot.blocks.text import mrkdwn, slack_date
    from bot.services.stakeholders import POLICIES

    lines = []
    for vote in (item.details or {}).get("votes") or []:
        icon, verb = (":white_check_mark:", "approved") if vote["vote"] == "approve" else (":x:", "rejected")
        why = f" — {mrkdwn(vote['reason'], 300)}" if vote.get("reason") else ""
        lines.append(f"{icon} <@{vote['by']}> {verb} {slack_date(datetime.fromisoformat(vote['at']), tz)}{why}")
    policy = POLICIES.get((item.details or {}).get("policy") or "all")
    if lines and policy:
        lines.append(f"_{policy} must approve_")
    return "\n".join(lines)[:1900]


def _facts(item, tz) -> list[tuple[str, str]]:
    from bot.services.change_requests import waiting_on

    details = item.details or {}
    facts = [("Type", details.get("type") or "scope")]
    if details.get("moves"):
        facts.append(("Moves", describe_moves(item)))
    if details.get("cost"):
        facts.append(("Cost", "text:details.cost"))
    if details.get("scope"):
        facts.append(("Scope", "text:details.scope"))
    if item.status == OPEN and (waiting := waiting_on(item)):
        facts.append(("Waiting on", waiting))
        facts.append(("Decide by", "date:due_at"))
    if trail := decision_trail(item, tz):
        facts.append(("Decisions", trail))
    return facts


def _understood(item, when) -> str:
    approvers = (item.details or {}).get("approvers") or []
    moves = describe_moves(item)
    return (f"{moves}; " if moves else "") + "sent to " + ", ".join(f"<@{u}>" for u in approvers)


SPEC = KindSpec(
    name="change", prefix="CR", label="Change request", plural="change requests",
    summary="change requests: scope, schedule, resources or budget, approved by the program's approvers",
    statuses=ChangeStatus,
    closings=(Closing("withdraw", ChangeStatus.WITHDRAWN, "Withdraw", "withdrawn"),),
    fields=(
        FieldSpec("title", "What changes, and why?", "title", "text", optional=False, max_length=200),
        FieldSpec("type", "Type", "details.type", "select", optional=False, default="scope",
                  options=tuple((t, t.capitalize()) for t in TYPES)),
        FieldSpec("scope", "Scope change (in words)", "details.scope", "long_text", max_length=2000, default=""),
        FieldSpec("cost", "Cost", "details.cost", "text", max_length=40, default="", placeholder="12000"),
        FieldSpec("owner", "Requested by", "owner_id", "user", in_modal=False),
    ),
    grammar=parse,
    usage="/change <title> [type:scope|schedule|resources|budget] [M-n to <date>] [cost:<amount>]",
    example=EXAMPLE,
    icon=lambda item: {OPEN: ":arrows_counterclockwise:", ChangeStatus.APPROVED: ":white_check_mark:",
                       ChangeStatus.REJECTED: ":x:"}.get(item.status, ":heavy_minus_sign:"),
    facts=_facts,
    suffix=lambda item: f" ({(item.details or {}).get('type') or 'scope'})",
    understood=_understood,
    list_order=lambda item: (item.created_at, item.number),
    snoozable=False,
    reopenable=False,
    owner_label="Requested by",
    open_label="Waiting for approval",
    thread_prefixes=(),
    after_create=(_requested,),
    reminds=True,
    reminded=lambda item: _not_answered(item),
)
