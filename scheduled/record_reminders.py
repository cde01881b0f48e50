"""Reminders for records with a due date (action items, pending decisions): the owner hears on the
morning it is due, at 09:00 in their own zone, and again once it is overdue (a kind may name others to remind:
a change request's approvers who have not answered, by its decide-by date). Each reminder is an
occurrence in the ledger — `(record.reminder, record:<id>:morning | record:<id>:overdue, instant)` — so it is sent
exactly once, however many ticks or processes look; a record whose date moves is reminded of the new one."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session

from bot.blocks.records import record_message
from bot.blocks.text import deadline, mrkdwn
from bot.deps import Deps
from bot.records.registry import KINDS, spec_of
from bot.services.timezones import zone
from scheduled.jobs import Due
from storage import outbox
from storage import raid as store
from storage.models import Occurrence, Program
from storage.raid_models import Item

MORNING = time(9, 0)
REMINDING = tuple(spec.name for spec in KINDS if spec.reminds)


def due_morning(due_at: datetime, tz: str) -> datetime:
    """09:00 on the due date, in ``tz``; never after the due instant itself."""
    local = due_at.astimezone(zone(tz))
    morning = datetime.combine(local.date(), MORNING, tzinfo=zone(tz)).astimezone(zone("UTC"))
    return min(morning, due_at)


class RecordReminders:
    kind = "record.reminder"

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        """Mornings in (start, end] fall on records due up to a day and a half after ``end``."""
        out = []
        for item, program_tz, owner_tz in store.due_between(session=session, kinds=REMINDING, start=start,
                                                            end=end + timedelta(hours=40)):
            tz = owner_tz or program_tz
            data = {"item_id": item.id, "due_at": item.due_at.isoformat(), "tz": tz}
            morning = due_morning(item.due_at, tz)
            if start < morning <= end:
                out.append(Due(self.kind, f"record:{item.id}:morning", morning, {**data, "what": "morning"}))
            if start < item.due_at <= end:
                out.append(Due(self.kind, f"record:{item.id}:overdue", item.due_at, {**data, "what": "overdue"}))
        return out

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        item = session.get(Item, due.data["item_id"])
        program = session.get(Program, item.program_id) if item else None
        if item is None or program is None or item.status != "open" or \
                item.due_at is None or item.due_at.isoformat() != due.data["due_at"]:
            occurrence.detail = "no longer due then"
            return
        if item.snoozed_until is not None and item.snoozed_until > due.due_at:
            occurrence.detail = "snoozed"
            return
        targets = reminded(item)
        if not targets:
            occurrence.detail = "nobody left to remind"
            return
        queue_reminder(session, program, item, due.data["what"], due.data["tz"], due.due_at, occurrence.id)
        occurrence.detail = f"reminded {' '.join(targets)}"


def reminded(item: Item) -> list[str]:
    """The owner, or whom the kind names (a change request: its approvers who have not answered)."""
    spec = spec_of(item)
    return list(spec.reminded(item)) if spec.reminded is not None else [item.owner_id]


def queue_reminder(session: Session, program: Program, item: Item, what: str, tz: str, now: datetime,
                   occurrence_id: int) -> None:
    spec = spec_of(item)
    when = deadline(item.due_at, tz, (item.details or {}).get("days"))
    if what == "morning":
        intro = f":alarm_clock: {spec.label} *{item.key}* is due today ({when})."
    else:
        intro = f":rotating_light: {spec.label} *{item.key}* is overdue: it was due {when}."
    text = mrkdwn(f"{spec.label} {item.key}: {item.title}", 2000)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": intro}}, *record_message(item, tz)]
    for target in reminded(item):
        key = f"{occurrence_id}:owner" if target == item.owner_id else f"{occurrence_id}:{target}"
        outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                       occurrence_id=occurrence_id, program_id=program.id,
                       payload={"channel": target, "text": text, "blocks": blocks})
    if what == "overdue" and spec.overdue_to_leads:
        leads = " ".join(f"<@{lead}>" for lead in program.leads)
        outbox.enqueue(session=session, key=f"{occurrence_id}:leads", team_id=program.team_id,
                       method="chat.postMessage", now=now, occurrence_id=occurrence_id, program_id=program.id,
                       payload={"channel": program.escalation_channel_id, "text": text,
                                "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                            "text": f"{intro} {leads} — <@{item.owner_id}> was to decide it."}},
                                           *record_message(item, program.timezone)]})
