"""Every listener package, registered on the app in one place."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, errors, events, shortcuts, views

PACKAGES = (events, commands, views, actions, shortcuts, errors)


def register_all(app: App) -> None:
    for package in PACKAGES:
        package.register(app)
