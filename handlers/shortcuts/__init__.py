"""Message and global shortcuts. SHORTCUTS is the table the app registers from and the manifest
lists, one "Log as …" per record kind that has one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from handlers.guard import guarded


@dataclass(frozen=True)
class Shortcut:
    callback_id: str
    name: str
    description: str
    listener: Callable[..., None]
    type: str = "message"

    def manifest_entry(self) -> dict:
        return {"name": self.name, "type": self.type, "callback_id": self.callback_id,
                "description": self.description}


def _shortcuts() -> tuple[Shortcut, ...]:
    """Every record kind with a shortcut name gets "Log as <kind>" (callback `<kind>.shortcut.log`)."""
    from bot.records.registry import KINDS
    from handlers.records.capture import shortcut_listener

    return tuple(Shortcut(f"{spec.name}.shortcut.log", spec.shortcut_name,
                          f"Record this message as {'an' if spec.label[0] in 'AEIOU' else 'a'} {spec.label.lower()}",
                          shortcut_listener(spec))
                 for spec in KINDS if spec.shortcut_name)


SHORTCUTS: tuple[Shortcut, ...] = _shortcuts()


def register(app: App) -> None:
    for shortcut in SHORTCUTS:
        app.shortcut(shortcut.callback_id)(guarded(shortcut.listener))
