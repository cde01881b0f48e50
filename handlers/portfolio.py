"""The portfolio as one person may see it: the team's active programs, less the private ones they are not
a member of (the rules in bot/services/portfolio.py), over channel facts refreshed on use."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.channel_directory import channel_facts
from bot.deps import Deps
from bot.services.portfolio import PortfolioLine, portfolio, visible_to
from storage.models import Program
from storage.programs import programs_in
from storage.raid_models import Item


def visible_programs(client: WebClient, deps: Deps, team_id: str, user_id: str,
                     programs: list[Program] | None = None) -> tuple[list[Program], int]:
    """The active programs ``user_id`` may see, and how many others could not be checked yet."""
    if programs is None:
        with deps.session() as session:
            programs = programs_in(session=session, team_id=team_id)
    active = [p for p in programs if not p.is_archived]
    facts = channel_facts(client, deps, team_id, [p.channel_id for p in active])
    shown = [p for p in active if visible_to(user_id, p, facts[p.channel_id])]
    unchecked = sum(1 for p in active if not facts[p.channel_id].known)
    return shown, unchecked


def visible_portfolio(client: WebClient, deps: Deps, team_id: str, user_id: str, *,
                      programs: list[Program] | None = None,
                      open_items: list[Item] | None = None) -> tuple[list[PortfolioLine], int]:
    """The lines of the programs ``user_id`` may see (in the programs' order), and the unchecked count."""
    shown, unchecked = visible_programs(client, deps, team_id, user_id, programs)
    ids = {p.id for p in shown}
    mine = None if open_items is None else [i for i in open_items if i.program_id in ids]
    with deps.session() as session:
        lines = portfolio(session, shown, deps.clock.now(), open_items=mine)
    return lines, unchecked


def unchecked_note(unchecked: int) -> str:
    if not unchecked:
        return ""
    return (f"{unchecked} program{'s' if unchecked != 1 else ''} not shown yet: I haven't been able to check "
            "who may read their channels. Try again in a minute.")
