"""Button and select actions."""

from slack_bolt import App

from handlers import change, records
from handlers.actions import agenda, escalation, settings, standup


def register(app: App) -> None:
    settings.register(app)
    records.register(app)
    change.register(app)
    standup.register(app)
    escalation.register(app)
    agenda.register(app)
