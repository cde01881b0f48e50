"""The reply grammar of an agenda's thread:

    action: <what> [@owner] [by|due <date>]     e.g. action: <@U0BOB> send the rollout plan by Friday
    decision: <what was decided>

The first mention is the owner (the author when there is none) and stays in the text. `due <date>`
must be a date; `by <phrase>` is a date when it reads like one ("by friday", "by dec 3", "by eow"),
and otherwise part of the text ("reviewed by legal").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.services.dates import DATE_EXAMPLE, MONTHS, WEEKDAYS, DateError, When, parse_when
from bot.services.errors import UserError
from bot.services.raid_grammar import MENTION, owner_of

ACTION_EXAMPLE = "action: <@U0BOB> send the rollout plan by friday"
DECISION_EXAMPLE = "decision: ship the beta on Dec 14 behind a flag"
PREFIX = re.compile(r"^\s*(action|decision|blocker|risk)\s*:\s*", re.I)
ACTION_MAX, DECISION_MAX = 500, 1000
_DATE_TAIL = re.compile(r"(?<!\S)(?P<word>by|due(?:\s+(?:by|on))?)\s+(?P<phrase>[^<]+?)\s*(?=<@|$)", re.I)
_DATE_WORDS = {*WEEKDAYS, *MONTHS, "today", "tomorrow", "tonight", "yesterday", "last", "eod", "eow", "eom", "end", "next", "noon",
               "week", "weeks", "month", "months", "day", "days", "midnight", "q1", "q2", "q3", "q4"}


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner_id: str | None
    due: When | None


def _clean(text: str) -> str:
    return " ".join(MENTION.sub(lambda m: f"<@{m.group(1)}>", text).split())


def _looks_like_date(phrase: str) -> bool:
    words = re.findall(r"[a-z0-9]+", phrase.lower())
    return any(any(ch.isdigit() for ch in word) or word in _DATE_WORDS for word in words)


def parse_action(text: str, tz: str, now: datetime) -> ActionDraft:
    rest = text or ""
    due = None
    matches = list(_DATE_TAIL.finditer(rest))
    if matches:
        match = matches[-1]
        strict = match.group("word").lower().startswith("due")
        if strict or _looks_like_date(match.group("phrase")):
            try:
                due = parse_when(match.group("phrase"), tz, now)
            except DateError as exc:
                raise UserError(f"{exc.problem} Dates can be like: {DATE_EXAMPLE}.", ACTION_EXAMPLE) from exc
            rest = rest[: match.start()] + " " + rest[match.end():]
    elif re.search(r"(?<!\S)due\s*$", rest, re.I):
        raise UserError("`due` needs a date after it.", ACTION_EXAMPLE)
    body = _clean(rest)
    if not MENTION.sub("", body).strip(" .,;:-"):
        raise UserError("Say what needs doing after `action:`.", ACTION_EXAMPLE)
    if len(body) > ACTION_MAX:
        raise UserError(f"Keep an action to {ACTION_MAX} characters (it has {len(body)}).", ACTION_EXAMPLE)
    return ActionDraft(body, owner_of(body), due)


def parse_decision(text: str) -> str:
    body = _clean(text or "")
    if not body.strip(" .,;:-"):
        raise UserError("Say what was decided after `decision:`.", DECISION_EXAMPLE)
    if len(body) > DECISION_MAX:
        raise UserError(f"Keep a decision to {DECISION_MAX} characters (it has {len(body)}).", DECISION_EXAMPLE)
    return body
