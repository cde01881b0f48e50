"""Reading a submitted view's `state.values` by block and action id."""

from __future__ import annotations

from enum import Enum


class ViewValues:
    def __init__(self, view: dict) -> None:
        self._values: dict = (view.get("state") or {}).get("values") or {}

    def _element(self, block: Enum | str, action: Enum | str) -> dict:
        block_id = block.value if isinstance(block, Enum) else block
        action_id = action.value if isinstance(action, Enum) else action
        return (self._values.get(block_id) or {}).get(action_id) or {}

    def text(self, block, action) -> str:
        return (self._element(block, action).get("value") or "").strip()

    def raw_text(self, block, action) -> str:
        """A text input's value as typed (multiline text keeps its lines and indentation)."""
        return self._element(block, action).get("value") or ""

    def users(self, block, action) -> list[str]:
        return list(self._element(block, action).get("selected_users") or [])

    def user(self, block, action) -> str | None:
        return self._element(block, action).get("selected_user")

    def conversation(self, block, action) -> str | None:
        element = self._element(block, action)
        return element.get("selected_conversation") or element.get("selected_channel")

    def checked(self, block, action) -> list[str]:
        return [o.get("value", "") for o in self._element(block, action).get("selected_options") or []]

    def selected(self, block, action) -> str | None:
        option = self._element(block, action).get("selected_option") or {}
        return option.get("value")

    def date(self, block, action) -> str | None:
        return self._element(block, action).get("selected_date")

    def time(self, block, action) -> str | None:
        return self._element(block, action).get("selected_time")
