"""Slash commands, one CommandRouter per command: the features' own (`/standup`, `/agenda`, …) and one
per record kind (handlers/blocker.py, risk.py, action.py, decision.py, built by the record core)."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.help import HelpSection
from handlers.commands.router import CommandRouter


def command_modules() -> tuple:
    """Each module's `router`, in help's order: every record kind's is `handlers/<kind>.py`, one per entry of
    the kinds' registry, so a new kind needs no line here."""
    from importlib import import_module

    from bot.records.registry import KINDS
    from handlers.commands import agenda, digest, standup, status, tpm

    kinds = tuple(import_module(f"handlers.{spec.name}") for spec in KINDS)
    return (tpm, standup, *kinds, digest, agenda, status)


def routers() -> list[CommandRouter]:
    return [module.router for module in command_modules()]


def help_sections() -> tuple[HelpSection, ...]:
    return tuple(router.help_section() for router in routers())


def register(app: App) -> None:
    for router in routers():
        router.register(app)
