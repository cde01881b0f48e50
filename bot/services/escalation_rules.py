"""Escalation rules: which open items have crossed a line the program's leads must hear about.

A rule is a name, the item kinds it applies to and a check that returns the reason in words (or
None). Later item kinds (dependencies, milestones) add rules here; the ladder does not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from bot.services.program_settings import DEFAULT_RISK_THRESHOLD, settings_of  # noqa: F401  (re-exported)
from bot.services.raid import business_age, describe_age, past_sla, sla_for
from storage.models import Program
from storage.raid_models import Item



@dataclass(frozen=True)
class Rule:
    name: str
    kinds: tuple[str, ...]
    check: Callable[[Item, Program, datetime], str | None]


def risk_threshold(program: Program) -> int:
    return settings_of(program).escalations.risk_threshold


def _critical(item: Item, program: Program, now: datetime) -> str | None:
    if item.severity == "critical":
        return f"critical blocker, open {describe_age(item.created_at, now)}"
    return None


def _past_sla(item: Item, program: Program, now: datetime) -> str | None:
    if item.severity and past_sla(item, program, now):
        return (f"{item.severity} blocker past its {sla_for(program, item.severity):g}h SLA "
                f"({business_age(item, program, now):.0f} business hours open)")
    return None


def _risk_score(item: Item, program: Program, now: datetime) -> str | None:
    threshold = risk_threshold(program)
    if item.score is not None and item.score >= threshold:
        return f"risk score {item.score} ≥ threshold {threshold} (P{item.probability}×I{item.impact})"
    return None


def _review_overdue(item: Item, program: Program, now: datetime) -> str | None:
    if item.review_at is not None and item.review_at < now:
        return f"risk review overdue by {describe_age(item.review_at, now)}"
    return None


def _kinds_rules() -> tuple[Rule, ...]:
    """The rules each later kind brings in its spec (`KindSpec.escalation_rules`)."""
    from bot.records.registry import KINDS

    return tuple(Rule(name, (spec.name,), check) for spec in KINDS for name, check in spec.escalation_rules)


# In priority order: an item crossing several is escalated under the first.
RULES: tuple[Rule, ...] = (
    Rule("critical_blocker", ("blocker",), _critical),
    Rule("blocker_past_sla", ("blocker",), _past_sla),
    Rule("risk_score", ("risk",), _risk_score),
    Rule("risk_review_overdue", ("risk",), _review_overdue),
    *_kinds_rules(),
)


def describe(rule_name: str, item: Item, program: Program, at: datetime) -> str | None:
    """The reason ``rule_name`` gives for ``item`` at ``at`` (its age then), or None if it no longer holds."""
    for rule in RULES:
        if rule.name == rule_name and item.kind in rule.kinds:
            return rule.check(item, program, at)
    return None


def crossed(item: Item, program: Program, now: datetime) -> tuple[str, str] | None:
    """The first rule an open item crosses, as (rule name, reason), or None."""
    if not item.is_open:
        return None
    for rule in RULES:
        if item.kind in rule.kinds:
            reason = rule.check(item, program, now)
            if reason:
                return rule.name, reason
    return None
