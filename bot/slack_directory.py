"""Who people are, from Slack's directory: a member's timezone and name via `users.info`, cached in the
member table and refreshed when a day old (on use, and in bulk before scheduled work)."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.deps import Deps
from bot.services.timezones import is_timezone
from storage import programs as store
from storage.models import Member

REFRESH_AFTER = timedelta(hours=24)
log = logging.getLogger(__name__)


def refresh_member(client: WebClient, deps: Deps, team_id: str, user_id: str, fallback: str) -> str:
    """Ask Slack for the user's zone and store it; on a Slack failure keep ``fallback``."""
    now = deps.clock.now()
    try:
        info = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return fallback
    tz = info.get("tz") if is_timezone(info.get("tz") or "") else fallback
    profile = info.get("profile") or {}
    name = profile.get("display_name") or info.get("real_name") or info.get("name") or ""
    with deps.session() as session:
        store.ensure_workspace(session=session, team_id=team_id, now=now)
        store.upsert_member(session=session, team_id=team_id, user_id=user_id, timezone=tz, display_name=name,
                            now=now, is_deleted=bool(info.get("deleted")))
    return tz


def refresh_stale_timezones(deps: Deps, client: WebClient, *, limit: int = 50) -> int:
    """Refresh up to ``limit`` members whose zone is a day old, oldest first; returns how many."""
    cutoff = deps.clock.now() - REFRESH_AFTER
    with deps.session() as session:
        stale = list(session.exec(select(Member).where(Member.tz_refreshed_at < cutoff, Member.is_deleted == False)  # noqa: E712
                                  .order_by(Member.tz_refreshed_at).limit(limit)))
    for member in stale:
        refresh_member(client, deps, member.team_id, member.user_id, member.timezone)
    return len(stale)
