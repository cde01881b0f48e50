"""Slash commands, one CommandRouter per command: the features' own (`/standup`, `/agenda`, …) and one
per record kind (handlers/blocker.py, risk.py, action.py, decision.py, built by the record core)."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.help import HelpSection
from handlers.commands.router import CommandRouter


def command_modules() -> tuple:
    from handlers import action, blocker, decision, risk
    from handlers.commands import agenda, digest, standup, status, tpm

    return (tpm, standup, blocker, risk, action, decision, digest, agenda, status)


def routers() -> list[CommandRouter]:
    return [module.router for module in command_modules()]


def help_sections() -> tuple[HelpSection, ...]:
    return tuple(router.help_section() for router in routers())


def register(app: App) -> None:
    for router in routers():
        router.register(app)
