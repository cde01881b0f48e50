"""Every listener is registered through `guarded`, so an error raised *after* ack() reaches the same
error policy as one raised before it.

Bolt runs listeners on a thread after ack(); an exception there, raised before Bolt's request
thread has read the ack, resets the ack and the request waits 3 s and answers 404. `guarded`
routes post-ack errors to `handlers.errors.report` itself, and lets pre-ack errors (modal
validation, bad one-line input answered in the ack) go to the app's @app.error handler as usual.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

ARGUMENTS = ("ack", "body", "client", "context", "respond", "view", "action", "event", "command")


class _TrackedAck:
    def __init__(self, ack: Ack) -> None:
        self._ack = ack
        self.called = False

    def __call__(self, *args: Any, **kwargs: Any):
        self.called = True
        return self._ack(*args, **kwargs)


def guarded(listener: Callable[..., Any]) -> Callable[..., Any]:
    wanted = [name for name in inspect.signature(listener).parameters if name in ARGUMENTS]
    unknown = [name for name in inspect.signature(listener).parameters if name not in ARGUMENTS]
    if unknown:
        raise TypeError(f"{listener.__qualname__}: unsupported listener argument(s) {unknown}")

    def run(ack: Ack, body: dict, client: WebClient, context: dict, respond: Respond | None, view: dict | None,
            action: dict | None, event: dict | None, command: dict | None) -> None:
        tracked = _TrackedAck(ack)
        available = {"ack": tracked, "body": body, "client": client, "context": context, "respond": respond,
                     "view": view, "action": action, "event": event, "command": command}
        try:
            listener(**{name: available[name] for name in wanted})
        except Exception as error:
            if not tracked.called:
                raise
            from handlers.errors import report

            report(error, body, client, respond, context)

    run.__name__ = run.__qualname__ = getattr(listener, "__name__", "listener")
    run.__module__ = listener.__module__
    return run
