"""Button and select actions."""

from slack_bolt import App

from handlers.actions import settings


def register(app: App) -> None:
    settings.register(app)
