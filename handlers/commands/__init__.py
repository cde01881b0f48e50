"""Slash commands, one module per command, each with a CommandRouter."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.help import HelpSection
from handlers.commands import agenda, blocker, digest, risk, standup, status, tpm
from handlers.commands.router import CommandRouter

COMMAND_MODULES = (tpm, standup, blocker, risk, digest, agenda, status)


def routers() -> list[CommandRouter]:
    return [module.router for module in COMMAND_MODULES]


def help_sections() -> tuple[HelpSection, ...]:
    return tuple(router.help_section() for router in routers())


def register(app: App) -> None:
    for router in routers():
        router.register(app)
