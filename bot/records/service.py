"""The verbs every kind of record answers, written once: create, find by key, close, reopen, assign,
snooze, edit, history and list. Each change bumps the record's version and writes a history row; the
caller then syncs the record's canonical message (bot/records/message.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.records.permissions import ensure_may_change
from bot.records.registry import spec_of
from bot.records.spec import OPEN, Draft, KindSpec
from bot.services.dates import When
from bot.services.errors import UserError
from storage import raid as store
from storage.models import Program
from storage.raid_models import Item, ItemEvent


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def snapshot(spec: KindSpec, item: Item) -> dict:
    return {f.name: _plain(f.get(item)) for f in spec.fields}


DAYS_KEPT = 8


def remember_day(item: Item, when: When | None) -> None:
    """A date typed without a time (`fri`, `dec 10`, a date picker) is kept as the day it named, by the instant
    it was stored as, in ``details.days``: every reader is then shown that day, not the instant in their own
    zone (which east of the author is the next day). A value changed later is another instant, so the day
    of an old one never speaks for it."""
    if when is None or when.has_time:
        return
    days = {**((item.details or {}).get("days") or {}), when.at.isoformat(): when.local.date().isoformat()}
    item.details = {**(item.details or {}), "days": dict(list(days.items())[-DAYS_KEPT:])}


def create(*, session: Session, program: Program, spec: KindSpec, draft: Draft, author_id: str, now: datetime,
           source_link: str = "", inbox_id: str | None = None, details: dict | None = None) -> Item:
    """Store a new record. With ``inbox_id`` (the request that asked for it), asking twice gives the
    record the first time made."""
    if inbox_id is not None and (existing := store.item_by_inbox(session=session, inbox_id=inbox_id)):
        return existing
    number = store.next_number(session=session, program_id=program.id, kind=spec.name)
    item = Item(program_id=program.id, kind=spec.name, number=number, key=spec.key(number), title=draft.title,
                owner_id=draft.owner_id or author_id, reporter_id=author_id, status=draft.status,
                source_link=source_link, created_at=now, updated_at=now, inbox_id=inbox_id, details={})
    for field in spec.fields:
        if field.name in draft.values:
            field.set(item, draft.values[field.name])
        elif field.name not in ("title", "owner") and field.default is not None:
            field.set(item, field.default)
    extra = {k: v for k, v in draft.values.items() if k not in {f.name for f in spec.fields}}
    item.details = {**(item.details or {}), **{k: v for k, v in extra.items() if v not in (None, "", [])},
                    **(details or {})}
    remember_day(item, draft.when)
    if item.status != OPEN:
        item.closed_at, item.closed_by = now, author_id
    session.add(item)
    session.flush()
    store.record_event(session=session, item=item, actor_id=author_id, action="created",
                       changes=snapshot(spec, item), at=now)
    return item


def find(*, session: Session, program: Program, spec: KindSpec, key: str) -> Item:
    from bot.records.grammar import parse_key

    example = f"{spec.command} show {spec.key(7)}"
    number = parse_key(key, spec.prefix, spec.name, example)
    item = store.item_by_number(session=session, program_id=program.id, kind=spec.name, number=number)
    if item is None:
        raise UserError(f"There is no {spec.key(number)} in {program.name}. See them with `{spec.command} list all`.",
                        f"{spec.command} list all")
    return item


def change(session: Session, item: Item, actor: str, action: str, changes: dict, now: datetime) -> Item:
    item.updated_at = now
    item.version = (item.version or 0) + 1
    session.add(item)
    store.record_event(session=session, item=item, actor_id=actor, action=action, changes=changes, at=now)
    return item


def close(*, session: Session, program: Program, item: Item, actor: str, now: datetime, verb: str | None = None,
          note: str = "", status: str | None = None, details: dict | None = None) -> Item:
    """End a record's open life with one of its kind's closing verbs (or a given closed status)."""
    spec = spec_of(item)
    ensure_may_change(item, program, actor)
    closing = spec.closing_verbs[verb] if verb else spec.primary_closing
    final = status or closing.status
    if item.status != OPEN:
        raise UserError(f"{item.key} is already {spec.status_label(item.status)}.",
                        f"{spec.command} reopen {item.key}")
    if len(note) > 1000:
        raise UserError(f"Keep the note to 1000 characters (it has {len(note)}).",
                        f"{spec.command} {closing.verb} {item.key} fixed by the vendor")
    before = item.status
    item.status, item.closed_at, item.closed_by, item.close_note = final, now, actor, note
    if details:
        item.details = {**(item.details or {}), **details}
    return change(session, item, actor, str(final), {"status": [before, str(final)], "note": note,
                                                     **({"details": details} if details else {})}, now)


def mark(*, session: Session, item: Item, actor: str, now: datetime, status: str, note: str = "") -> Item:
    """Move a closed record to another closed status (a decision superseded by a later one)."""
    before = item.status
    item.status, item.close_note = status, note or item.close_note
    return change(session, item, actor, str(status), {"status": [before, str(status)], "note": note}, now)


def reopen(*, session: Session, program: Program, item: Item, actor: str, now: datetime) -> Item:
    spec = spec_of(item)
    ensure_may_change(item, program, actor)
    if item.status == OPEN:
        raise UserError(f"{item.key} is already open.", f"{spec.command} list")
    if not spec.reopenable:
        raise UserError(f"{item.key} is {spec.status_label(item.status)} and stays so: open a new one instead.",
                        spec.example)
    before = item.status
    item.status, item.closed_at, item.closed_by, item.close_note = OPEN, None, None, ""
    if spec.reopened is not None:
        spec.reopened(item, now)
    return change(session, item, actor, "reopened", {"status": [before, OPEN]}, now)


def assign(*, session: Session, program: Program, item: Item, actor: str, owner_id: str, now: datetime) -> Item:
    ensure_may_change(item, program, actor)
    if owner_id == item.owner_id:
        raise UserError(f"<@{owner_id}> already owns {item.key}.", f"{spec_of(item).command} assign {item.key} @dana")
    before = item.owner_id
    item.owner_id = owner_id
    return change(session, item, actor, "assigned", {"owner": [before, owner_id]}, now)


def snooze(*, session: Session, program: Program, item: Item, actor: str, now: datetime, until: datetime) -> Item:
    """Hold the record's escalation and reminders (and keep a new one from opening) until ``until``."""
    spec = spec_of(item)
    ensure_may_change(item, program, actor)
    if item.status != OPEN:
        raise UserError(f"{item.key} is {spec.status_label(item.status)}: there is nothing to snooze.",
                        f"{spec.command} list")
    before = item.snoozed_until.isoformat() if item.snoozed_until else None
    item.snoozed_until = until
    return change(session, item, actor, "snoozed", {"snoozed_until": [before, until.isoformat()]}, now)


def edit(*, session: Session, program: Program, item: Item, actor: str, now: datetime,
         values: dict[str, Any], when: When | None = None) -> Item:
    """Apply changed fields, by field name (`title`, `owner`, `due`, `probability`, …); ``when``: the date
    as typed, when one was."""
    spec = spec_of(item)
    ensure_may_change(item, program, actor)
    changes = {}
    for field in spec.fields:
        if field.name not in values:
            continue
        old, new = field.get(item), values[field.name]
        if field.name == "owner" and new is None:
            continue
        if old != new:
            changes[field.name] = [_plain(old), _plain(new)]
            field.set(item, new)
    if changes:
        remember_day(item, when)
    return change(session, item, actor, "edited", changes, now) if changes else item


def history(*, session: Session, item: Item) -> list[ItemEvent]:
    return store.history(session=session, item_id=item.id)


@dataclass(frozen=True)
class Filter:
    """A list's filters: `mine`, `all`, `@user`, `overdue`, plus a kind's own (`sev:high`)."""

    owner_id: str | None = None
    overdue: bool = False
    severity: str | None = None
    words: tuple[str, ...] = ()
    include_closed: bool = False


def listing(*, session: Session, program: Program, spec: KindSpec, selection: Filter, now: datetime) -> list[Item]:
    items = store.records(session=session, program_id=program.id, kind=spec.name, owner_id=selection.owner_id,
                          severity=selection.severity, overdue_at=now if selection.overdue else None,
                          words=selection.words, include_closed=selection.include_closed)
    if spec.list_order is not None:
        items.sort(key=spec.list_order)
    return items
