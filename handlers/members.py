"""A member's timezone, from `users.info`, cached in the member table and refreshed daily."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services.timezones import is_timezone
from storage import programs as store

REFRESH_AFTER = timedelta(hours=24)
log = logging.getLogger(__name__)


def user_timezone(client: WebClient, deps: Deps, team_id: str, user_id: str) -> str:
    now = deps.clock.now()
    with deps.session() as session:
        member = store.get_member(session=session, team_id=team_id, user_id=user_id)
        if member is not None and now - member.tz_refreshed_at < REFRESH_AFTER:
            return member.timezone
    fallback = member.timezone if member is not None else deps.settings.tpmbot_default_timezone
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
