"""Channel checks shared by every feature that posts a program's record somewhere else. The rule lives in
bot/services/destinations.py and its Slack look-up in bot/channel_lookup.py; these stay for callers."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.services.destinations import leaks_private as _leaks
from bot.channel_lookup import lookup, lookup_all


def is_private(client: WebClient, channel: str) -> bool:
    """Private unless Slack shows it is not (a channel the bot cannot see is treated as private)."""
    facts = lookup(client, channel, timeout=10)
    return not (facts.visible and facts.answered) or facts.is_private


def leaks_private(client: WebClient, home: str, target: str) -> bool:
    """Would posting a program's record from ``home`` into ``target`` quote a private channel into a
    public one?"""
    facts = lookup_all(client, [home, target], timeout=10)
    return _leaks(facts[home], facts[target])
