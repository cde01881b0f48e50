"""Modal submissions."""

from slack_bolt import App

from handlers.views import raid, setup


def register(app: App) -> None:
    setup.register(app)
    raid.register(app)
