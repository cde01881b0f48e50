"""Button and select actions."""

from slack_bolt import App

from handlers.actions import agenda, escalation, raid, settings, standup


def register(app: App) -> None:
    settings.register(app)
    raid.register(app)
    standup.register(app)
    escalation.register(app)
    agenda.register(app)
