"""Decisions (`DEC-n`): what was decided, why, by whom and when — and pending questions that age
(and escalate, like a blocker) until someone decides them."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

EXAMPLE = "/decision ship the beta to 10% of users first why: limits the blast radius @dana"
PENDING_EXAMPLE = "/decision pending which SSO vendor do we pick? @dana by friday"
DECIDE_EXAMPLE = "/decision decide DEC-4 Okta why: it already runs our HR apps"
RATIONALE_MAX = 2000
_WHY = re.compile(r"(?<!\S)(?:why|because|rationale):\s*", re.I)
_SUPERSEDES = re.compile(r"(?<!\S)supersedes\s+(\S+)", re.I)
_BY = g.date_option("by", ("why", "because", "rationale"))


class DecisionStatus(StrEnum):
    OPEN = OPEN  # pending: a question waiting for its decision
    DECIDED = "decided"
    SUPERSEDED = "superseded"


def split_rationale(text: str, example: str) -> tuple[str, str]:
    match = _WHY.search(text or "")
    if match is None:
        return text or "", ""
    rationale = g.tidy(text[match.end():])
    if not g.has_text(rationale):
        raise UserError("`why:` needs the reason after it.", example)
    if len(rationale) > RATIONALE_MAX:
        raise UserError(f"Keep the rationale to {RATIONALE_MAX} characters (it has {len(rationale)}).", example)
    return text[: match.start()], rationale


def parse(text: str, tz: str, now: datetime) -> Draft:
    """`<what was decided> [why: …] [@decider …] [supersedes DEC-n]`: recorded as decided, now. Every
    mention, wherever it is, names a decider."""
    deciders = list(dict.fromkeys(m.group(1) for m in g.MENTION.finditer(text or "")))
    rest, rationale = split_rationale(g.MENTION.sub(" ", text or ""), EXAMPLE)
    supersedes = None
    if match := _SUPERSEDES.search(rest):
        supersedes = f"DEC-{g.parse_key(match.group(1), 'DEC', 'decision', EXAMPLE)}"
        rest = rest[: match.start()] + " " + rest[match.end():]
    g.take_owner(rest + " " + rationale, EXAMPLE)  # a typed `@nobody` is an error here too
    title = g.title_of(rest, EXAMPLE, "the decision")
    return Draft(title, deciders[0] if deciders else None,
                 {"rationale": rationale, "deciders": deciders, "supersedes": supersedes}, None,
                 status=DecisionStatus.DECIDED)


def parse_pending(text: str, tz: str, now: datetime) -> Draft:
    """`pending <question> @owner by <date>`: an open question with someone to decide it by a date."""
    rest, by = g.take_date(text or "", _BY, "by", tz, now, PENDING_EXAMPLE)
    rest, owner = g.take_owner(rest, PENDING_EXAMPLE)
    if owner is None or by is None:
        raise UserError("A pending decision needs who decides it and by when.", PENDING_EXAMPLE)
    return Draft(g.title_of(rest, PENDING_EXAMPLE, "the question"), owner, {"due": by.at, "deciders": [owner]}, by)


def supersede(*, session, program, item, actor, now, **_) -> list:
    """A decision that supersedes another marks the older one superseded, both ways linked."""
    key = (item.details or {}).get("supersedes")
    if not key:
        return []
    from bot.records import service

    older = service.find(session=session, program=program, spec=SPEC, key=key)
    if older.id == item.id:
        return []
    older.details = {**(older.details or {}), "superseded_by": item.key}
    service.close(session=session, program=program, item=older, actor=actor, now=now,
                  status=DecisionStatus.SUPERSEDED, note=f"superseded by {item.key}") if older.status == OPEN else \
        service.mark(session=session, item=older, actor=actor, now=now, status=DecisionStatus.SUPERSEDED,
                     note=f"superseded by {item.key}")
    return [older]


def _facts(item, tz) -> list[tuple[str, str]]:
    details = item.details or {}
    facts = []
    if item.status == DecisionStatus.OPEN:
        facts.append(("Decide by", "date:due_at"))
    if details.get("outcome"):
        facts.append(("Outcome", "text:details.outcome"))
    if details.get("rationale"):
        facts.append(("Why", "text:details.rationale"))
    deciders = details.get("deciders") or []
    if deciders:
        facts.append(("Decided by" if item.status != DecisionStatus.OPEN else "To decide",
                      ", ".join(f"<@{u}>" for u in deciders)))
    if details.get("supersedes"):
        facts.append(("Supersedes", details["supersedes"]))
    if details.get("superseded_by"):
        facts.append(("Superseded by", details["superseded_by"]))
    return facts


def _understood(item, when) -> str:
    if item.status == DecisionStatus.OPEN:
        return "pending" + (f", to be decided by {when.describe()}" if when else "")
    others = [u for u in (item.details or {}).get("deciders") or [] if u != item.owner_id]
    return ("with " + ", ".join(f"<@{u}>" for u in others)) if others else ""  # the reply names the owner


SPEC = KindSpec(
    name="decision", prefix="DEC", label="Decision", plural="decisions",
    summary="decisions: what was decided, why and by whom; pending questions until decided",
    statuses=DecisionStatus,
    closings=(Closing("decide", DecisionStatus.DECIDED, "Decide", "decided"),),
    fields=(
        FieldSpec("title", "What was decided?", "title", "long_text", optional=False),
        FieldSpec("rationale", "Why", "details.rationale", "long_text", max_length=RATIONALE_MAX, default=""),
        FieldSpec("owner", "Decided by", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("due", "Decide by", "due_at", "date", in_modal=False),  # a pending one's date
    ),
    grammar=parse,
    usage="/decision <what was decided> [why: <rationale>] [@decider …] [supersedes DEC-n]",
    example=EXAMPLE,
    icon=lambda item: ":scales:" if item.status != DecisionStatus.OPEN else ":grey_question:",
    facts=_facts,
    understood=_understood,
    list_order=lambda item: (item.created_at,),
    snoozable=True,
    owner_label="Decided by",
    open_label="Pending",
    modal_status=DecisionStatus.DECIDED,
    thread_prefixes=("decision",),
    reminds=True,
    overdue_to_leads=True,
    shortcut_name="Log as decision",
    edit_title_label="What was decided?",
    after_create=(lambda **kw: supersede(**kw),),
)
