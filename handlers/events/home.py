"""App Home: published when the user opens it, and again after they change a record from it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from slack_sdk.errors import SlackApiError

from bot.blocks.home import build_home
from bot.blocks.portfolio import home_portfolio
from bot.deps import Deps
from bot.records.kinds.milestone import SPEC as MILESTONE_SPEC
from bot.roadmap_posts import roadmap_blocks, roadmap_file_id
from bot.services.milestones import assess
from bot.services.roadmap import roadmap_data
from bot.uploads import UploadError
from bot.services.status_report import rag_status
from storage.charters import latest_of
from bot.services.portfolio import sort_lines
from handlers.portfolio import visible_portfolio
from storage.programs import programs_in
from storage.raid import open_items_of

log = logging.getLogger(__name__)
MILESTONE = MILESTONE_SPEC.name
HOME_ROADMAPS = 3  # pictures in one Home: a view holds 100 blocks, and each picture is a Slack upload


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
        charters = latest_of(session=session, program_ids=[p.id for p in led])
    by_program = {p.id: p for p in programs}
    open_by: dict[int, list] = {p.id: [] for p in led}
    for item in open_items:
        open_by.setdefault(item.program_id, []).append(item)
    # The RAG rules read a program's open records (bot/services/status_report.py).
    rags = {p.id: rag_status(p, open_by[p.id], now) for p in led}
    owned = [(i, by_program[i.program_id]) for i in open_items if i.owner_id == user_id]
    # Every program this person may see (never a private one they are not in), from the records read above.
    lines, _ = visible_portfolio(client, deps, team_id, user_id, programs=programs, open_items=open_items)
    client.views_publish(user_id=user_id, view=build_home(
        user_id, led, rags=rags, owned=owned, now=now, charters=charters,
        roadmaps=_roadmaps(client, deps, led, open_by, now), portfolio=home_portfolio(sort_lines(lines, "rag"))))


def _roadmaps(client: WebClient, deps: Deps, led: list, open_by: dict[int, list], now) -> dict[int, list[dict]]:
    """The roadmap picture of the first programs the user leads that have open milestones: each uploaded
    once per content (a Home opened again with nothing changed uploads nothing). A picture Slack does not
    take now is left out; the Home is published all the same."""
    out = {}
    for program in led:
        plan = [i for i in open_by[program.id] if i.kind == MILESTONE]
        if not plan:
            continue
        data = roadmap_data(program, plan, assess(program, plan, open_by[program.id], now), now)
        try:
            out[program.id] = roadmap_blocks(roadmap_file_id(client, deps, team_id=program.team_id, data=data), data)
        except (SlackApiError, UploadError, OSError):
            log.warning("roadmap picture of program %s left out of App Home: Slack did not take it", program.id)
        if len(out) == HOME_ROADMAPS:
            break
    return out
