"""The one-line grammar of `/blocker` and `/risk`, as the first release's drafts. The grammar itself is
each kind's own (bot/records/kinds/blocker.py, risk.py); this reads it into the older draft shapes that
tests and benches still build with.

    /blocker <text> [@owner] [due <date>] [sev:<low|medium|high|critical>]
    /risk <text> [p:<1-5>] [i:<1-5>] [@owner] [review <date>] [mitigation: <text>]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.records import grammar
from bot.records.grammar import MENTION, TITLE_MAX  # noqa: F401  (shared with the agenda grammar)
from bot.records.kinds import blocker, risk
from bot.records.kinds.blocker import SEVERITIES, parse_severity  # noqa: F401
from bot.records.registry import spec_for
from bot.services.dates import When

BLOCKER_EXAMPLE = blocker.EXAMPLE
RISK_EXAMPLE = risk.EXAMPLE


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


def owner_of(text: str) -> str | None:
    match = MENTION.search(text)
    return match.group(1) if match else None


def parse_level(raw: str, name: str, example: str = RISK_EXAMPLE) -> int:
    return grammar.level(raw, name, example)


def parse_blocker(text: str, tz: str, now: datetime) -> BlockerDraft:
    draft = blocker.parse(text, tz, now)
    return BlockerDraft(draft.title, draft.owner_id, draft.values["severity"], draft.when)


def parse_risk(text: str, tz: str, now: datetime) -> RiskDraft:
    draft = risk.parse(text, tz, now)
    values = draft.values
    return RiskDraft(draft.title, draft.owner_id, values["probability"], values["impact"], draft.when,
                     values["mitigation"])


def parse_key(raw: str, kind: str) -> int:
    """`B-7` -> 7 for blockers (`R-3` for risks); a clear error otherwise."""
    spec = spec_for(kind)
    return grammar.parse_key(raw, spec.prefix, kind, f"{spec.command} {spec.primary_closing.verb} {spec.key(7)}")
