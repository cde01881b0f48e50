"""Queries of the channel facts (storage/channel_models.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from storage.channel_models import ChannelFact

_FACTS = select(ChannelFact).where(ChannelFact.team_id == bindparam("team_id"),
                                   ChannelFact.channel_id.in_(bindparam("channel_ids", expanding=True)))


def facts_of(*, session: Session, team_id: str, channel_ids: list[str]) -> dict[str, ChannelFact]:
    """What is known of ``channel_ids`` (one query), by channel."""
    wanted = sorted(set(channel_ids))
    if not wanted:
        return {}
    rows = session.exec(_FACTS, params={"team_id": team_id, "channel_ids": wanted})
    return {row.channel_id: row for row in rows}


def save_facts(*, session: Session, team_id: str, facts: list[ChannelFact], now: datetime) -> None:
    """Write what Slack just said of some channels over what was known (one read, then one row each)."""
    known = facts_of(session=session, team_id=team_id, channel_ids=[f.channel_id for f in facts])
    for fact in facts:
        row = known.get(fact.channel_id) or ChannelFact(team_id=team_id, channel_id=fact.channel_id)
        row.visible, row.is_private, row.members, row.checked_at = fact.visible, fact.is_private, list(fact.members), now
        session.add(row)
