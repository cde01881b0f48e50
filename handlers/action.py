"""`/action`: action items on the record core. Reminders: scheduled/action_jobs.py."""

from __future__ import annotations

from bot.records.kinds.action import SPEC
from handlers.records.commands import record_router

router = record_router(SPEC)
