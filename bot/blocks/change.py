"""Change requests' own messages: the request each approver gets by DM (Approve / Reject / Ask), the
new-request modal, the Reject and Ask modals, the question posted in the request's thread, and the notice
of a decision to the requester and the informed. User text is escaped here, once."""

from __future__ import annotations

import json

from bot.blocks.kit import context, plain_text, section
from bot.blocks.records import actions, button, record_message
from bot.blocks.text import mrkdwn
from bot.ids import Action, Callback
from bot.records.kinds.change import TYPES, ChangeStatus, describe_moves
from storage.models import Program
from storage.raid_models import Item

NEW = {name: f"change.new.{name}" for name in ("title", "type", "milestone", "date", "cost", "scope")}
NEW_INPUT = "change.new.input"
REASON_BLOCK, QUESTION_BLOCK, TEXT_INPUT = "change.reject.reason", "change.ask.question", "change.modal.text"


def _summary_line(item: Item) -> str:
    return f"*{item.key}* {mrkdwn(item.title, 300)}"


def approval_request(item: Item, program: Program) -> tuple[str, list[dict]]:
    """The DM an approver gets: who asks, the request as it stands, and the three buttons."""
    value = str(item.id)
    intro = (f"<@{item.owner_id}> asks you to approve change request {_summary_line(item)} in "
             f"{mrkdwn(program.name, 200)}.")
    blocks = [section(intro), *record_message(item, program.timezone)[:2],
              actions(f"change.request.actions.{item.id}", [
                  button("Approve", Action.CHANGE_APPROVE.value, value, style="primary"),
                  button("Reject", Action.CHANGE_REJECT.value, value, style="danger"),
                  button("Ask", Action.CHANGE_ASK.value, value)])]
    return mrkdwn(f"Approve change request {item.key}: {item.title}?", 3000), blocks


def decided_notice(item: Item) -> str:
    """To the requester and the informed: what was decided, by whom, and what it changed."""
    votes = (item.details or {}).get("votes") or []
    if item.status == ChangeStatus.APPROVED:
        by = ", ".join(f"<@{v['by']}>" for v in votes if v["vote"] == "approve")
        moves = describe_moves(item)
        applied = f" Applied: {moves} (the new baseline)." if moves else ""
        return f":white_check_mark: Change request {_summary_line(item)} was approved by {by}.{applied}"
    reason = f" — {mrkdwn(item.close_note, 500)}" if item.close_note else ""
    return f":x: Change request {_summary_line(item)} was rejected by <@{item.closed_by}>{reason}."


def vote_reply(item: Item, vote: str, waiting: str) -> str:
    if item.status == ChangeStatus.APPROVED:
        moves = describe_moves(item)
        return f":white_check_mark: {item.key} is approved." + (f" {moves} applied." if moves else "")
    if item.status == ChangeStatus.REJECTED:
        return f":x: {item.key} is rejected."
    said = "approved" if vote == "approve" else "rejected"
    return f":white_check_mark: You {said} {item.key}." + (f" Still waiting on {waiting}." if waiting else "")


def question_post(item: Item, asker: str, question: str) -> str:
    return f":question: <@{asker}> asks <@{item.owner_id}> about {item.key}: {mrkdwn(question, 2500)}\n" \
           f"_Answer here in the thread._"


def _text_modal(callback: str, title: str, block: str, label: str, item: Item, submit: str) -> dict:
    return {"type": "modal", "callback_id": callback, "title": plain_text(title), "submit": plain_text(submit),
            "close": plain_text("Cancel"), "private_metadata": json.dumps({"item_id": item.id}),
            "blocks": [section(_summary_line(item)),
                       {"type": "input", "block_id": block, "label": plain_text(label),
                        "element": {"type": "plain_text_input", "action_id": TEXT_INPUT, "multiline": True,
                                    "max_length": 1000 if callback == Callback.CHANGE_REJECT.value else 2000}}]}


def reject_modal(item: Item) -> dict:
    return _text_modal(Callback.CHANGE_REJECT.value, f"Reject {item.key}"[:24], REASON_BLOCK, "Why do you reject it?",
                       item, "Reject")


def ask_modal(item: Item) -> dict:
    return _text_modal(Callback.CHANGE_ASK.value, f"Ask about {item.key}"[:24], QUESTION_BLOCK,
                       "Your question (posted in its thread)", item, "Ask")


def _new_input(name: str, label: str, element: dict, optional: bool = True, hint: str = "") -> dict:
    block = {"type": "input", "block_id": NEW[name], "optional": optional, "label": plain_text(label),
             "element": {"action_id": NEW_INPUT, **element}}
    if hint:
        block["hint"] = plain_text(hint)
    return block


def new_change_modal(channel_id: str, milestones: list[Item]) -> dict:
    """The new-request form: what and why, its type, optionally a milestone and its new date, cost, scope."""
    types = [{"text": plain_text(t.capitalize()), "value": t} for t in TYPES]
    blocks = [
        _new_input("title", "What changes, and why?", {"type": "plain_text_input", "max_length": 200}, optional=False),
        _new_input("type", "Type", {"type": "static_select", "options": types, "initial_option": types[1]},
                   optional=False),
    ]
    if milestones:
        options = [{"text": plain_text(f"{m.key} {m.title}"[:75]), "value": m.key} for m in milestones[:100]]
        blocks.append(_new_input("milestone", "Milestone it moves", {"type": "static_select", "options": options}))
        blocks.append(_new_input("date", "Its new date", {"type": "datepicker"}))
    blocks += [
        _new_input("cost", "Cost", {"type": "plain_text_input", "max_length": 40,
                                    "placeholder": plain_text("12000")}),
        _new_input("scope", "Scope change (in words)", {"type": "plain_text_input", "multiline": True,
                                                        "max_length": 2000}),
        context("Sent to the program's approvers when you submit it."),
    ]
    return {"type": "modal", "callback_id": Callback.CHANGE_NEW.value, "title": plain_text("New change request"),
            "submit": plain_text("Send"), "close": plain_text("Cancel"),
            "private_metadata": json.dumps({"channel_id": channel_id}), "blocks": blocks}
