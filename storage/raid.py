"""Query functions for the RAID register."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, bindparam, cast, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.raid_models import ITEM_COLUMNS, Item, ItemCounter, ItemEvent, ItemRow
from storage.read_ahead import MISSING, stash, take

RECORD_EVENT = "tpmbot_record"  # the metadata event type of a record's canonical message


def next_number(*, session: Session, program_id: int, kind: str) -> int:
    """The next key number for ``kind`` in the program, never reused, safe under concurrency (the
    UPDATE takes the row lock on PostgreSQL; SQLite transactions here begin IMMEDIATE)."""
    for _ in range(3):
        result = session.execute(
            update(ItemCounter)
            .where(ItemCounter.program_id == program_id, ItemCounter.kind == kind)
            .values(last_number=ItemCounter.last_number + 1)
            .returning(ItemCounter.last_number)
        ).first()
        if result is not None:
            return result[0]
        try:
            with session.begin_nested():
                session.add(ItemCounter(program_id=program_id, kind=kind, last_number=1))
            return 1
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate an item number")


def item_by_number(*, session: Session, program_id: int, kind: str, number: int) -> Item | None:
    return session.exec(select(Item).where(Item.program_id == program_id, Item.kind == kind,
                                           Item.number == number)).first()


def open_items(*, session: Session, program_id: int, kind: str, owner_id: str | None = None,
               severity: str | None = None) -> list[Item]:
    query = select(Item).where(Item.program_id == program_id, Item.kind == kind, Item.status == "open")
    if owner_id is not None:
        query = query.where(Item.owner_id == owner_id)
    if severity is not None:
        query = query.where(Item.severity == severity)
    return list(session.exec(query.order_by(Item.created_at, Item.number)))


# Built once with bound parameters: composing an agenda runs it for every program in a busy tick.
_OPEN_OF_KINDS = (select(Item).where(Item.program_id == bindparam("program_id"),
                                     Item.kind.in_(bindparam("kinds", expanding=True)), Item.status == "open")
                  .order_by(Item.created_at, Item.number))


def open_items_by_kind(*, session: Session, program_id: int, kinds: tuple[str, ...]) -> dict[str, list[Item]]:
    """The program's open items of each kind, each list ordered as `open_items` orders it (one query)."""
    read = take(session, "raid.open_by_kind", (program_id, kinds))
    if read is not MISSING:
        return read
    found: dict[str, list[Item]] = {kind: [] for kind in kinds}
    for item in session.exec(_OPEN_OF_KINDS, params={"program_id": program_id, "kinds": list(kinds)}):
        found[item.kind].append(item)
    return found


_OPEN_OF_KINDS_OF = (select(*ITEM_COLUMNS).where(Item.program_id.in_(bindparam("program_ids", expanding=True)),
                                        Item.kind.in_(bindparam("kinds", expanding=True)), Item.status == "open")
                     .order_by(Item.created_at, Item.number))


def read_ahead_open_items(*, session: Session, program_ids: list[int], kinds: tuple[str, ...]) -> None:
    """`open_items_by_kind` of each program, read with one query and left for it to take (storage.read_ahead),
    as read-only rows (`ItemRow`): what reads ahead only composes."""
    found: dict[int, dict[str, list[Item]]] = {program_id: {kind: [] for kind in kinds} for program_id in program_ids}
    for item in map(ItemRow._make, session.exec(_OPEN_OF_KINDS_OF, params={"program_ids": sorted(found) or [0],
                                                                      "kinds": list(kinds)})):
        found[item.program_id][item.kind].append(item)
    for program_id, items in found.items():
        stash(session, "raid.open_by_kind", (program_id, kinds), items)


_OPEN_ROWS_OF = (select(*ITEM_COLUMNS).where(Item.program_id.in_(bindparam("program_ids", expanding=True)),
                                            Item.status == "open").order_by(Item.created_at, Item.id))


def open_rows_of(*, session: Session, program_ids: list[int]) -> list[ItemRow]:
    """`open_items_of` as read-only rows (`ItemRow`), for what only shows them across many programs."""
    return list(map(ItemRow._make, session.exec(_OPEN_ROWS_OF, params={"program_ids": program_ids or [0]})))


def open_items_of(*, session: Session, program_ids: list[int]) -> list[Item]:
    """Every open item of these programs, oldest first (one query)."""
    return list(session.exec(select(Item).where(Item.program_id.in_(program_ids or [0]), Item.status == "open")
                             .order_by(Item.created_at, Item.id)))


def record_event(*, session: Session, item: Item, actor_id: str, action: str, changes: dict, at: datetime) -> None:
    session.add(ItemEvent(item_id=item.id, actor_id=actor_id, action=action, changes=changes, at=at))


def history(*, session: Session, item_id: int) -> list[ItemEvent]:
    return list(session.exec(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.at, ItemEvent.id)))


def item_by_inbox(*, session: Session, inbox_id: str) -> Item | None:
    return session.exec(select(Item).where(Item.inbox_id == inbox_id)).first()


def records(*, session: Session, program_id: int, kind: str, owner_id: str | None = None, severity: str | None = None,
            overdue_at: datetime | None = None, words: tuple[str, ...] = (), include_closed: bool = False,
            limit: int = 500) -> list[Item]:
    """A kind's records in a program, oldest first: open ones unless ``include_closed``; by owner, by
    severity, past their due date at ``overdue_at``, or with every one of ``words`` in the title, details
    or note (case-insensitive)."""
    query = select(Item).where(Item.program_id == program_id, Item.kind == kind)
    if not include_closed:
        query = query.where(Item.status == "open")
    if owner_id is not None:
        query = query.where(Item.owner_id == owner_id)
    if severity is not None:
        query = query.where(Item.severity == severity)
    if overdue_at is not None:
        query = query.where(Item.due_at.is_not(None), Item.due_at < overdue_at)
    for word in words:
        pattern = f"%{word.lower()}%"
        query = query.where(func.lower(Item.title).like(pattern) | func.lower(Item.close_note).like(pattern)
                            | func.lower(cast(Item.details, String)).like(pattern))
    return list(session.exec(query.order_by(Item.created_at, Item.number).limit(limit)))


def set_message(*, session: Session, item_id: int, channel: str, ts: str) -> None:
    """Where the record's canonical message landed, unless already known."""
    session.exec(update(Item).where(Item.id == item_id, Item.message_ts.is_(None))
                 .values(message_channel=channel, message_ts=ts))


def due_between(*, session: Session, kinds: tuple[str, ...], start: datetime, end: datetime) -> list[tuple[Item, str, str]]:
    """Open records of ``kinds`` due in (start, end], with their program's and their owner's timezone (the
    owner's is empty when the bot has never seen them). One query, oldest due first."""
    from storage.models import Member, Program

    query = (select(Item, Program.timezone, Member.timezone)
             .join(Program, Program.id == Item.program_id)
             .outerjoin(Member, (Member.team_id == Program.team_id) & (Member.user_id == Item.owner_id))
             .where(Item.kind.in_(kinds), Item.status == "open", Item.due_at > start, Item.due_at <= end,
)
             .order_by(Item.due_at, Item.id))
    return [(item, program_tz, owner_tz or "") for item, program_tz, owner_tz in session.exec(query)]


def _in_window(start: datetime, end: datetime):
    """Closed in [start, end), or open and due in [start, end)."""
    return or_(and_(Item.closed_at >= start, Item.closed_at < end),
               and_(Item.status == "open", Item.due_at >= start, Item.due_at < end))


def sprint_items(*, session: Session, program_id: int, start: datetime, end: datetime) -> list[Item]:
    """Records of every kind (a milestone's forecast is its ``due_at`` too) that closed in [start, end) or are
    open and due in it: a sprint's, for a planning or retro agenda. One query, by key."""
    read = take(session, "raid.sprint_items", (program_id, start, end))
    if read is not MISSING:
        return read
    return list(session.exec(select(Item).where(Item.program_id == program_id, _in_window(start, end))
                             .order_by(Item.kind, Item.number)))


def read_ahead_sprint_items(*, session: Session, windows: list[tuple[int, datetime, datetime]]) -> None:
    """`sprint_items` for each (program id, start, end), read with one query (storage.read_ahead)."""
    windows = sorted(set(windows))
    if not windows:
        return
    found: dict[tuple[int, datetime, datetime], list[Item]] = {window: [] for window in windows}
    query = select(Item).where(or_(*[and_(Item.program_id == p, _in_window(s, e)) for p, s, e in windows]))
    for item in session.exec(query.order_by(Item.kind, Item.number)):
        for program_id, start, end in windows:
            closed_in = item.closed_at is not None and start <= item.closed_at < end
            due_in = item.is_open and item.due_at is not None and start <= item.due_at < end
            if item.program_id == program_id and (closed_in or due_in):
                found[(program_id, start, end)].append(item)
    for window, items in found.items():
        stash(session, "raid.sprint_items", window, items)
