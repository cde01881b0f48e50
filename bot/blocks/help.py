"""`/tpm help` and per-command help, from the same registry that routes subcommands."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.blocks.text import escape, mrkdwn

SECTION_TEXT_MAX = 3000


@dataclass(frozen=True)
class HelpLine:
    usage: str
    summary: str


@dataclass(frozen=True)
class HelpSection:
    command: str
    summary: str
    lines: tuple[HelpLine, ...]


INTRO = (
    "*tpmbot* does the routine half of a TPM's job: it collects stand-ups, keeps the program's "
    "blockers and risks, escalates what ages, and posts digests, status reports and agendas."
)


def _section_text(section: HelpSection) -> str:
    """The command and one row per usage. Usages are escaped, so placeholders such as `<date>` and
    `[sev:<level>]` show as typed instead of being read as Slack control sequences; whole rows only."""
    text = f"*{escape(section.command)}* — {escape(section.summary)}"
    for index, line in enumerate(section.lines):
        row = f"• `{escape(line.usage)}` — {escape(line.summary)}"
        more = f"\n…and {len(section.lines) - index} more: `{escape(section.command)} help`"
        if len(text) + 1 + len(row) + len(more) > SECTION_TEXT_MAX:
            return text + more
        text += "\n" + row
    return text


@lru_cache(maxsize=8)
def build_help(sections: tuple[HelpSection, ...]) -> list[dict]:
    """The help message; sections are immutable, so it is rendered once per registry (callers only read it)."""
    blocks = [HeaderBlock(text="tpmbot help"), SectionBlock(text=MarkdownTextObject(text=INTRO)), DividerBlock()]
    blocks += [SectionBlock(text=MarkdownTextObject(text=_section_text(s))) for s in sections]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text="Commands act on the program of the channel you type them in. Any command with no text opens a form.")]))
    return [b.to_dict() for b in blocks]


def help_fallback_text(sections: tuple[HelpSection, ...]) -> str:
    return "tpmbot help: " + ", ".join(s.command for s in sections)


def build_command_help(section: HelpSection, problem: str | None = None) -> list[dict]:
    blocks = []
    if problem:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=":warning: " + mrkdwn(problem, SECTION_TEXT_MAX - 10))))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=_section_text(section))))
    return [b.to_dict() for b in blocks]
