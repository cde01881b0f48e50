"""What other messages borrow from records' blocks: a record's one-line summary, severity icons, and a
short local date. (Records' own messages, lists and modals are bot/blocks/records.py.)"""

from __future__ import annotations

from datetime import datetime

from bot.blocks.records import summary
from bot.records.kinds.blocker import SEVERITY_ICON
from bot.services.timezones import zone
from storage.raid_models import Item

__all__ = ["SEVERITY_ICON", "item_summary", "local_date"]


def local_date(at: datetime | None, tz: str) -> str:
    if at is None:
        return "none"
    local = at.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}"


def item_summary(item: Item) -> str:
    return summary(item)
