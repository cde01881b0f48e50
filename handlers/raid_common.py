"""Record steps other features call (escalation cards): checking an owner is a real user, and a record's
canonical message brought up to date after they changed it."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.records import message
from handlers.escalation_sync import sync_escalation
from handlers.records.common import ensure_user
from storage.models import Program
from storage.raid_models import Item

__all__ = ["ensure_user", "refresh_item_message"]


def refresh_item_message(client: WebClient, deps: Deps, item: Item, program: Program,
                         actor: str | None = None) -> None:
    """After a change made elsewhere: the record's message edited (or posted), its escalation cards too."""
    now = deps.clock.now()
    with deps.session() as session:
        stored = session.get(Item, item.id)
        queued = message.queue_sync(session=session, program=program, item=stored, now=now)
    message.send(deps, client, item, queued)
    sync_escalation(client, deps, item.id, actor=actor)
