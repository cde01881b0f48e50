"""Text that always fits: truncated with an ellipsis, never rejected by Slack."""

from __future__ import annotations

import re

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user(user_id: str) -> str:
    return f"<@{user_id}>"


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def escape_keeping_mentions(text: str) -> str:
    """Escape like ``escape`` but keep user mentions (`<@U123>`) live, so owners named in text still render."""
    return _ESCAPED_MENTION.sub(r"<@\1>", escape(text))
