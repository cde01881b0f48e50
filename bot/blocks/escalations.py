"""The escalation card (the same card on every rung, edited in place) and the list of live escalations."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, HeaderBlock, MarkdownTextObject, Option, SectionBlock,
    StaticSelectElement, UserSelectElement,
)

from bot.blocks.records import fact_value
from bot.records.registry import spec_of
from bot.blocks.text import clip, escape, escape_keeping_mentions, message_text, mrkdwn
from bot.ids import Action
from bot.services.escalations import LEADS, RUNG_NAMES, SNOOZE_CHOICES, Card, reason_at
from bot.services.raid import describe_age
from storage.escalation_models import Escalation
from storage.models import Program
from storage.raid_models import Item

SNOOZE_LABELS = {"1h": "1 hour", "4h": "4 hours", "1d": "1 day", "3d": "3 days", "1w": "1 week"}
MAX_LIST = 30


def when(at: datetime) -> str:
    """A time every reader sees in their own timezone (Slack's date formatting), with a UTC fallback."""
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{at:%Y-%m-%d %H:%M} UTC>"


def status_line(escalation: Escalation) -> str:
    if escalation.status == "acknowledged":
        return f":eyes: Acknowledged by <@{escalation.acknowledged_by}> {when(escalation.acknowledged_at)}"
    if escalation.status == "snoozed":
        return f":zzz: Snoozed by <@{escalation.snoozed_by}> until {when(escalation.snoozed_until)}"
    if escalation.status == "resolved":
        who = f" by <@{escalation.ended_by}>" if escalation.ended_by else ""
        return f":white_check_mark: Resolved{who} {when(escalation.ended_at)}"
    if escalation.status == "cleared":
        return f":white_check_mark: No longer escalated (the item no longer crosses a rule) {when(escalation.ended_at)}"
    return f":rotating_light: Unacknowledged — told so far: {RUNG_NAMES[escalation.level]}"


def card_text(item: Item, reason: str) -> str:
    return message_text(f"Escalation {item.key}: {item.title} — {reason}")


def leads_line(card: Card) -> str | None:
    """What the leads' card tells them, from the escalation's state now: who has (not) acknowledged."""
    escalation, item, program = card.escalation, card.item, card.program
    if not program.leads:
        return None
    leads = " ".join(f"<@{lead}>" for lead in program.leads)
    if escalation.status == "open":
        return (f"{leads}: not acknowledged by <@{item.owner_id}> yet "
                f"(escalated {describe_age(escalation.opened_at, card.now)} ago).")
    if escalation.status == "acknowledged":
        return f"{leads}: acknowledged by <@{escalation.acknowledged_by}> {when(escalation.acknowledged_at)}."
    if escalation.status == "snoozed":
        return f"{leads}: snoozed by <@{escalation.snoozed_by}> until {when(escalation.snoozed_until)}."
    return None  # ended: the status line says how


def build_card(card: Card) -> dict:
    escalation, item, program = card.escalation, card.item, card.program
    reason = card.reason
    blocks: list = [HeaderBlock(text=clip(f"Escalation · {item.key} · {program.name}", 150))]
    line = leads_line(card) if card.rung == LEADS else None
    if line:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, 3000))))
    icon = spec_of(item).icon(item)
    fields = [MarkdownTextObject(text=f"*Owner*\n<@{item.owner_id}>"),
              MarkdownTextObject(text=f"*Open since*\n{when(item.created_at)}"),
              MarkdownTextObject(text=f"*Escalated*\n{when(escalation.opened_at)}"),
              *[MarkdownTextObject(text=f"*{label}*\n{fact_value(item, value, program.timezone)}")
                for label, value in spec_of(item).facts(item, program.timezone)[:1]]]  # its kind's first fact
    blocks.append(SectionBlock(text=MarkdownTextObject(
        text=f"{icon} *{item.key}* {mrkdwn(item.title, 2000)}\n*Why:* {mrkdwn(reason, 900)}"), fields=fields))
    context = [status_line(escalation)]
    if item.message_channel and item.message_ts:
        context.append(f"<#{item.message_channel}> has the item")
    if item.source_link:
        context.append(f"<{item.source_link}|source message>")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(context), 3000))]))
    if escalation.is_live:
        value = str(escalation.id)
        elements = []
        if escalation.status != "acknowledged":
            elements.append(ButtonElement(text="Acknowledge", action_id=Action.ESCALATION_ACK.value, value=value,
                                          style="primary"))
        elements += [
            ButtonElement(text=spec_of(item).primary_closing.label,
                          action_id=Action.ESCALATION_RESOLVE.value, value=value),
            StaticSelectElement(action_id=Action.ESCALATION_SNOOZE.value, placeholder="Snooze for…",
                                options=[Option(value=key, label=SNOOZE_LABELS[key]) for key in SNOOZE_CHOICES]),
            UserSelectElement(action_id=Action.ESCALATION_REASSIGN.value, placeholder="Reassign…"),
        ]
        blocks.append(ActionsBlock(block_id=f"escalation.card.actions.{escalation.id}", elements=elements))
    return {"text": card_text(item, reason), "blocks": [b.to_dict() for b in blocks], "unfurl_links": False}


def build_escalation_list(rows: list[tuple[Escalation, Item]], now: datetime,
                          program: Program | None = None) -> list[dict]:
    """Each line's reason is the one as of ``now`` when the program is given (its rules need it)."""
    if not rows:
        return [SectionBlock(text=MarkdownTextObject(text=":white_check_mark: Nothing is escalated.")).to_dict()]
    lines = [f"• *{item.key}* {escape_keeping_mentions(clip(item.title, 80))} — {escape(reason_at(escalation, item, program, now) if program else escalation.reason)} · "
             f"{escalation.status}, told {RUNG_NAMES[escalation.level]} · escalated {describe_age(escalation.opened_at, now)} ago"
             for escalation, item in rows[:MAX_LIST]]
    if len(rows) > MAX_LIST:
        lines.append(f"…and {len(rows) - MAX_LIST} more.")
    blocks = [HeaderBlock(text=f"Live escalations ({len(rows)})")]
    text = ""
    for line in lines:  # sections hold 3,000 characters: start a new one when full
        if len(text) + len(line) + 1 > 3000:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
            text = ""
        text = f"{text}\n{line}" if text else line
    blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return [b.to_dict() for b in blocks]
