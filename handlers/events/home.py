"""App Home: published when the user opens it, and again after they change a record from it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import build_home
from bot.blocks.portfolio import home_portfolio
from bot.deps import Deps
from bot.services.status_report import rag_status
from bot.services.portfolio import sort_lines
from handlers.portfolio import visible_portfolio
from storage.programs import programs_in
from storage.raid import open_items_of


def on_app_home_opened(event: dict, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, context["deps"], body.get("team_id", ""), event["user"])


def publish_home(client: WebClient, deps: Deps, team_id: str, user_id: str) -> None:
    now = deps.clock.now()
    with deps.session() as session:
        programs = programs_in(session=session, team_id=team_id)
        led = [p for p in programs if user_id in p.leads]
        open_items = open_items_of(session=session, program_ids=[p.id for p in programs])
    by_program = {p.id: p for p in programs}
    open_by: dict[int, list] = {p.id: [] for p in led}
    for item in open_items:
        open_by.setdefault(item.program_id, []).append(item)
    # The RAG rules read a program's open records (bot/services/status_report.py).
    rags = {p.id: rag_status(p, open_by[p.id], now) for p in led}
    owned = [(i, by_program[i.program_id]) for i in open_items if i.owner_id == user_id]
    # Every program this person may see (never a private one they are not in), from the records read above.
    lines, _ = visible_portfolio(client, deps, team_id, user_id, programs=programs, open_items=open_items)
    client.views_publish(user_id=user_id, view=build_home(user_id, led, rags=rags, owned=owned, now=now,
                                                          portfolio=home_portfolio(sort_lines(lines, "rag"))))
