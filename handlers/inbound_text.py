"""Inbound text, made plain once, in one place, before any listener sees it.

Slack sends the text of slash commands, message events and message shortcuts HTML-escaped (`&amp;`
`&lt;` `&gt;`; the mentions a person picked stay `<@U…|name>` tokens). This global middleware replaces
those texts by what the person typed (``bot.blocks.text.unescape``), so handlers parse and store plain
text and the blocks escape it once on the way out. It also drops NUL characters from those texts and
from every plain-text input of a submitted view: PostgreSQL cannot store them, and dropping them here
makes SQLite and PostgreSQL keep the same text.

Bolt hands listeners ``command`` (the body itself), ``event`` and ``message`` (``body["event"]``) and
``view`` (``body["view"]``) as views of the request body, so changing ``req.body`` in place is what
every listener sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.blocks.text import unescape

NUL = "\x00"
TEXT_EVENTS = ("message", "app_mention")
NESTED_MESSAGES = ("message", "previous_message")  # message_changed / message_deleted


def without_nul(text: str) -> str:
    return text.replace(NUL, "") if NUL in text else text


def plain(text: Any) -> Any:
    """Slack's escaped text as typed, NULs dropped; anything not a string is left alone."""
    return without_nul(unescape(text)) if isinstance(text, str) else text


def _plain_text_of(container: Any) -> None:
    if isinstance(container, dict) and "text" in container:
        container["text"] = plain(container["text"])


def _state_values(state: Any) -> None:
    values = (state or {}).get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return
    for actions in values.values():
        if not isinstance(actions, dict):
            continue
        for element in actions.values():
            if isinstance(element, dict) and isinstance(element.get("value"), str):
                element["value"] = without_nul(element["value"])


def make_plain(body: dict) -> dict:
    """``body`` (a parsed Slack request) with its inbound texts plain; changed in place and returned."""
    if not isinstance(body, dict):
        return body
    if "command" in body:  # a slash command's form fields
        _plain_text_of(body)
    event = body.get("event")
    if body.get("type") == "event_callback" and isinstance(event, dict) and event.get("type") in TEXT_EVENTS:
        _plain_text_of(event)
        for key in NESTED_MESSAGES:
            _plain_text_of(event.get(key))
    if body.get("type") == "message_action":
        _plain_text_of(body.get("message"))
    view = body.get("view")
    if isinstance(view, dict):
        _state_values(view.get("state"))
    if body.get("type") == "block_actions":
        _state_values(body.get("state"))
    return body


def inbound_text(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse | None:
    """Bolt global middleware: see the module docstring."""
    make_plain(req.body)
    return next()
