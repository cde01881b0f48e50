"""A member's timezone, from `users.info`, cached in the member table and refreshed daily."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.slack_directory import REFRESH_AFTER, refresh_member
from storage import programs as store


def user_timezone(client: WebClient, deps: Deps, team_id: str, user_id: str) -> str:
    now = deps.clock.now()
    with deps.session() as session:
        member = store.get_member(session=session, team_id=team_id, user_id=user_id)
        if member is not None and now - member.tz_refreshed_at < REFRESH_AFTER:
            return member.timezone
    fallback = member.timezone if member is not None else deps.settings.tpmbot_default_timezone
    return refresh_member(client, deps, team_id, user_id, fallback)
