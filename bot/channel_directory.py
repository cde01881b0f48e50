"""Who may read a channel, from Slack: whether it is private (`conversations.info`) and, for a private one,
its members (`conversations.members`), cached in the channel facts table (storage/channels.py) and
refreshed when stale — on use (`/tpm portfolio`, App Home) and in bulk before scheduled work (the tick),
as the member table is for people's zones (bot/slack_directory.py)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import Deps
from bot.services.portfolio import ChannelFacts, digest_of, facts_from
from storage.channel_models import ChannelFact
from storage.channels import facts_of, save_facts
from storage.programs import active_programs

STALE_AFTER = timedelta(minutes=15)  # on use and in the tick: older facts are asked again
ON_USE_LIMIT = 100  # channels asked of Slack by one `/tpm portfolio` (the others wait for the tick)
TICK_LIMIT = 20  # channels refreshed per tick, oldest first (Slack's Tier 3 allows about 50 a minute)
WORKERS = 8
TIMEOUT = 5
NOT_VISIBLE = frozenset({"channel_not_found"})
log = logging.getLogger(__name__)


def _ask(client: WebClient, channel: str) -> ChannelFact | None:
    """What Slack says of ``channel`` now; None when it did not answer (what was known stands)."""
    quick = type(client)(token=client.token, base_url=client.base_url, timeout=TIMEOUT)
    try:
        info = quick.conversations_info(channel=channel)["channel"]
        private = bool(info.get("is_private") or info.get("is_group"))
        members: list[str] = []
        if private:
            cursor = None
            while True:
                page = quick.conversations_members(channel=channel, limit=1000, **({"cursor": cursor} if cursor else {}))
                members += page.get("members") or []
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
    except SlackApiError as exc:
        if exc.response.get("error") in NOT_VISIBLE:
            return ChannelFact(channel_id=channel, visible=False, is_private=True, members=[])
        log.warning("conversations.info/members failed for %s: %s", channel, exc.response.get("error"))
        return None
    except (SlackClientError, OSError) as exc:
        log.warning("conversations.info/members failed for %s: %s", channel, exc)
        return None
    return ChannelFact(channel_id=channel, visible=True, is_private=private, members=members)


def known_facts(deps: Deps, team_id: str, channels: list[str]) -> dict[str, ChannelFacts]:
    """What is stored of ``channels`` (one query), asking Slack nothing."""
    with deps.session() as session:
        rows = facts_of(session=session, team_id=team_id, channel_ids=channels)
    return facts_from(rows, channels)


def _refresh(client: WebClient, deps: Deps, team_id: str, channels: list[str], now: datetime) -> None:
    if not channels:
        return
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(channels))) as pool:
        answers = [fact for fact in pool.map(lambda c: _ask(client, c), channels) if fact is not None]
    if answers:
        with deps.session() as session:
            save_facts(session=session, team_id=team_id, facts=answers, now=now)


def channel_facts(client: WebClient, deps: Deps, team_id: str, channels: list[str], *,
                  stale_after: timedelta = STALE_AFTER, limit: int = ON_USE_LIMIT) -> dict[str, ChannelFacts]:
    """The facts of ``channels``: the stored ones, after asking Slack again about up to ``limit`` of those
    never checked or checked longer than ``stale_after`` ago (never checked first, then the oldest)."""
    channels = list(dict.fromkeys(c for c in channels if c))
    now = deps.clock.now()
    known = known_facts(deps, team_id, channels)
    stale = sorted((c for c in channels if not known[c].known or now - known[c].checked_at > stale_after),
                   key=lambda c: (known[c].known, known[c].checked_at or now))[:limit]
    if stale:
        _refresh(client, deps, team_id, stale, now)
        known = known_facts(deps, team_id, channels)
    return known


def refresh_stale_channels(deps: Deps, client: WebClient, *, limit: int = TICK_LIMIT) -> int:
    """Before scheduled work: refresh up to ``limit`` stale facts of the channels a portfolio digest reads —
    every active program's channel and every digest's channel — in the teams that have a digest at all.
    Returns how many channels were asked about."""
    with deps.session() as session:
        programs = active_programs(session=session)
    digests = {p.team_id for p in programs if digest_of(p).enabled}
    asked = 0
    for team_id in sorted(digests):
        mine = [p for p in programs if p.team_id == team_id]
        channels = [*(p.channel_id for p in mine), *(digest_of(p).channel for p in mine if digest_of(p).enabled)]
        channels = list(dict.fromkeys(channels))
        now = deps.clock.now()
        known = known_facts(deps, team_id, channels)
        stale = sorted((c for c in channels if not known[c].known or now - known[c].checked_at > STALE_AFTER),
                       key=lambda c: (known[c].known, known[c].checked_at or now))[:limit - asked]
        _refresh(client, deps, team_id, stale, now)
        asked += len(stale)
        if asked >= limit:
            break
    return asked
