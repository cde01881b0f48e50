"""Stand-up blocks: the prompt, the answer modal, the digest (one message per run) and status."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement, SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks import kit
from bot.blocks.text import clip, escape
from bot.ids import Action, Callback
from bot.services.standups import RunState, Update
from storage.standup_models import StandupAnswer

SECTION_KEYS = ("yesterday", "today", "blockers")
MAX_DIGEST_PEOPLE = 40  # 50 blocks at most: header, summary, people, footer


def build_prompt(program_name: str, questions: list[str], run_id: int, thread: bool) -> list[dict]:
    asked = "\n".join(f"• {escape(q)}" for q in questions)
    how = "Reply in this thread, or press Answer." if thread else "Reply here, or press Answer."
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(f"*Stand-up for {escape(program_name)}*\n{asked}", 3000))),
              ContextBlock(elements=[MarkdownTextObject(text=f"{how} Sections: `y:` `t:` `b:`.")]),
              ActionsBlock(elements=[ButtonElement(text="Answer", action_id=Action.STANDUP_OPEN.value,
                                                   value=str(run_id), style="primary")])]
    return [b.to_dict() for b in blocks]


def build_answer_modal(questions: list[str], metadata: dict, previous: StandupAnswer | None = None) -> dict:
    blocks = []
    for index, question in enumerate(questions[:3]):
        key = SECTION_KEYS[index]
        initial = getattr(previous, key, "") if previous else ""
        blocks.append(InputBlock(block_id=f"standup.modal.{key}", label=clip(question, 2000), optional=index != 1,
                                 element=PlainTextInputElement(action_id=Action.STANDUP_INPUT.value, multiline=True,
                                                               max_length=3000, initial_value=initial or None)))
    return View(type="modal", callback_id=Callback.STANDUP_ANSWER.value, title="Stand-up", submit="Send",
                close="Cancel", private_metadata=json.dumps(metadata), blocks=blocks).to_dict()


def _answer_text(answer: StandupAnswer) -> str:
    parts = []
    for label, value in (("Yesterday", answer.yesterday), ("Today", answer.today), ("Blockers", answer.blockers)):
        if value:
            parts.append(f"*{label}:* {escape(value)}")
    return "\n".join(parts) or "_(no text)_"


def build_digest(program_name: str, day: str, state: RunState) -> list[dict]:
    answered = state.answered
    blocks = [kit.header(clip(f"Stand-up · {program_name} · {day}", 150)),
              kit.section(f"*{len(answered)}* answered · *{len(state.skipped)}* skipped · *{len(state.out)}* out · "
                          f"*{len(state.missing)}* missing")]
    for user in answered[:MAX_DIGEST_PEOPLE]:
        answer = state.answers[user]
        late = " _(late)_" if answer.late else ""
        log = (kit.button("Log as blocker", action_id=Action.STANDUP_LOG_BLOCKER.value, value=str(answer.id))
               if Update(blockers=answer.blockers).has_blockers else None)
        blocks.append(kit.section(clip(f"<@{user}>{late}\n{_answer_text(answer)}", 3000), accessory=log))
    if len(answered) > MAX_DIGEST_PEOPLE:
        blocks.append(kit.context(f"…and {len(answered) - MAX_DIGEST_PEOPLE} more."))
    blocks.append(kit.divider())
    footer = []
    if state.skipped:
        footer.append("Skipped: " + ", ".join(f"<@{u}>" for u in state.skipped))
    if state.out:
        footer.append("Out: " + ", ".join(f"<@{u}>" for u in sorted(state.out)))
    if state.missing:
        footer.append("Missing: " + ", ".join(f"<@{u}>" for u in state.missing))
    blocks.append(kit.context(clip(" · ".join(footer) or "Everyone answered.", 3000)))
    return blocks


def digest_text(program_name: str, day: str) -> str:
    return f"Stand-up digest for {program_name}, {day}"


def build_status(state: RunState) -> str:
    def names(users):
        return ", ".join(f"<@{u}>" for u in users) or "nobody"

    return (f"*Today's stand-up* ({state.run.day})\nAnswered: {names(state.answered)}\n"
            f"Skipped: {names(state.skipped)}\nOut: {names(sorted(state.out))}\nNot yet: {names(state.missing)}")


def build_week(stats: dict[str, dict[str, int]]) -> str:
    if not stats:
        return "No stand-up runs in the last 7 days."
    rows = ["*Participation, last 7 days* (on time / late / missed / skipped / away)"]
    for user, row in sorted(stats.items()):
        rows.append(f"<@{user}>: {row['on time']} / {row['late']} / {row['missed']} / {row['skipped']} / {row['away']}")
    return clip("\n".join(rows), 3000)
