"""Stand-up blocks: the prompt, the answer modal, the digest (one message per run) and status."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement, SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks import kit
from bot.blocks.dependencies import open_dependencies_text
from bot.blocks.text import clip, message_text, mrkdwn
from bot.ids import Action, Callback
from bot.services.standups import RunState, Update
from storage.standup_models import StandupAnswer

SECTION_KEYS = ("yesterday", "today", "blockers")
MAX_DIGEST_PEOPLE = 40  # 50 blocks at most: header, summary, people, footer
SECTION_MAX = 3000
NAME_MAX = 200
QUESTION_MAX = 300
QUESTIONS_SHOWN = 8  # with the name, 8 clipped questions stay inside one section's 3,000 characters


def build_prompt(program_name: str, questions: list[str], run_id: int, thread: bool) -> list[dict]:
    asked = "\n".join(f"• {mrkdwn(q, QUESTION_MAX)}" for q in questions[:QUESTIONS_SHOWN])
    how = "Reply in this thread, or press Answer." if thread else "Reply here, or press Answer."
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"*Stand-up for {mrkdwn(program_name, NAME_MAX)}*\n{asked}")),
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


def _answer_text(answer: StandupAnswer, limit: int) -> str:
    """The answer's sections as mrkdwn of at most ``limit`` characters: each typed text escaped once (mentions
    live), the room shared so that short sections are whole and only the longest are clipped."""
    given = [(label, value) for label, value in
             (("Yesterday", answer.yesterday), ("Today", answer.today), ("Blockers", answer.blockers)) if value]
    if not given:
        return "_(no text)_"
    room = limit - sum(len(f"*{label}:* ") for label, _ in given) - (len(given) - 1)
    rendered: dict[str, str] = {}
    for left, (label, value) in enumerate(sorted(given, key=lambda g: len(mrkdwn(g[1], SECTION_MAX)))):
        text = mrkdwn(value, max(1, room // (len(given) - left)))
        rendered[label] = text
        room -= len(text)
    return "\n".join(f"*{label}:* {rendered[label]}" for label, _ in given)


def build_digest(program_name: str, day: str, state: RunState, dependencies=None, program=None) -> list[dict]:
    """``dependencies``: the program's open ones both ways (bot/services/coordination.OpenDependencies),
    listed in a short part after the answers when there are any."""
    answered = state.answered
    blocks = [kit.header(clip(f"Stand-up · {program_name} · {day}", 150)),
              kit.section(f"*{len(answered)}* answered · *{len(state.skipped)}* skipped · *{len(state.out)}* out · "
                          f"*{len(state.missing)}* missing")]
    for user in answered[:MAX_DIGEST_PEOPLE]:
        answer = state.answers[user]
        late = " _(late)_" if answer.late else ""
        log = (kit.button("Log as blocker", action_id=Action.STANDUP_LOG_BLOCKER.value, value=str(answer.id))
               if Update(blockers=answer.blockers).has_blockers else None)
        who = f"<@{user}>{late}\n"
        blocks.append(kit.section(who + _answer_text(answer, SECTION_MAX - len(who)), accessory=log))
    if len(answered) > MAX_DIGEST_PEOPLE:
        blocks.append(kit.context(f"…and {len(answered) - MAX_DIGEST_PEOPLE} more."))
    if dependencies:  # 46 blocks at most with it
        blocks.append(kit.section(open_dependencies_text(dependencies.waiting_on, dependencies.asked_of_us, program,
                                                         program.timezone, SECTION_MAX)))
    blocks.append(kit.divider())
    groups = [(label, users) for label, users in
              (("Skipped", state.skipped), ("Out", sorted(state.out)), ("Missing", state.missing)) if users]
    footer = [f"{label}: {_mentions(users, SECTION_MAX // 3 - len(label) - 5)}" for label, users in groups]
    blocks.append(kit.context(" · ".join(footer) or "Everyone answered."))
    return blocks


def _mentions(users: list[str], limit: int) -> str:
    """As many whole mentions as fit in ``limit`` characters, then "and N more" (a mention is never cut)."""
    shown: list[str] = []
    length = 0
    for index, user_id in enumerate(users):
        mention = f"<@{user_id}>"
        length += len(mention) + (2 if shown else 0)
        more = len(f" and {len(users) - index} more") if index < len(users) - 1 else 0
        if length + more > limit:
            return ", ".join(shown) + f" and {len(users) - index} more"
        shown.append(mention)
    return ", ".join(shown)


def digest_text(program_name: str, day: str) -> str:
    return message_text(f"Stand-up digest for {clip(program_name, NAME_MAX)}, {day}")


def build_status(state: RunState) -> str:
    def names(users):
        return _mentions(list(users), 700) or "nobody"

    return (f"*Today's stand-up* ({state.run.day})\nAnswered: {names(state.answered)}\n"
            f"Skipped: {names(state.skipped)}\nOut: {names(sorted(state.out))}\nNot yet: {names(state.missing)}")


def build_week(stats: dict[str, dict[str, int]]) -> str:
    if not stats:
        return "No stand-up runs in the last 7 days."
    rows = ["*Participation, last 7 days* (on time / late / missed / skipped / away)"]
    for user, row in sorted(stats.items()):
        rows.append(f"<@{user}>: {row['on time']} / {row['late']} / {row['missed']} / {row['skipped']} / {row['away']}")
    text = rows[0]
    for index, row in enumerate(rows[1:]):  # whole rows only: a mention is never cut
        if len(text) + len(row) + 30 > SECTION_MAX:
            return f"{text}\n…and {len(rows) - 1 - index} more"
        text += "\n" + row
    return text
