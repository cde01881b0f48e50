"""Every record kind's Slack surfaces, built from its spec: its command, buttons, modal, shortcut and
thread prefix. `KIND_ROUTERS` are the commands; `register` adds the rest to the app."""

from __future__ import annotations

from slack_bolt import App

from handlers.records import buttons, modal


def register(app: App) -> None:
    from importlib import import_module

    from bot.records.registry import KINDS

    buttons.register(app)
    modal.register(app)
    for spec in KINDS:  # a kind's own surfaces (a dependency's handshake cards), beside its command
        own = getattr(import_module(f"handlers.{spec.name}"), "register", None)
        if own is not None:
            own(app)
