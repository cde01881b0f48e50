"""The charter: the message `/tpm charter show` posts, its history, the modal that edits it, and the
short forms App Home and the status report show. Sections are stored as typed and escaped once here."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, PlainTextInputElement
from slack_sdk.models.views import View

from bot.blocks import kit
from bot.blocks.text import channel, clip, message_text, mrkdwn, slack_date, user
from bot.ids import Callback
from bot.services.charter import SECTIONS, Change, CharterForm
from storage.charter_models import Charter
from storage.models import Program

INPUT = "tpm.charter.input"
BLOCK_FOR_FIELD = {s.name: f"tpm.charter.{s.name}" for s in SECTIONS}
SECTION_TEXT_MAX = 3000
HISTORY_LINES = 30
SUMMARY_MAX = 160  # each of scope and goals, on App Home
HINT = ("`/tpm charter show` posts it here · `/tpm charter history` lists its changes · leads edit it with "
        "`/tpm charter`")


def updated_line(charter: Charter, tz: str) -> str:
    """`updated <date> by @x`, the date in each reader's own zone."""
    return f"updated {slack_date(charter.at, tz)} by {user(charter.author_id)}"


def charter_blocks(charter: Charter | None, program: Program) -> list[dict]:
    """The charter as a message: a header, who changed it last, one section per part."""
    blocks = [kit.header(clip(f"Charter · {program.name}", 150))]
    if charter is None:
        blocks.append(kit.section(f"*{mrkdwn(program.name, 200)}* has no charter yet. A lead writes it with "
                                  "`/tpm charter`: scope, goals, deliverables, out of scope, success measures."))
        return blocks
    blocks.append(kit.context(f"Version {charter.version} · {updated_line(charter, program.timezone)}"))
    for section in SECTIONS:
        heading = f"*{section.label}*\n"
        text = getattr(charter, section.name)
        body = mrkdwn(text, SECTION_TEXT_MAX - len(heading)) if text.strip() else "_not set_"
        blocks.append(kit.section(heading + body))
    blocks.append(kit.context(HINT))
    return blocks


def charter_text(charter: Charter | None, program: Program) -> str:
    what = f"version {charter.version}" if charter else "none yet"
    return message_text(f"Charter of {clip(program.name, 200)} ({what})")


def history_blocks(program: Program, changes: list[Change], total: int) -> list[dict]:
    """Who changed the charter, when, and which sections: newest first."""
    if not changes:
        return [kit.section(f"*{mrkdwn(program.name, 200)}* has no charter yet: a lead writes it with `/tpm charter`.")]
    lines = []
    for change in changes[:HISTORY_LINES]:
        what = ", ".join(label.lower() for label in change.sections) or "nothing"
        verb = "wrote" if change.version == 1 else "changed"
        lines.append(f"• *v{change.version}* {slack_date(change.at, program.timezone)} — {user(change.author_id)} "
                     f"{verb} {what}")
    text = f"*Charter history of {mrkdwn(program.name, 200)}* ({total} version{'s' if total != 1 else ''})"
    for index, line in enumerate(lines):
        if len(text) + len(line) + 40 > SECTION_TEXT_MAX:
            text += f"\n…and {total - index} earlier"
            break
        text += "\n" + line
    else:
        if total > len(lines):
            text += f"\n…and {total - len(lines)} earlier"
    return [kit.section(text), kit.context("`/tpm charter show` posts the current charter in the channel.")]


def history_text(program: Program, total: int) -> str:
    return message_text(f"Charter history of {clip(program.name, 200)}: {total} version(s)")


def charter_modal(program: Program, form: CharterForm, private_metadata: str, *, may_edit: bool,
                  charter: Charter | None = None) -> dict:
    """Five multiline inputs prefilled with the current charter; a note when only leads may save."""
    blocks: list = []
    for section in SECTIONS:
        value = getattr(form, section.name)
        blocks.append(InputBlock(
            block_id=BLOCK_FOR_FIELD[section.name], label=section.label, optional=True,
            element=PlainTextInputElement(action_id=INPUT, multiline=True, max_length=section.limit,
                                          initial_value=value[: section.limit] or None,
                                          placeholder=clip(section.placeholder, 150))))
    notes = [f"Program: {mrkdwn(program.name, 200)} in {channel(program.channel_id)}"]
    if charter is not None:
        notes.append(f"Version {charter.version}, {updated_line(charter, program.timezone)}")
    if not may_edit:
        notes.append("Only the program's leads can save changes.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    return View(type="modal", callback_id=Callback.CHARTER.value, title="Program charter", submit="Save",
                close="Cancel", private_metadata=private_metadata, blocks=blocks).to_dict()


def saved_text(program: Program, charter: Charter, changed: tuple[str, ...]) -> str:
    """The channel's note that the charter changed."""
    what = ", ".join(changed).lower() if changed else "no section"
    verb = "wrote the charter" if charter.version == 1 else f"updated the charter ({what})"
    return (f":scroll: {user(charter.author_id)} {verb} of *{mrkdwn(program.name, 200)}* — version "
            f"{charter.version}. `/tpm charter show` posts it.")


def home_summary(charter: Charter, program: Program) -> str:
    """App Home's compact form: scope and goals, clipped, and where to read the rest."""
    parts = [f"*Charter of {mrkdwn(program.name, 200)}*"]
    for name, label in (("scope", "Scope"), ("goals", "Goals")):
        text = " ".join(getattr(charter, name).split())
        if text:
            parts.append(f"*{label}:* {mrkdwn(text, SUMMARY_MAX)}")
    parts.append(f"_View charter: `/tpm charter show` in {channel(program.channel_id)}_")
    return "\n".join(parts)


def status_line(charter: Charter, tz: str) -> str:
    """The status report's link to the charter."""
    return f":scroll: Charter: {updated_line(charter, tz)} — `/tpm charter show`"
