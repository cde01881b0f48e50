"""Every feature, once: which command it answers and which scheduled jobs it runs. Bolt's registration,
the manifest and help (through `handlers.commands.routers`) and the tick (`scheduled.jobs.default_jobs`)
all read this list, so a feature is added here and nowhere else. Every record kind is a feature of its
own, found from the kinds' registry (its command is `handlers/<kind>.py`).

Entries name modules rather than import them: nothing is imported until the app or the tick is built."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Feature:
    name: str
    command: str | None = None  # a module with a `router` (a handlers.commands.router.CommandRouter)
    jobs: tuple[str, ...] = ()  # "module:Class" of scheduled jobs, in the order a tick runs them


def features() -> tuple[Feature, ...]:
    from bot.records.registry import KINDS

    kinds = tuple(Feature(spec.name, command=f"handlers.{spec.name}") for spec in KINDS)
    return (
        Feature("tpm", "handlers.commands.tpm", jobs=("scheduled.jobs:Housekeeping",)),
        # Prompts before reminders before digests: a tick that sees several runs them in that order.
        Feature("standups", "handlers.commands.standup", jobs=(
            "scheduled.standup_jobs:StandupPrompts", "scheduled.standup_jobs:StandupReminders",
            "scheduled.standup_jobs:StandupDigests")),
        *kinds,
        Feature("records", jobs=("scheduled.record_reminders:RecordReminders",)),
        Feature("roadmap", "handlers.commands.roadmap"),
        Feature("digest", "handlers.commands.digest"),
        Feature("agendas", "handlers.commands.agenda", jobs=("scheduled.agenda_jobs:AgendaPosts",)),
        Feature("escalations", jobs=("scheduled.escalation_jobs:EscalationSweep",)),
        # After the sweep: the escalations it opened are told to the side a dependency is asked of.
        Feature("dependencies", jobs=("scheduled.dependency_jobs:DependencyEscalationNotices",)),
        Feature("status", "handlers.commands.status", jobs=("scheduled.status_jobs:StatusReports",)),
        Feature("portfolio", jobs=("scheduled.portfolio_jobs:PortfolioDigests",)),  # its command: `/tpm portfolio`
    )


def command_modules() -> list[Any]:
    return [import_module(f.command) for f in features() if f.command]


def job_classes() -> list[type]:
    out = []
    for feature in features():
        for ref in feature.jobs:
            module, _, name = ref.partition(":")
            out.append(getattr(import_module(module), name))
    return out
