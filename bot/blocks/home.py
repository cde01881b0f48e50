"""App Home: the user's open items, the programs they lead with their RAG, and where to start."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.raid import SEVERITY_ICON
from bot.blocks.text import channel, mrkdwn
from bot.services.programs import describe_working_days
from bot.services.raid import describe_age
from storage.models import Program
from storage.raid_models import Item

MAX_PROGRAMS = 40
MAX_ITEMS = 15
RAG_ICON = {"green": ":large_green_circle:", "amber": ":large_yellow_circle:", "red": ":red_circle:"}
SECTION_MAX = 3000
NAME_MAX = 200
TITLE_MAX = 150


def item_line(item: Item, title_limit: int = TITLE_MAX) -> str:
    """A blocker or risk in one line of mrkdwn: severity or score, key, and the title escaped once and
    clipped before escaping (mentions live, nothing else)."""
    icon = SEVERITY_ICON.get(item.severity or "", ":warning:")
    score = f" (score {item.score})" if item.score is not None else ""
    return f"{icon} *{item.key}* {mrkdwn(item.title, title_limit)}{score}"


def fit_lines(heading: str, lines: list[str], empty: str, limit: int = SECTION_MAX, more: str = "") -> str:
    """A heading and as many whole lines (already mrkdwn) as fit in ``limit`` characters, then "…and N more"."""
    if not lines:
        return f"{heading}\n{empty}"
    text = heading
    for index, line in enumerate(lines):
        after = len(lines) - index - 1
        reserve = len(f"\n…and {after} more{more}") if after else 0
        if len(text) + 1 + len(line) + reserve > limit:
            return f"{text}\n…and {len(lines) - index} more{more}"
        text = f"{text}\n{line}"
    return text


def build_home(user_id: str, programs: list[Program], *, rags: dict[int, tuple[str, list[str]]] | None = None,
               owned: list[tuple[Item, Program]] = (), now: datetime | None = None) -> dict:
    rags = rags or {}
    blocks = [HeaderBlock(text="tpmbot"), SectionBlock(text=MarkdownTextObject(
        text=f"Hi <@{user_id}>. Type `/tpm help` in any channel to see every command."))]
    blocks.append(DividerBlock())
    lines = [f"• {item_line(item)} — {mrkdwn(program.name, 80)}"
             + (f", open {describe_age(item.created_at, now)}" if now else "") for item, program in owned[:MAX_ITEMS]]
    if len(owned) > MAX_ITEMS:
        lines.append(f"…and {len(owned) - MAX_ITEMS} more: `/blocker list mine`, `/risk list mine`.")
    blocks.append(SectionBlock(text=MarkdownTextObject(text=fit_lines(
        "*Your open items*", lines, "Nothing open is yours.", more=": `/blocker list mine`, `/risk list mine`."))))
    blocks.append(DividerBlock())
    if programs:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Programs you lead*")))
        for program in programs[:MAX_PROGRAMS]:
            rag, reasons = rags.get(program.id, (None, []))
            status = f"{RAG_ICON[rag]} *{rag.upper()}* — {mrkdwn(reasons[0], 1000)}\n" if rag else ""
            blocks.append(SectionBlock(text=MarkdownTextObject(text=(
                f"*{mrkdwn(program.name, NAME_MAX)}* in {channel(program.channel_id)}\n{status}{program.timezone}, "
                f"{describe_working_days(program.working_days)}"))))
        if len(programs) > MAX_PROGRAMS:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(
                text=f"…and {len(programs) - MAX_PROGRAMS} more.")]))
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="You lead no program yet. Type `/tpm setup` in a channel to make it a program's home.")))
    return View(type="home", blocks=blocks).to_dict()
