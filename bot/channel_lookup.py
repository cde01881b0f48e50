"""The Slack side of the destination rule (bot/services/destinations.py): one `conversations.info` per
channel, with a short timeout, so a set-up modal can check its channels before it acks (inside 3 s) and
show what is wrong under the field; and the same look-up for the outbound queue at send time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services.destinations import Channel, problem, refused_at_send
from bot.services.errors import UserError

CHECK_TIMEOUT = 1.2  # seconds per look-up; the look-ups of one submission run side by side
NOT_VISIBLE = frozenset({"channel_not_found"})


def _quick(client: WebClient, timeout: float) -> WebClient:
    """The same client with a short timeout and no sleeping retries: a modal must ack within 3 s."""
    return type(client)(token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[])


def lookup(client: WebClient, channel: str, *, timeout: float = CHECK_TIMEOUT) -> Channel:
    try:
        info = _quick(client, timeout).conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") in NOT_VISIBLE:
            return Channel(channel, visible=False)
        return Channel(channel, answered=False)
    except (SlackClientError, OSError):
        return Channel(channel, answered=False)
    return Channel(channel, name=info.get("name") or "", is_private=bool(info.get("is_private")),
                   is_member=bool(info.get("is_member")), is_archived=bool(info.get("is_archived")))


def lookup_all(client: WebClient, channels: list[str], *, timeout: float = CHECK_TIMEOUT) -> dict[str, Channel]:
    """Each distinct channel looked up once, all at the same time."""
    distinct = list(dict.fromkeys(c for c in channels if c))
    if len(distinct) <= 1:
        return {c: lookup(client, c, timeout=timeout) for c in distinct}
    with ThreadPoolExecutor(max_workers=len(distinct)) as pool:
        return dict(zip(distinct, pool.map(lambda c: lookup(client, c, timeout=timeout), distinct)))


def destination_errors(client: WebClient, home: str, fields: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """For a modal: ``{block_id: (what, channel)}`` → ``{block_id: error}`` for each chosen channel that
    can't take the program's output (an empty dict when all can). A channel left empty is not checked."""
    chosen = {block: (what, channel) for block, (what, channel) in fields.items() if channel}
    if not chosen:
        return {}
    facts = lookup_all(client, [home, *(channel for _, channel in chosen.values())])
    errors = {}
    for block, (what, channel) in chosen.items():
        said = problem(facts[home], facts[channel], what)
        if said:
            errors[block] = said
    return errors


def ensure_destination(client: WebClient, home: str, channel: str, what: str, example: str) -> None:
    """For a command: the same rule, as a UserError."""
    facts = lookup_all(client, [home, channel])
    said = problem(facts[home], facts[channel], what)
    if said:
        raise UserError(said, example)


def refused_to_send(client: WebClient, home: str, channel: str, cache: dict[str, Channel] | None = None) -> bool | None:
    """At send time: True when the program's record must not go to ``channel`` (private home, public
    channel), None when Slack did not answer (try again later). ``cache`` holds look-ups of one drain."""
    cache = {} if cache is None else cache
    for name in (home, channel):
        if name not in cache:
            cache[name] = lookup(client, name, timeout=5)
    if not cache[channel].answered or (not cache[home].answered and not cache[channel].is_private):
        return None
    return refused_at_send(cache[home], cache[channel])
