"""Risks (`R-n`): what may go wrong, scored probability × impact, with a mitigation and a review date."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.records import grammar as g
from bot.records.spec import OPEN, Closing, Draft, FieldSpec, KindSpec
from bot.services.errors import UserError

EXAMPLE = "/risk vendor may slip the SDK p:4 i:5 review next monday mitigation: ask for a beta build"
MITIGATION_MAX = 2000
_PROB = re.compile(r"(?<!\S)(?:p|prob|probability):\s*(\S*)", re.I)
_IMPACT = re.compile(r"(?<!\S)(?:i|impact):\s*(\S*)", re.I)
_MITIGATION = re.compile(r"(?<!\S)mitigation:\s*", re.I)
_REVIEW = g.date_option("review", ("p", "prob", "probability", "i", "impact", "mitigation"))
LEVELS = tuple((str(n), str(n)) for n in range(1, 6))


class RiskStatus(StrEnum):
    OPEN = OPEN
    CLOSED = "closed"
    MITIGATED = "mitigated"
    OCCURRED = "occurred"


def split_options(text: str) -> tuple[str, dict]:
    """p:, i: and mitigation: taken out of the text (also for `/risk update`)."""
    rest, found = text or "", {}
    if match := _MITIGATION.search(rest):
        mitigation, rest = rest[match.end():], rest[: match.start()]
        for pattern in (_PROB, _IMPACT):  # options typed after the mitigation still count as options
            if option := pattern.search(mitigation):
                rest += " " + option.group(0)
                mitigation = mitigation[: option.start()] + mitigation[option.end():]
        mitigation = g.tidy(mitigation)
        if not g.has_text(mitigation):
            raise UserError("`mitigation:` needs some text after it.", EXAMPLE)
        if len(mitigation) > MITIGATION_MAX:
            raise UserError(f"Keep the mitigation to {MITIGATION_MAX} characters (it has {len(mitigation)}).",
                            EXAMPLE)
        found["mitigation"] = mitigation
    for name, pattern in (("probability", _PROB), ("impact", _IMPACT)):
        if match := pattern.search(rest):
            found[name] = g.level(match.group(1), name, EXAMPLE)
            rest = rest[: match.start()] + " " + rest[match.end():]
    return rest, found


def parse(text: str, tz: str, now: datetime) -> Draft:
    rest, options = split_options(text)
    rest, review = g.take_date(rest, _REVIEW, "review", tz, now, EXAMPLE)
    rest, owner = g.take_owner(rest, EXAMPLE)
    values = {"probability": options.get("probability", 3), "impact": options.get("impact", 3),
              "mitigation": options.get("mitigation", ""), "review": review.at if review else None}
    return Draft(g.title_of(rest, EXAMPLE, "the risk"), owner, values, review)


def _facts(item, tz) -> list[tuple[str, str]]:
    facts = [("Score", f"{item.score} (P{item.probability} × I{item.impact})"), ("Review", "date:review_at")]
    if item.mitigation:
        facts.append(("Mitigation", "text:mitigation"))
    return facts


def _concerns_milestone(item, program, now) -> str | None:
    from bot.services.program_settings import settings_of

    threshold = settings_of(program).escalations.risk_threshold
    if item.score is not None and item.score >= threshold:
        return f"is a risk scoring {item.score} (threshold {threshold})"
    return None


def _understood(item, when) -> str:
    review = f", review {when.describe()}" if when else ""
    return f"score {item.score} (P{item.probability} × I{item.impact}){review}"


SPEC = KindSpec(
    name="risk", prefix="R", label="Risk", plural="risks",
    summary="risks: what may go wrong, scored probability × impact",
    statuses=RiskStatus,
    closings=(Closing("close", RiskStatus.CLOSED, "Close", "closed"),),
    fields=(
        FieldSpec("title", "What is it?", "title", "long_text", optional=False),
        FieldSpec("owner", "Owner", "owner_id", "user", placeholder="Defaults to you"),
        FieldSpec("probability", "Probability (1–5)", "probability", "select", optional=False, options=LEVELS,
                  default=3, to_value=int),
        FieldSpec("impact", "Impact (1–5)", "impact", "select", optional=False, options=LEVELS, default=3,
                  to_value=int),
        FieldSpec("review", "Next review", "review_at", "date"),
        FieldSpec("mitigation", "Mitigation", "mitigation", "long_text", max_length=MITIGATION_MAX, default=""),
    ),
    grammar=parse,
    usage="/risk <text> [p:<1-5>] [i:<1-5>] [@owner] [review <date>] [mitigation: <text>]",
    example=EXAMPLE,
    icon=lambda item: ":warning:",
    facts=_facts,
    suffix=lambda item: f" (score {item.score})",
    understood=_understood,
    list_order=lambda item: (-(item.score or 0), item.created_at),
    thread_prefixes=("risk",),
    shortcut_name="Log as risk",
    escalates=True,
    milestone_concern=_concerns_milestone,
)
