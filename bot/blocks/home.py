"""App Home: the user's programs and where to start."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.text import channel, clip, escape
from bot.services.programs import describe_working_days
from storage.models import Program

MAX_PROGRAMS = 40


def build_home(user_id: str, programs: list[Program]) -> dict:
    blocks = [HeaderBlock(text="tpmbot"), SectionBlock(text=MarkdownTextObject(
        text=f"Hi <@{user_id}>. Type `/tpm help` in any channel to see every command."))]
    blocks.append(DividerBlock())
    if programs:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Programs you lead*")))
        for program in programs[:MAX_PROGRAMS]:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(
                f"*{escape(program.name)}* in {channel(program.channel_id)} — {program.timezone}, "
                f"{describe_working_days(program.working_days)}", 3000))))
        if len(programs) > MAX_PROGRAMS:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(
                text=f"…and {len(programs) - MAX_PROGRAMS} more.")]))
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="You lead no program yet. Type `/tpm setup` in a channel to make it a program's home.")))
    return View(type="home", blocks=blocks).to_dict()
