"""Button and select actions."""

from slack_bolt import App

from handlers.actions import agenda, raid, settings, standup


def register(app: App) -> None:
    settings.register(app)
    raid.register(app)
    standup.register(app)
    agenda.register(app)
