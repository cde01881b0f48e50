"""Every record kind's Slack surfaces, built from its spec: its command, buttons, modal, shortcut and
thread prefix. `KIND_ROUTERS` are the commands; `register` adds the rest to the app."""

from __future__ import annotations

from slack_bolt import App

from handlers.records import buttons, modal


def register(app: App) -> None:
    buttons.register(app)
    modal.register(app)
