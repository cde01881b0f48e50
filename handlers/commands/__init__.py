"""Slash commands, one CommandRouter per command: the features' own (`/standup`, `/agenda`, …) and one
per record kind (handlers/blocker.py, risk.py, action.py, decision.py, built by the record core), as
bot/features.py lists them."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.help import HelpSection
from handlers.commands.router import CommandRouter


def routers() -> list[CommandRouter]:
    """Every feature's command (bot/features.py), in help's order."""
    from bot.features import command_modules

    return [module.router for module in command_modules()]


def help_sections() -> tuple[HelpSection, ...]:
    return tuple(router.help_section() for router in routers())


def register(app: App) -> None:
    for router in routers():
        router.register(app)
