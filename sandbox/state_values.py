"""Builders of ``view.state.values`` entries, as Slack sends them for each input element.

``state_values({"title": {"title.input": plain_text("Ship it")}})`` style: each helper returns
the value dict for one action id.
"""

from __future__ import annotations

from typing import Iterable


def _option(value: str, text: str | None = None) -> dict:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True},
            "value": value}


def plain_text(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def number(value: str | int | float | None, is_decimal_allowed: bool = False) -> dict:
    return {"type": "number_input", "value": None if value is None else str(value)}


def static_select(value: str | None, text: str | None = None) -> dict:
    return {"type": "static_select",
            "selected_option": None if value is None else _option(value, text)}


def multi_static_select(values: Iterable[str]) -> dict:
    return {"type": "multi_static_select", "selected_options": [_option(v) for v in values]}


def users_select(user: str | None) -> dict:
    return {"type": "users_select", "selected_user": user}


def multi_users_select(users: Iterable[str]) -> dict:
    return {"type": "multi_users_select", "selected_users": list(users)}


def conversations_select(conversation: str | None) -> dict:
    return {"type": "conversations_select", "selected_conversation": conversation}


def channels_select(channel: str | None) -> dict:
    return {"type": "channels_select", "selected_channel": channel}


def datepicker(date: str | None) -> dict:
    """``date`` as ``YYYY-MM-DD``."""
    return {"type": "datepicker", "selected_date": date}


def timepicker(time: str | None, timezone: str | None = None) -> dict:
    """``time`` as ``HH:mm``."""
    value = {"type": "timepicker", "selected_time": time}
    if timezone:
        value["timezone"] = timezone
    return value


def checkboxes(values: Iterable[str]) -> dict:
    return {"type": "checkboxes", "selected_options": [_option(v) for v in values]}


def radio_buttons(value: str | None) -> dict:
    return {"type": "radio_buttons",
            "selected_option": None if value is None else _option(value)}


def state_value(block_id: str, action_id: str, value: dict) -> dict:
    """One ``{block_id: {action_id: value}}`` entry; merge several with ``merge``."""
    return {block_id: {action_id: value}}


def merge(*entries: dict) -> dict:
    values: dict = {}
    for entry in entries:
        for block_id, actions in entry.items():
            values.setdefault(block_id, {}).update(actions)
    return values
