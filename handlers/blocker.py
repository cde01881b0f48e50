"""`/blocker`: every surface of blockers is the record core's (handlers/records), with `sev:` filters
coming from the kind's severity field."""

from __future__ import annotations

from bot.records.kinds.blocker import SPEC
from handlers.records.commands import record_router

router = record_router(SPEC)
