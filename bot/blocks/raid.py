"""Blocks for blockers and risks: the canonical item message, confirmations, lists and modals."""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, DatePickerElement, InputBlock, MarkdownTextObject, Option,
    PlainTextInputElement, SectionBlock, StaticSelectElement, UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import clip, escape, escape_keeping_mentions
from bot.ids import Action, Callback, RaidBlock
from bot.services.raid import describe_age, risk_matrix
from bot.services.raid_grammar import SEVERITIES
from bot.services.timezones import zone
from storage.raid_models import Item

SEVERITY_ICON = {"low": ":white_circle:", "medium": ":large_yellow_circle:", "high": ":large_orange_circle:",
                 "critical": ":red_circle:"}
MAX_LIST = 40
ITEM_SNOOZE = {"1d": "1 day", "3d": "3 days", "1w": "1 week"}


def local_date(at: datetime | None, tz: str) -> str:
    if at is None:
        return "none"
    local = at.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}"


def _status_line(item: Item) -> str:
    if item.is_open:
        return "*Open*"
    note = f" — {escape(item.close_note)}" if item.close_note else ""
    return clip(f"*{item.status.capitalize()}*{note}", 300)


def item_summary(item: Item) -> str:
    if item.kind == "blocker":
        return f"{SEVERITY_ICON.get(item.severity or '', '')} *{item.key}* {escape_keeping_mentions(item.title)}"
    return f":warning: *{item.key}* {escape_keeping_mentions(item.title)} (score {item.score})"


def build_item_message(item: Item, tz: str) -> list[dict]:
    fields = [MarkdownTextObject(text=f"*Owner*\n<@{item.owner_id}>"), MarkdownTextObject(text=f"*Status*\n{_status_line(item)}")]
    if item.kind == "blocker":
        fields += [MarkdownTextObject(text=f"*Severity*\n{item.severity}"),
                   MarkdownTextObject(text=f"*Due*\n{local_date(item.due_at, tz)}")]
    else:
        fields += [MarkdownTextObject(text=f"*Score*\n{item.score} (P{item.probability} × I{item.impact})"),
                   MarkdownTextObject(text=f"*Review*\n{local_date(item.review_at, tz)}")]
        if item.mitigation:
            fields.append(MarkdownTextObject(text=clip(f"*Mitigation*\n{escape(item.mitigation)}", 1900)))
    kind = "Blocker" if item.kind == "blocker" else "Risk"
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(f"*{kind} {item.key}*: {escape_keeping_mentions(item.title)}", 3000)),
                           fields=fields)]
    context = [f"Reported by <@{item.reporter_id}>"]
    if item.source_link:
        context.append(f"<{item.source_link}|source message>")
    if item.is_open and item.snoozed_until is not None:
        context.append(f":zzz: escalation snoozed until {local_date(item.snoozed_until, tz)}")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))
    value = str(item.id)
    if item.is_open:
        close_label = "Resolve" if item.kind == "blocker" else "Close"
        buttons = [ButtonElement(text=close_label, action_id=Action.RAID_RESOLVE.value, value=value, style="primary"),
                   ButtonElement(text="Edit", action_id=Action.RAID_EDIT.value, value=value),
                   UserSelectElement(action_id=Action.RAID_REASSIGN.value, placeholder="Reassign…"),
                   StaticSelectElement(action_id=Action.RAID_SNOOZE.value, placeholder="Snooze…",
                                       options=[Option(value=key, label=label) for key, label in ITEM_SNOOZE.items()])]
    else:
        buttons = [ButtonElement(text="Reopen", action_id=Action.RAID_REOPEN.value, value=value)]
    blocks.append(ActionsBlock(block_id=f"raid.message.actions.{item.id}", elements=buttons))
    return [b.to_dict() for b in blocks]


def item_text(item: Item) -> str:
    return f"{'Blocker' if item.kind == 'blocker' else 'Risk'} {item.key}: {item.title}"[:3000]


def build_created_reply(item: Item, tz: str, due_text: str | None) -> str:
    owner = f"<@{item.owner_id}>"
    if item.kind == "blocker":
        due = f", due {due_text}" if due_text else ""
        return f":white_check_mark: Logged blocker *{item.key}* — owner {owner}, severity {item.severity}{due}."
    review = f", review {due_text}" if due_text else ""
    return (f":white_check_mark: Logged risk *{item.key}* — owner {owner}, score {item.score} "
            f"(P{item.probability} × I{item.impact}){review}.")


def build_blocker_list(items: list[Item], now: datetime, heading: str) -> list[dict]:
    if not items:
        return [SectionBlock(text=MarkdownTextObject(text=f"{heading}: none open. :tada:")).to_dict()]
    rows = [f"{item_summary(i)} — <@{i.owner_id}>, open {describe_age(i.created_at, now)}" for i in items[:MAX_LIST]]
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"*{heading}* ({len(items)}, oldest first)"))]
    for start in range(0, len(rows), 10):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip("\n".join(rows[start:start + 10]), 3000))))
    if len(items) > MAX_LIST:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(items) - MAX_LIST} more.")]))
    return [b.to_dict() for b in blocks]


def build_risk_list(items: list[Item], heading: str, with_matrix: bool) -> list[dict]:
    if not items:
        return [SectionBlock(text=MarkdownTextObject(text=f"{heading}: none open.")).to_dict()]
    rows = [f"{item_summary(r)} — <@{r.owner_id}>" for r in items[:MAX_LIST]]
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"*{heading}* ({len(items)})"))]
    for start in range(0, len(rows), 10):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip("\n".join(rows[start:start + 10]), 3000))))
    if with_matrix:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=matrix_text(items))))
    return [b.to_dict() for b in blocks]


def matrix_text(items: list[Item]) -> str:
    grid = risk_matrix(items)
    lines = ["```", "impact ↓  probability →", "     1  2  3  4  5"]
    for row_index, row in enumerate(grid):
        lines.append(f"  {5 - row_index}  " + "  ".join(str(n) if n else "·" for n in row))
    lines.append("```")
    return "\n".join(lines)


def _options(values) -> list[Option]:
    return [Option(text=str(v), value=str(v)) for v in values]


def build_item_modal(kind: str, metadata: dict, *, title: str = "", owner: str | None = None,
                     severity: str = "medium", due: str | None = None, probability: int = 3, impact: int = 3,
                     review: str | None = None, mitigation: str = "", editing: str | None = None) -> dict:
    a = Action.RAID_INPUT.value
    blocks = [InputBlock(block_id=RaidBlock.TITLE.value, label="What is it?", element=PlainTextInputElement(
        action_id=a, multiline=True, max_length=500, initial_value=clip(title, 500) or None)),
        InputBlock(block_id=RaidBlock.OWNER.value, label="Owner", optional=True,
                   element=UserSelectElement(action_id=a, initial_user=owner, placeholder="Defaults to you"))]
    if kind == "blocker":
        severity_options = _options(SEVERITIES)
        blocks += [
            InputBlock(block_id=RaidBlock.SEVERITY.value, label="Severity", element=StaticSelectElement(
                action_id=a, options=severity_options,
                initial_option=next(o for o in severity_options if o.value == severity))),
            InputBlock(block_id=RaidBlock.DUE.value, label="Due", optional=True,
                       element=DatePickerElement(action_id=a, initial_date=due)),
        ]
    else:
        levels = _options(range(1, 6))
        blocks += [
            InputBlock(block_id=RaidBlock.PROBABILITY.value, label="Probability (1–5)", element=StaticSelectElement(
                action_id=a, options=levels, initial_option=levels[probability - 1])),
            InputBlock(block_id=RaidBlock.IMPACT.value, label="Impact (1–5)", element=StaticSelectElement(
                action_id=a, options=levels, initial_option=levels[impact - 1])),
            InputBlock(block_id=RaidBlock.REVIEW.value, label="Next review", optional=True,
                       element=DatePickerElement(action_id=a, initial_date=review)),
            InputBlock(block_id=RaidBlock.MITIGATION.value, label="Mitigation", optional=True,
                       element=PlainTextInputElement(action_id=a, multiline=True, max_length=2000,
                                                     initial_value=clip(mitigation, 2000) or None)),
        ]
    heading = (f"Edit {editing}" if editing else ("New blocker" if kind == "blocker" else "New risk"))
    callback = Callback.BLOCKER_MODAL if kind == "blocker" else Callback.RISK_MODAL
    return View(type="modal", callback_id=callback.value, title=heading[:24], submit="Save", close="Cancel",
                private_metadata=json.dumps(metadata), blocks=blocks).to_dict()
