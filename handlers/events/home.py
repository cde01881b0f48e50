"""App Home: published when the user opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import build_home
from storage.programs import programs_in


def on_app_home_opened(event: dict, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = context["deps"]
    user_id = event["user"]
    with deps.session() as session:
        mine = [p for p in programs_in(session=session, team_id=body.get("team_id", "")) if user_id in p.leads]
    client.views_publish(user_id=user_id, view=build_home(user_id, mine))
