"""Channel checks shared by every feature that posts a program's record somewhere else."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def is_private(client: WebClient, channel: str) -> bool:
    """Private unless Slack shows it is not (a channel the bot cannot see is treated as private)."""
    try:
        return bool(client.conversations_info(channel=channel)["channel"].get("is_private"))
    except SlackApiError:
        return True


def leaks_private(client: WebClient, home: str, target: str) -> bool:
    """Would posting a program's record from ``home`` into ``target`` quote a private channel into a
    public one?"""
    return target != home and is_private(client, home) and not is_private(client, target)
