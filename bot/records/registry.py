"""Every kind of record, in the order help and App Home list them."""

from __future__ import annotations

from bot.records.kinds import action, blocker, change, decision, dependency, milestone, risk
from bot.records.spec import KindSpec

KINDS: tuple[KindSpec, ...] = (blocker.SPEC, risk.SPEC, action.SPEC, decision.SPEC, milestone.SPEC,
                               dependency.SPEC, change.SPEC)
BY_NAME: dict[str, KindSpec] = {spec.name: spec for spec in KINDS}
BY_PREFIX: dict[str, KindSpec] = {spec.prefix: spec for spec in KINDS}
ESCALATING: tuple[str, ...] = tuple(spec.name for spec in KINDS if spec.escalates)  # the sweep's kinds
BY_THREAD_PREFIX: dict[str, KindSpec] = {word: spec for spec in KINDS for word in spec.thread_prefixes}


def spec_for(kind: str) -> KindSpec:
    return BY_NAME[kind]


def spec_of(item) -> KindSpec:
    return BY_NAME[item.kind]
