"""App Home: the user's open items, the programs they lead with their RAG, and where to start."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ButtonElement, ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.charter import home_summary
from bot.blocks.records import summary
from bot.blocks.text import channel, mrkdwn
from bot.ids import Action
from bot.records.registry import spec_for, spec_of
from bot.services.programs import describe_working_days
from bot.services.raid import describe_age
from storage.charter_models import Charter
from storage.models import Program
from storage.raid_models import Item

MAX_PROGRAMS = 40
MAX_ITEMS = 15
MAX_CHARTERS = 5
RAG_ICON = {"green": ":large_green_circle:", "amber": ":large_yellow_circle:", "red": ":red_circle:"}
SECTION_MAX = 3000
NAME_MAX = 200
TITLE_MAX = 150


def item_line(item: Item, title_limit: int = TITLE_MAX) -> str:
    """A record in one line of mrkdwn, as its kind shows it (bot/blocks/records.py): icon, key, the title
    clipped before it is escaped once, and the kind's suffix (a risk's score)."""
    return summary(item, title_limit)


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
               owned: list[tuple[Item, Program]] = (), now: datetime | None = None,
               charters: dict[int, Charter] | None = None, roadmaps: dict[int, list[dict]] | None = None,
               portfolio: list[dict] = ()) -> dict:
    """``charters``: the charters of the programs the user leads, shown first (scope and goals, clipped);
    ``roadmaps``: the roadmap picture's blocks of some of them, shown under the program; ``portfolio``: the
    Portfolio section's blocks (bot/blocks/portfolio.py `home_portfolio`), after the programs the user leads."""
    rags = rags or {}
    blocks = [HeaderBlock(text="tpmbot"), SectionBlock(text=MarkdownTextObject(
        text=f"Hi <@{user_id}>. Type `/tpm help` in any channel to see every command."))]
    led_charters = [(p, charters[p.id]) for p in programs if charters and p.id in charters][:MAX_CHARTERS]
    for program, charter in led_charters:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=home_summary(charter, program))))
    blocks.append(DividerBlock())
    blocks.append(SectionBlock(text=MarkdownTextObject(
        text="*Your open items*" + ("" if owned else "\nNothing open is yours."))))
    for item, program in owned[:MAX_ITEMS]:  # each with its kind's closing button, as on its own message
        line = f"{item_line(item)} — {mrkdwn(program.name, 80)}" + (
            f", open {describe_age(item.created_at, now)}" if now else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line), accessory=ButtonElement(
            text=spec_of(item).primary_closing.label, action_id=Action.RAID_RESOLVE.value, value=str(item.id))))
    if len(owned) > MAX_ITEMS:
        more = ", ".join(f"`{spec_for(kind).command} list mine`" for kind in sorted({i.kind for i, _ in owned}))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(owned) - MAX_ITEMS} more: {more}.")]))
    blocks.append(DividerBlock())
    if programs:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Programs you lead*")))
        for program in programs[:MAX_PROGRAMS]:
            rag, reasons = rags.get(program.id, (None, []))
            status = f"{RAG_ICON[rag]} *{rag.upper()}* — {mrkdwn(reasons[0], 1000)}\n" if rag else ""
            blocks.append(SectionBlock(text=MarkdownTextObject(text=(
                f"*{mrkdwn(program.name, NAME_MAX)}* in {channel(program.channel_id)}\n{status}{program.timezone}, "
                f"{describe_working_days(program.working_days)}"))))
            blocks.extend((roadmaps or {}).get(program.id, []))
        if len(programs) > MAX_PROGRAMS:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(
                text=f"…and {len(programs) - MAX_PROGRAMS} more.")]))
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="You lead no program yet. Type `/tpm setup` in a channel to make it a program's home.")))
    if portfolio:
        blocks.append(DividerBlock())
        blocks.extend(portfolio)
    return View(type="home", blocks=blocks).to_dict()
