"""Message and global shortcuts. SHORTCUTS is the table the app registers from and the manifest
lists: the blocker and risk work adds "Log as blocker" and "Log as risk" here."""

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
    from bot.ids import Callback
    from handlers.shortcuts import raid

    return (
        Shortcut(Callback.LOG_BLOCKER.value, "Log as blocker", "Record this message as a blocker", raid.on_log_blocker),
        Shortcut(Callback.LOG_RISK.value, "Log as risk", "Record this message as a risk", raid.on_log_risk),
    )


SHORTCUTS: tuple[Shortcut, ...] = _shortcuts()


def register(app: App) -> None:
    for shortcut in SHORTCUTS:
        app.shortcut(shortcut.callback_id)(guarded(shortcut.listener))
