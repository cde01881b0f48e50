"""The one-line grammar of `/blocker` and `/risk`.

    /blocker <text> [@owner] [due <date>] [sev:<low|medium|high|critical>]
    /risk <text> [p:<1-5>] [i:<1-5>] [@owner] [review <date>] [mitigation: <text>]

Options may come in any order after the free text; keywords are case-insensitive. Mentions arrive
escaped (`<@U123>` or `<@U123|name>`): the first one is the owner, and it stays in the title so the
title still reads naturally ("waiting on keys from @dana").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.services.dates import DATE_EXAMPLE, DateError, When, parse_when
from bot.services.errors import UserError

SEVERITIES = ("low", "medium", "high", "critical")
TITLE_MAX = 500
BLOCKER_EXAMPLE = "/blocker waiting on API keys from @dana due friday sev:high"
RISK_EXAMPLE = "/risk vendor may slip the SDK p:4 i:5 review next monday mitigation: ask for a beta build"

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SEV = re.compile(r"(?<!\S)(?:sev|severity):\s*(\S*)", re.I)
_PROB = re.compile(r"(?<!\S)(?:p|prob|probability):\s*(\S*)", re.I)
_IMPACT = re.compile(r"(?<!\S)(?:i|impact):\s*(\S*)", re.I)
_MITIGATION = re.compile(r"(?<!\S)mitigation:\s*", re.I)
# A date phrase runs until the next option or the end of the text.
_STOP = r"(?=\s+(?:sev|severity|p|prob|probability|i|impact|mitigation):|\s*<@|\s+review\s|\s+due\s|$)"
_DUE = re.compile(r"(?<!\S)due(?:\s+(?:by|on))?\s+(.+?)" + _STOP, re.I)
_DUE_EMPTY = re.compile(r"(?<!\S)due\s*$", re.I)
_REVIEW = re.compile(r"(?<!\S)review(?:\s+(?:by|on))?\s+(.+?)" + _STOP, re.I)


@dataclass(frozen=True)
class BlockerDraft:
    title: str
    owner_id: str | None
    severity: str
    due: When | None


@dataclass(frozen=True)
class RiskDraft:
    title: str
    owner_id: str | None
    probability: int
    impact: int
    review: When | None
    mitigation: str


def _clean(text: str) -> str:
    return " ".join(text.split())


def _title(text: str, example: str) -> str:
    title = MENTION.sub(lambda m: f"<@{m.group(1)}>", _clean(text))
    if not MENTION.sub("", title).strip(" .,;:-"):
        raise UserError("Say what the item is about — the text is empty.", example)
    if len(title) > TITLE_MAX:
        raise UserError(f"Keep the text to {TITLE_MAX} characters (it has {len(title)}).", example)
    return title


def _when(phrase: str, tz: str, now: datetime, example: str) -> When:
    try:
        return parse_when(phrase, tz, now)
    except DateError as exc:
        raise UserError(f"{exc.problem} Dates can be like: {DATE_EXAMPLE}.", example) from exc


def owner_of(text: str) -> str | None:
    match = MENTION.search(text)
    return match.group(1) if match else None


def parse_severity(raw: str, example: str = BLOCKER_EXAMPLE) -> str:
    value = raw.strip().lower()
    aliases = {"med": "medium", "crit": "critical", "hi": "high", "lo": "low"}
    value = aliases.get(value, value)
    if value not in SEVERITIES:
        raise UserError(f"`sev:{raw}` isn't a severity: use sev:low, sev:medium, sev:high or sev:critical.", example)
    return value


def parse_level(raw: str, name: str, example: str = RISK_EXAMPLE) -> int:
    letter = name[0]
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise UserError(f"`{letter}:{raw}` is out of range: {name} goes from 1 (low) to 5 (high).", example)
    return int(raw)


def parse_blocker(text: str, tz: str, now: datetime) -> BlockerDraft:
    rest = text or ""
    severity = "medium"
    if match := _SEV.search(rest):
        severity = parse_severity(match.group(1))
        rest = rest[: match.start()] + " " + rest[match.end():]
    due = None
    if _DUE_EMPTY.search(rest.strip()):
        raise UserError("`due` needs a date after it.", BLOCKER_EXAMPLE)
    matches = list(_DUE.finditer(rest))
    if matches:
        match = matches[-1]
        due = _when(match.group(1), tz, now, BLOCKER_EXAMPLE)
        rest = rest[: match.start()] + " " + rest[match.end():]
    return BlockerDraft(_title(rest, BLOCKER_EXAMPLE), owner_of(rest), severity, due)


def parse_risk(text: str, tz: str, now: datetime) -> RiskDraft:
    rest = text or ""
    mitigation = ""
    if match := _MITIGATION.search(rest):
        mitigation, rest = rest[match.end():], rest[: match.start()]
        # options typed after the mitigation still count as options
        for pattern in (_PROB, _IMPACT):
            if found := pattern.search(mitigation):
                rest += " " + found.group(0)
                mitigation = mitigation[: found.start()] + mitigation[found.end():]
        mitigation = _clean(mitigation)
        if not mitigation:
            raise UserError("`mitigation:` needs some text after it.", RISK_EXAMPLE)
    probability = impact = 3
    if match := _PROB.search(rest):
        probability = parse_level(match.group(1), "probability")
        rest = rest[: match.start()] + " " + rest[match.end():]
    if match := _IMPACT.search(rest):
        impact = parse_level(match.group(1), "impact")
        rest = rest[: match.start()] + " " + rest[match.end():]
    review = None
    matches = list(_REVIEW.finditer(rest))
    if matches:
        match = matches[-1]
        review = _when(match.group(1), tz, now, RISK_EXAMPLE)
        rest = rest[: match.start()] + " " + rest[match.end():]
    return RiskDraft(_title(rest, RISK_EXAMPLE), owner_of(rest), probability, impact, review, mitigation[:2000])


KEY = re.compile(r"^\s*([BR])-(\d{1,9})\s*$", re.I)


def parse_key(raw: str, kind: str) -> int:
    """`B-7` -> 7 for blockers (`R-3` for risks); a clear error otherwise."""
    letter = "B" if kind == "blocker" else "R"
    match = KEY.match(raw or "")
    if not match or match.group(1).upper() != letter:
        example = f"/{kind} resolve B-7" if kind == "blocker" else "/risk close R-3"
        raise UserError(f"I need a {kind} key like {letter}-7{f', not “{raw}”' if raw else ''}.", example)
    return int(match.group(2))
