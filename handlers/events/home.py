"""App Home: published when the user opens it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import build_home
from bot.services.status_report import rag_status
from storage.programs import programs_in
from storage.raid import open_items_of


def on_app_home_opened(event: dict, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = context["deps"]
    user_id = event["user"]
    now = deps.clock.now()
    with deps.session() as session:
        programs = programs_in(session=session, team_id=body.get("team_id", ""))
        led = [p for p in programs if user_id in p.leads]
        open_items = open_items_of(session=session, program_ids=[p.id for p in programs])
    by_program = {p.id: p for p in programs}
    rags = {p.id: rag_status(p, [i for i in open_items if i.program_id == p.id and i.kind == "blocker"],
                             [i for i in open_items if i.program_id == p.id and i.kind == "risk"], now) for p in led}
    owned = [(i, by_program[i.program_id]) for i in open_items if i.owner_id == user_id]
    client.views_publish(user_id=user_id, view=build_home(user_id, led, rags=rags, owned=owned, now=now))
