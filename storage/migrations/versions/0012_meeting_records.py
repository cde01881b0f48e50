"""Meetings on the record core: every action item and decision becomes a record (`raid_item`, kinds
`action` and `decision`) with its key, history and counter; agendas' carry-over lists follow the new
ids; the old `action_item` and `decision` tables go

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02

Each row keeps its program and number (`A-3` stays `A-3`, `DEC-2` stays `DEC-2`); what the record table
has no column for is kept in ``details``: the agenda it was recorded in (`agenda_id`, which is how an
agenda finds the records of its meeting), where it was said (`source`: channel and ts) and the old row's
id (`action_item_id` / `decision_id`: agenda messages posted before the upgrade carry it on their Done
buttons, and the button finds the record by it). Each record gets a "created" history row, a done
action a "done" one too. A number already taken by a record of the same kind (an `/action` run on the
record core before this upgrade shares the counter, so this should not happen) moves to the next free
number, the old key kept in ``details.renumbered_from``. The counters end at least at the highest
number: keys are never reused.

Downgrade is not supported: it raises. Records made or changed after the upgrade (cancelled actions,
pending decisions, reassignments, rationales) have nowhere to go in the old tables; restore the backup
taken before upgrading instead.
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None

UTC = storage.types.UTCDateTime(timezone=True)
JSON = storage.types.JSONDoc
TITLE_MAX = 500

raid_item = sa.table(
    'raid_item', sa.column('id', sa.Integer), sa.column('program_id', sa.Integer), sa.column('kind', sa.String),
    sa.column('number', sa.Integer), sa.column('key', sa.String), sa.column('title', sa.String),
    sa.column('owner_id', sa.String), sa.column('reporter_id', sa.String), sa.column('status', sa.String),
    sa.column('severity', sa.String), sa.column('probability', sa.Integer), sa.column('impact', sa.Integer),
    sa.column('mitigation', sa.String), sa.column('due_at', UTC), sa.column('review_at', UTC),
    sa.column('source_link', sa.String), sa.column('message_channel', sa.String), sa.column('message_ts', sa.String),
    sa.column('close_note', sa.String), sa.column('closed_by', sa.String), sa.column('details', JSON),
    sa.column('version', sa.Integer), sa.column('inbox_id', sa.String), sa.column('snoozed_until', UTC),
    sa.column('created_at', UTC), sa.column('updated_at', UTC), sa.column('closed_at', UTC))
raid_item_event = sa.table(
    'raid_item_event', sa.column('item_id', sa.Integer), sa.column('actor_id', sa.String),
    sa.column('action', sa.String), sa.column('changes', JSON), sa.column('at', UTC))
item_counter = sa.table('item_counter', sa.column('program_id', sa.Integer), sa.column('kind', sa.String),
                        sa.column('last_number', sa.Integer))
agenda = sa.table('agenda', sa.column('id', sa.Integer), sa.column('covered', JSON))
action_item = sa.table(
    'action_item', sa.column('id', sa.Integer), sa.column('program_id', sa.Integer), sa.column('number', sa.Integer),
    sa.column('text', sa.String), sa.column('owner_id', sa.String), sa.column('due_at', UTC),
    sa.column('status', sa.String), sa.column('agenda_id', sa.Integer), sa.column('source_channel', sa.String),
    sa.column('source_ts', sa.String), sa.column('created_by', sa.String), sa.column('created_at', UTC),
    sa.column('done_by', sa.String), sa.column('done_at', UTC))
decision = sa.table(
    'decision', sa.column('id', sa.Integer), sa.column('program_id', sa.Integer), sa.column('number', sa.Integer),
    sa.column('text', sa.String), sa.column('decided_by', sa.String), sa.column('decided_at', UTC),
    sa.column('agenda_id', sa.Integer), sa.column('source_channel', sa.String), sa.column('source_ts', sa.String))

BLANK = {"severity": None, "probability": None, "impact": None, "mitigation": "", "review_at": None,
         "source_link": "", "message_channel": None, "message_ts": None, "close_note": "", "inbox_id": None,
         "snoozed_until": None}


def _clip(text: str) -> str:
    text = text or ""
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _details(row, old_id_name: str) -> dict:
    details = {old_id_name: row.id}
    if row.agenda_id is not None:
        details["agenda_id"] = row.agenda_id
    if row.source_channel or row.source_ts:
        details["source"] = {"channel": row.source_channel, "ts": row.source_ts}
    return details


class _Numbers:
    """The numbers a kind already uses in each program, and the next free one."""

    def __init__(self, bind, kind: str, counters: dict):
        self.kind, self.counters = kind, counters
        self.taken: dict[int, set[int]] = {}
        for program_id, number in bind.execute(sa.select(raid_item.c.program_id, raid_item.c.number)
                                               .where(raid_item.c.kind == kind)):
            self.taken.setdefault(program_id, set()).add(number)

    def claim(self, program_id: int, number: int) -> int:
        taken = self.taken.setdefault(program_id, set())
        if number in taken:
            number = max([*taken, self.counters.get((program_id, self.kind), 0)]) + 1
        taken.add(number)
        return number

    def highest(self) -> dict[int, int]:
        return {program_id: max(numbers) for program_id, numbers in self.taken.items() if numbers}


def _action_rows(bind, numbers: _Numbers, prefix: str) -> list[tuple[int, dict]]:
    rows = []
    for row in bind.execute(sa.select(action_item).order_by(action_item.c.id)):
        number = numbers.claim(row.program_id, row.number)
        details = _details(row, "action_item_id")
        if number != row.number:
            details["renumbered_from"] = f"{prefix}-{row.number}"
        done = row.status == "done"
        closed_at = (row.done_at or row.created_at) if done else None
        rows.append((row.id, {
            **BLANK, "program_id": row.program_id, "kind": "action", "number": number, "key": f"{prefix}-{number}",
            "title": _clip(row.text), "owner_id": row.owner_id, "reporter_id": row.created_by,
            "status": "done" if done else "open", "due_at": row.due_at, "closed_by": (row.done_by or row.owner_id)
            if done else None, "details": details, "version": 1 if done else 0, "created_at": row.created_at,
            "updated_at": closed_at or row.created_at, "closed_at": closed_at}))
    return rows


def _decision_rows(bind, numbers: _Numbers, prefix: str) -> list[tuple[int, dict]]:
    rows = []
    for row in bind.execute(sa.select(decision).order_by(decision.c.id)):
        number = numbers.claim(row.program_id, row.number)
        details = {**_details(row, "decision_id"), "deciders": [row.decided_by]}
        if number != row.number:
            details["renumbered_from"] = f"{prefix}-{row.number}"
        if len(row.text or "") > TITLE_MAX:  # the record's title is shorter than a decision's text was
            details["outcome"] = row.text
        rows.append((row.id, {
            **BLANK, "program_id": row.program_id, "kind": "decision", "number": number,
            "key": f"{prefix}-{number}", "title": _clip(row.text), "owner_id": row.decided_by,
            "reporter_id": row.decided_by, "status": "decided", "due_at": None, "closed_by": row.decided_by,
            "details": details, "version": 0, "created_at": row.decided_at, "updated_at": row.decided_at,
            "closed_at": row.decided_at}))
    return rows


def _insert(bind, kind: str, rows: list[tuple[int, dict]]) -> dict[int, int]:
    """Insert the records; returns old row id -> new record id."""
    if not rows:
        return {}
    bind.execute(sa.insert(raid_item), [values for _, values in rows])
    new_ids = {(program_id, number): item_id for item_id, program_id, number in bind.execute(
        sa.select(raid_item.c.id, raid_item.c.program_id, raid_item.c.number).where(raid_item.c.kind == kind))}
    return {old_id: new_ids[(values["program_id"], values["number"])] for old_id, values in rows}


def _history(bind, rows: list[tuple[int, dict]], ids: dict[int, int], snapshot) -> None:
    events = []
    for old_id, values in rows:
        item_id = ids[old_id]
        events.append({"item_id": item_id, "actor_id": values["reporter_id"], "action": "created",
                       "changes": {**snapshot(values), "migrated_from": f"{values['kind']} #{old_id}"},
                       "at": values["created_at"]})
        if values["kind"] == "action" and values["status"] == "done":
            events.append({"item_id": item_id, "actor_id": values["closed_by"], "action": "done",
                           "changes": {"status": ["open", "done"], "note": ""}, "at": values["closed_at"]})
    if events:
        bind.execute(sa.insert(raid_item_event), events)


def _iso(value):
    return value.isoformat() if value is not None else None


def _counters(bind, kind: str, highest: dict[int, int], counters: dict) -> None:
    for program_id, number in highest.items():
        current = counters.get((program_id, kind))
        if current is None:
            bind.execute(sa.insert(item_counter).values(program_id=program_id, kind=kind, last_number=number))
        elif current < number:
            bind.execute(sa.update(item_counter).where(item_counter.c.program_id == program_id,
                                                       item_counter.c.kind == kind).values(last_number=number))


def _remap_covered(bind, ids: dict[int, int]) -> None:
    for agenda_id, covered in bind.execute(sa.select(agenda.c.id, agenda.c.covered)).all():
        listed = (covered or {}).get("actions")
        if not listed:
            continue
        moved = [ids[old] for old in listed if old in ids]
        bind.execute(sa.update(agenda).where(agenda.c.id == agenda_id).values(covered={**covered, "actions": moved}))


def upgrade() -> None:
    bind = op.get_bind()
    counters = {(p, k): n for p, k, n in bind.execute(
        sa.select(item_counter.c.program_id, item_counter.c.kind, item_counter.c.last_number))}
    action_numbers, decision_numbers = _Numbers(bind, "action", counters), _Numbers(bind, "decision", counters)
    actions = _action_rows(bind, action_numbers, "A")
    decisions = _decision_rows(bind, decision_numbers, "DEC")
    action_ids = _insert(bind, "action", actions)
    decision_ids = _insert(bind, "decision", decisions)
    _history(bind, actions, action_ids, lambda v: {"title": v["title"], "owner": v["owner_id"],
                                                   "due": _iso(v["due_at"])})
    _history(bind, decisions, decision_ids, lambda v: {"title": v["title"], "rationale": "",
                                                       "owner": v["owner_id"]})
    _counters(bind, "action", action_numbers.highest(), counters)
    _counters(bind, "decision", decision_numbers.highest(), counters)
    _remap_covered(bind, action_ids)

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_agenda_id'))
    op.drop_table('decision')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_action_open')
        batch_op.drop_index(batch_op.f('ix_action_item_agenda_id'))
    op.drop_table('action_item')


def downgrade() -> None:
    raise NotImplementedError(
        "0012 moved action items and decisions onto the record core and dropped their tables; records made or "
        "changed since have no place in the old tables. Restore the database backup taken before the upgrade.")

