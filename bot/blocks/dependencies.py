"""Blocks for dependencies (`D-n`): the card the side it is asked of gets (Accept / Propose another date /
Decline, then Deliver), the card the requester gets when a date is proposed instead (Accept / Decline),
the two modals, and `/dep list`. The provider's card shows only what the requester wrote: the title,
the dates and who asked — never the requesting program's other records."""

from __future__ import annotations

import json

from bot.blocks.kit import context, plain_text, section
from bot.blocks.records import actions, button
from bot.blocks.text import deadline, mrkdwn, slack_date
from bot.records.kinds.dependency import STATE_ICON, State, asked_of_text, instant, state_of
from storage.models import Program
from storage.raid_models import Item

# Element ids: dependency.<surface>.<element>
CARD_ACCEPT = "dependency.card.accept"
CARD_COUNTER = "dependency.card.counter"
CARD_DECLINE = "dependency.card.decline"
CARD_DELIVER = "dependency.card.deliver"
ASK_ACCEPT = "dependency.ask.accept"
ASK_DECLINE = "dependency.ask.decline"
COUNTER_MODAL = "dependency.modal.counter"
DECLINE_MODAL = "dependency.modal.decline"
DATE_BLOCK, DATE_INPUT = "dependency.modal.date", "dependency.modal.date.input"
NOTE_BLOCK, NOTE_INPUT = "dependency.modal.note", "dependency.modal.note.input"
REASON_BLOCK, REASON_INPUT = "dependency.modal.reason", "dependency.modal.reason.input"
MAX_LIST = 40


def _dates(item: Item, tz: str) -> list[str]:
    lines, days = [], (item.details or {}).get("days")
    if requested := instant(item, "requested"):
        lines.append(f"*Needed by*\n{deadline(requested, tz, days)}")
    if committed := instant(item, "committed"):
        lines.append(f"*Committed for*\n{deadline(committed, tz, days)}")
    if state_of(item) == State.COUNTERED and (proposed := instant(item, "proposed")):
        lines.append(f"*Proposed instead*\n{deadline(proposed, tz, days)}")
    return lines


def _state_line(item: Item, tz: str) -> str:
    state = state_of(item)
    line = f"{STATE_ICON[state]} *{state.value.capitalize()}*"
    if item.closed_by and item.status != "open":
        line += f" by <@{item.closed_by}>"
        if item.closed_at:
            line += f" {slack_date(item.closed_at, tz)}"
    if item.close_note and item.status != "open":
        line += f" — {mrkdwn(item.close_note, 400)}"
    return line


def provider_card(item: Item, requester: Program, tz: str) -> tuple[str, list[dict]]:
    """The card at the side it is asked of: what was asked, by whom, by when, and its buttons."""
    intro = (f":inbox_tray: <@{item.reporter_id}> ({mrkdwn(requester.name, 80)}) asks {asked_of_text(item)} "
             f"for *{item.key}*:")
    blocks = [section(intro), section(mrkdwn(item.title, 2900)),
              section(fields=[f"*State*\n{_state_line(item, tz)}", *_dates(item, tz)])]
    value, state = str(item.id), state_of(item)
    if state == State.REQUESTED:
        blocks.append(actions(f"dependency.card.actions.{item.id}", [
            button("Accept", CARD_ACCEPT, value, style="primary"), button("Propose another date", CARD_COUNTER, value),
            button("Decline", CARD_DECLINE, value, style="danger")]))
    elif state == State.ACCEPTED:
        blocks.append(actions(f"dependency.card.actions.{item.id}", [
            button("Delivered", CARD_DELIVER, value, style="primary"),
            button("Propose another date", CARD_COUNTER, value), button("Decline", CARD_DECLINE, value, style="danger")]))
    elif state == State.COUNTERED:
        blocks.append(context(f"Waiting for <@{item.owner_id}> to answer the date you proposed."))
    text = mrkdwn(f"{requester.name} asks for {item.key}: {item.title}", 3000)
    return text, blocks


def requester_card(item: Item, program: Program, tz: str) -> tuple[str, list[dict]]:
    """The card at the side that asked, once the other side has answered: a proposed date's buttons."""
    state = state_of(item)
    intro = f":outbox_tray: {asked_of_text(item)} answered your dependency *{item.key}*:"
    blocks = [section(intro), section(mrkdwn(item.title, 2900)),
              section(fields=[f"*State*\n{_state_line(item, tz)}", *_dates(item, tz)])]
    if state == State.COUNTERED:
        if note := (item.details or {}).get("proposed_note"):
            blocks.append(context(f"Their note: {mrkdwn(note, 1000)}"))
        blocks.append(actions(f"dependency.ask.actions.{item.id}", [
            button("Accept the new date", ASK_ACCEPT, str(item.id), style="primary"),
            button("Decline it", ASK_DECLINE, str(item.id))]))
    text = mrkdwn(f"{item.key} is {state.value}: {item.title}", 3000)
    return text, blocks


def notice(text: str) -> list[dict]:
    return [section(text)]


def counter_modal(item: Item, tz: str) -> dict:
    return {"type": "modal", "callback_id": COUNTER_MODAL, "private_metadata": json.dumps({"item_id": item.id}),
            "title": plain_text("Propose another date"), "submit": plain_text("Propose"),
            "close": plain_text("Cancel"),
            "blocks": [section(f"*{item.key}*: {mrkdwn(item.title, 2800)}"),
                       {"type": "input", "block_id": DATE_BLOCK, "label": plain_text("The date you can commit to"),
                        "element": {"type": "datepicker", "action_id": DATE_INPUT}},
                       {"type": "input", "block_id": NOTE_BLOCK, "label": plain_text("Note"), "optional": True,
                        "element": {"type": "plain_text_input", "action_id": NOTE_INPUT, "multiline": True,
                                    "max_length": 1000}}]}


def decline_modal(item: Item) -> dict:
    return {"type": "modal", "callback_id": DECLINE_MODAL, "private_metadata": json.dumps({"item_id": item.id}),
            "title": plain_text("Decline"), "submit": plain_text("Decline"), "close": plain_text("Cancel"),
            "blocks": [section(f"*{item.key}*: {mrkdwn(item.title, 2800)}"),
                       {"type": "input", "block_id": REASON_BLOCK, "label": plain_text("Why can't you provide it?"),
                        "element": {"type": "plain_text_input", "action_id": REASON_INPUT, "multiline": True,
                                    "max_length": 1000}}]}


def dependency_line(item: Item, program: Program, tz: str, incoming: bool) -> str:
    state = state_of(item)
    at = instant(item, "committed") or instant(item, "requested") or item.due_at
    who = f"asked by {mrkdwn(program.name, 80)} (<@{item.reporter_id}>)" if incoming else f"from {asked_of_text(item)}"
    return (f"{STATE_ICON[state]} *{item.key}* {mrkdwn(item.title, 200)} — {who}, {state.value}, "
            f"{'committed for' if instant(item, 'committed') else 'needed by'} "
            f"{deadline(at, tz, (item.details or {}).get('days'))}")


def dependency_list(incoming: list[tuple[Item, Program]], outgoing: list[tuple[Item, Program]], tz: str,
                    show_in: bool, show_out: bool) -> list[dict]:
    blocks = []
    for shown, heading, rows, is_in in ((show_in, "Asked of us", incoming, True),
                                        (show_out, "We asked", outgoing, False)):
        if not shown:
            continue
        if not rows:
            blocks.append(section(f"*{heading}*: none."))
            continue
        blocks.append(section(f"*{heading}* ({len(rows)})"))
        lines = [dependency_line(item, program, tz, is_in) for item, program in rows[:MAX_LIST]]
        for start in range(0, len(lines), 10):
            blocks.append(section("\n".join(lines[start:start + 10])[:3000]))
        if len(rows) > MAX_LIST:
            blocks.append(context(f"…and {len(rows) - MAX_LIST} more."))
    return blocks


REQUEST_MODAL = "dependency.modal.request"
WHAT_BLOCK, WHAT_INPUT = "dependency.modal.what", "dependency.modal.what.input"
PERSON_BLOCK, PERSON_INPUT = "dependency.modal.person", "dependency.modal.person.input"
CHANNEL_BLOCK, CHANNEL_INPUT = "dependency.modal.channel", "dependency.modal.channel.input"
BY_BLOCK, BY_INPUT = "dependency.modal.by", "dependency.modal.by.input"
MILESTONE_BLOCK, MILESTONE_INPUT = "dependency.modal.milestone", "dependency.modal.milestone.input"


def request_modal(channel_id: str) -> dict:
    """`/dep` with no text: what is needed, from a person or a program's channel, by when, for which milestone."""
    def field(block_id: str, label: str, element: dict, optional: bool = False, hint: str = "") -> dict:
        block = {"type": "input", "block_id": block_id, "label": plain_text(label), "element": element,
                 "optional": optional}
        if hint:
            block["hint"] = plain_text(hint)
        return block

    return {"type": "modal", "callback_id": REQUEST_MODAL, "private_metadata": json.dumps({"channel_id": channel_id}),
            "title": plain_text("Ask for a dependency"), "submit": plain_text("Ask"), "close": plain_text("Cancel"),
            "blocks": [
                field(WHAT_BLOCK, "What do you need?", {"type": "plain_text_input", "action_id": WHAT_INPUT,
                                                        "multiline": True, "max_length": 500}),
                field(PERSON_BLOCK, "From a person", {"type": "users_select", "action_id": PERSON_INPUT}, True),
                field(CHANNEL_BLOCK, "…or from a program, by its channel",
                      {"type": "conversations_select", "action_id": CHANNEL_INPUT}, True,
                      "Its leads get the request. Pick a person or a channel, not both."),
                field(BY_BLOCK, "Needed by", {"type": "datepicker", "action_id": BY_INPUT}),
                field(MILESTONE_BLOCK, "For milestone", {"type": "plain_text_input", "action_id": MILESTONE_INPUT,
                                                         "max_length": 12, "placeholder": plain_text("M-2")}, True),
            ]}


SHORT_LIST = 5  # a digest's or an agenda's Dependencies part: at most this many lines each way
SHORT_MAX = 3000  # one section's text


def open_dependencies_text(waiting_on: list, asked_of_us: list[tuple[Item, Program]], program: Program,
                           tz: str, limit: int = SHORT_MAX) -> str:
    """The short Dependencies part of a digest or an agenda (one section's mrkdwn): what the program waits
    on and what others asked of it, each line key, what, the other side, state and date (the status
    report's `dependency_line`: of another program's request only what its requester wrote), at most
    SHORT_LIST a side, then "…and N more", within ``limit`` characters."""
    parts = [("We wait on", [(i, program, False) for i in waiting_on]),
             ("Asked of us", [(i, asker, True) for i, asker in asked_of_us])]
    shown = [(heading, rows) for heading, rows in parts if rows]
    room = (limit - len("*Dependencies*")) // max(1, len(shown))
    out = ["*Dependencies*"]
    for heading, rows in shown:
        out.append(_capped_lines(f"*{heading} ({len(rows)})*",
                                 [f"• {dependency_line(item, side, tz, incoming)}" for item, side, incoming
                                  in rows[:SHORT_LIST]], len(rows), room - 1))
    return "\n".join(out)


def _capped_lines(heading: str, lines: list[str], total: int, limit: int) -> str:
    """``heading`` and whole lines within ``limit`` characters, then "…and N more" for the rest of ``total``."""
    text, shown = heading, 0
    for line in lines:
        reserve = len(f"\n_…and {total - shown - 1} more_") if total - shown - 1 else 0
        if len(text) + 1 + len(line) + reserve > limit:
            break
        text, shown = f"{text}\n{line}", shown + 1
    if total > shown:
        text += f"\n_…and {total - shown} more_"
    return text
