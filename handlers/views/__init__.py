"""Modal submissions."""

from slack_bolt import App

from handlers import stakeholders
from handlers.views import agenda_setup, charter, setup, standup, standup_setup


def register(app: App) -> None:
    setup.register(app)
    standup.register(app)
    standup_setup.register(app)
    agenda_setup.register(app)
    charter.register(app)
    stakeholders.register(app)
