"""Blocks for every kind of record: the canonical message, the author's confirmation, lists, `show`
with history, the modal built from the kind's fields, and the DM to a new owner. A kind shapes them
only through its spec's hooks (icon, facts, suffix, understood)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.blocks.kit import context, plain_text, section
from bot.blocks.text import deadline, mrkdwn, slack_date
from bot.ids import Action
from bot.records.registry import spec_of
from bot.records.spec import OPEN, FieldSpec, KindSpec
from bot.services.raid import describe_age
from bot.services.timezones import zone
from storage.raid_models import Item, ItemEvent

MAX_LIST = 40
ITEM_SNOOZE = {"1d": "1 day", "3d": "3 days", "1w": "1 week"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    block = {"type": "button", "action_id": action_id, "text": plain_text(text), "value": value}
    if style:
        block["style"] = style
    return block


def actions(block_id: str, elements: list[dict]) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": elements}


def fact_value(item: Item, value: str, tz: str) -> str:
    """A fact as the spec gave it: `date:<attr>`, `text:<attr>` (user text, escaped) or ready mrkdwn."""
    how, _, attr = value.partition(":")
    if how == "date" and attr:
        at = getattr(item, attr)
        return deadline(at, tz, (item.details or {}).get("days")) if at else "none"
    if how == "text" and attr:
        raw = (item.details or {}).get(attr.split(".", 1)[1], "") if attr.startswith("details.") else getattr(item, attr)
        return mrkdwn(str(raw or ""), 1800)
    return value


def status_line(item: Item, tz: str) -> str:
    spec = spec_of(item)
    if item.status == OPEN:
        return f"*{spec.open_label}*"
    who = f" by <@{item.closed_by}>" if item.closed_by else ""
    when = f" {slack_date(item.closed_at, tz)}" if item.closed_at else ""
    note = f" — {mrkdwn(item.close_note, 400)}" if item.close_note else ""
    return f"*{spec.status_label(item.status).capitalize()}*{who}{when}{note}"


def headline(item: Item, limit: int = 3000) -> str:
    spec = spec_of(item)
    return f"*{spec.label} {item.key}*: " + mrkdwn(item.title, limit - len(spec.label) - len(item.key) - 6)


def summary(item: Item, title_limit: int = 300) -> str:
    spec = spec_of(item)
    return f"{spec.icon(item)} *{item.key}* {mrkdwn(item.title, title_limit)}{spec.suffix(item)}"


def record_text(item: Item) -> str:
    """The message's top-level text: escaped like its blocks (Slack parses it for mentions too)."""
    return mrkdwn(f"{spec_of(item).label} {item.key}: {item.title}", 3000)


def record_buttons(item: Item) -> dict:
    spec, value = spec_of(item), str(item.id)
    if item.status != OPEN:
        return actions(f"raid.message.actions.{item.id}",
                       [button("Reopen", Action.RAID_REOPEN.value, value)])
    first, *others = spec.closings
    elements = [button(first.label, Action.RAID_RESOLVE.value, value, style="primary")]
    elements += [button(c.label, f"{Action.RECORD_CLOSE.value}.{c.verb}", f"{item.id}:{c.verb}") for c in others]
    elements.append(button("Edit", Action.RAID_EDIT.value, value))
    elements.append({"type": "users_select", "action_id": Action.RAID_REASSIGN.value,
                     "placeholder": {"type": "plain_text", "text": "Reassign…"}})
    if spec.snoozable:
        elements.append({"type": "static_select", "action_id": Action.RAID_SNOOZE.value,
                         "placeholder": {"type": "plain_text", "text": "Snooze…"},
                         "options": [{"text": {"type": "plain_text", "text": label}, "value": key}
                                     for key, label in ITEM_SNOOZE.items()]})
    return actions(f"raid.message.actions.{item.id}", elements)


def record_message(item: Item, tz: str) -> list[dict]:
    spec = spec_of(item)
    fields = [f"*{spec.owner_label}*\n<@{item.owner_id}>", f"*Status*\n{status_line(item, tz)}"]
    fields += [f"*{label}*\n{fact_value(item, value, tz)}" for label, value in spec.facts(item, tz)]
    top = {"type": "section", "text": {"type": "mrkdwn", "text": headline(item)},
           "fields": [{"type": "mrkdwn", "text": text[:2000]} for text in fields[:10]]}
    notes = [f"Reported by <@{item.reporter_id}>"]
    if item.source_link:
        notes.append(f"<{item.source_link}|source message>")
    if item.status == OPEN and item.snoozed_until is not None:
        held = "escalation" if spec.escalates else "reminders"
        notes.append(f":zzz: {held} snoozed until {slack_date(item.snoozed_until, tz)}")
    if item.status != OPEN and not spec.reopenable:
        return [top, context(" · ".join(notes))]
    return [top, context(" · ".join(notes)), record_buttons(item)]


def created_reply(item: Item, when) -> str:
    spec = spec_of(item)
    details = spec.understood(item, when)
    return (f":white_check_mark: Logged {spec.label.lower()} *{item.key}* — {spec.owner_label.lower()} "
            f"<@{item.owner_id}>{', ' + details if details else ''}.")


def changed_reply(item: Item, what: str) -> str:
    return f":white_check_mark: {item.key} {what}."


def owner_notice(item: Item, tz: str, assigned_by: str) -> tuple[str, list[dict]]:
    """The DM a new owner gets: who gave it to them, then the record with its buttons."""
    spec = spec_of(item)
    intro = f"<@{assigned_by}> made you the {spec.owner_label.lower()} of {spec.label.lower()} *{item.key}*."
    return mrkdwn(f"You now own {spec.label.lower()} {item.key}: {item.title}", 3000), \
        [section(intro), *record_message(item, tz)]


def record_list(spec: KindSpec, items: list[Item], now: datetime, heading: str) -> list[dict]:
    if not items:
        return [section(f"{mrkdwn(heading)}: none. :tada:")]
    rows = [f"{summary(i, 200)} — <@{i.owner_id}>, open {describe_age(i.created_at, now)}"
            if i.status == OPEN else f"{summary(i, 200)} — {spec.status_label(i.status)}" for i in items[:MAX_LIST]]
    blocks = [section(f"*{mrkdwn(heading)}* ({len(items)})")]
    for start in range(0, len(rows), 10):
        blocks.append(section("\n".join(rows[start:start + 10])[:3000]))
    if len(items) > MAX_LIST:
        blocks.append(context(f"…and {len(items) - MAX_LIST} more."))
    return blocks


def _event_line(event: ItemEvent, tz: str) -> str:
    changes = event.changes or {}
    detail = ""
    if event.action == "assigned" and "owner" in changes:
        detail = f" → <@{changes['owner'][1]}>"
    elif event.action == "edited":
        detail = " (" + ", ".join(sorted(changes)) + ")"
    elif changes.get("note"):
        detail = f" — {mrkdwn(str(changes['note']), 200)}"
    return f"• {slack_date(event.at, tz)} <@{event.actor_id}> {event.action}{detail}"


def record_show(item: Item, events: list[ItemEvent], tz: str) -> list[dict]:
    blocks = record_message(item, tz)[:2]
    lines = [_event_line(e, tz) for e in events[-30:]]
    if lines:
        blocks.append(section(("*History*\n" + "\n".join(lines))[:3000]))
    return blocks


def _input(field: FieldSpec, value, tz: str) -> dict:
    a = Action.RAID_INPUT.value
    if field.input in ("text", "long_text"):
        element = {"type": "plain_text_input", "action_id": a, "multiline": field.input == "long_text",
                   "max_length": field.max_length}
        if value:
            element["initial_value"] = str(value)[: field.max_length]
    elif field.input == "user":
        element = {"type": "users_select", "action_id": a}
        if value:
            element["initial_user"] = value
        if field.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": field.placeholder}
    elif field.input == "select":
        options = [{"text": {"type": "plain_text", "text": label}, "value": v} for v, label in field.options]
        element = {"type": "static_select", "action_id": a, "options": options}
        chosen = str(value if value is not None else field.default)
        initial = next((o for o in options if o["value"] == chosen), None)
        if initial:
            element["initial_option"] = initial
    else:  # date
        element = {"type": "datepicker", "action_id": a}
        if value:
            element["initial_date"] = value.astimezone(zone(tz)).date().isoformat() if isinstance(value, datetime) \
                else str(value)
    return {"type": "input", "block_id": field.block_id, "optional": field.optional,
            "label": {"type": "plain_text", "text": field.label}, "element": element}


def record_modal(spec: KindSpec, metadata: dict, tz: str, *, item: Item | None = None,
                 prefill: dict | None = None) -> dict:
    """The kind's modal, built from its fields: empty, prefilled (a message shortcut), or an edit."""
    values = {f.name: f.get(item) for f in spec.fields} if item is not None else dict(prefill or {})
    title = f"Edit {item.key}" if item is not None else f"New {spec.label.lower()}"
    return {"type": "modal", "callback_id": f"{spec.name}.modal",
            "title": {"type": "plain_text", "text": title[:24]},
            "submit": {"type": "plain_text", "text": "Save"}, "close": {"type": "plain_text", "text": "Cancel"},
            "private_metadata": json.dumps(metadata),
            "blocks": [_input(f, values.get(f.name), tz) for f in spec.fields
                       if f.in_modal and (item is None or f.editable)]}
