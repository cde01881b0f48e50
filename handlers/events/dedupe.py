"""Slack retries an event delivery (up to 3 times) with the same event_id: handle each id once."""

from __future__ import annotations

from typing import Any, Callable

from slack_bolt import BoltResponse

from storage.ledger import first_delivery


def drop_repeated_events(body: dict, context: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if event_id:
        deps = context["deps"]
        with deps.session() as session:
            first = first_delivery(session=session, event_id=event_id, now=deps.clock.now())
        # With an inbox id, the inbox (bot/inbox.py) has let this delivery through: the first, or one dispatched
        # again because the first died unfinished.
        if not first and "inbox_id" not in context:
            return BoltResponse(status=200, body="")
    return next()
