"""The `/standup setup` modal."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    CheckboxesElement, ConversationSelectElement, InputBlock, Option, PlainTextInputElement, StaticSelectElement,
    TimePickerElement, UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.ids import Callback
from bot.services.programs import WEEKDAYS
from storage.standup_models import StandupConfig

INPUT = "standup.setup.input"
BLOCK_FOR_FIELD = {name: f"standup.setup.{name}" for name in (
    "time", "days", "questions", "participants", "everyone", "mode", "reminder", "cutoff", "digest_channel")}


def build_standup_setup(config: StandupConfig, metadata: dict) -> dict:
    day_options = [Option(text=WEEKDAYS[d], value=str(d)) for d in range(7)]
    modes = [Option(text="DM each person", value="dm"), Option(text="A thread in the channel", value="thread")]
    everyone = Option(text="Everyone in this channel", value="everyone")
    b = BLOCK_FOR_FIELD
    blocks = [
        InputBlock(block_id=b["time"], label="Prompt time (each person's local time)",
                   element=TimePickerElement(action_id=INPUT, initial_time=config.local_time)),
        InputBlock(block_id=b["days"], label="Days", element=CheckboxesElement(
            action_id=INPUT, options=day_options, initial_options=[o for o in day_options if int(o.value) in config.days]
            or None)),
        InputBlock(block_id=b["questions"], label="Questions, one per line", element=PlainTextInputElement(
            action_id=INPUT, multiline=True, initial_value="\n".join(config.questions))),
        InputBlock(block_id=b["participants"], label="Participants", optional=True, element=UserMultiSelectElement(
            action_id=INPUT, initial_users=config.participants[:100] or None)),
        InputBlock(block_id=b["everyone"], label="Or", optional=True, element=CheckboxesElement(
            action_id=INPUT, options=[everyone])),
        InputBlock(block_id=b["mode"], label="Collect answers by", element=StaticSelectElement(
            action_id=INPUT, options=modes, initial_option=next(o for o in modes if o.value == config.mode))),
        InputBlock(block_id=b["reminder"], label="Remind after (minutes, 0 = never)", element=PlainTextInputElement(
            action_id=INPUT, initial_value=str(config.reminder_minutes))),
        InputBlock(block_id=b["cutoff"], label="Digest at (program's timezone)",
                   element=TimePickerElement(action_id=INPUT, initial_time=config.cutoff)),
        InputBlock(block_id=b["digest_channel"], label="Digest channel", element=ConversationSelectElement(
            action_id=INPUT, initial_conversation=config.digest_channel_id or None)),
    ]
    return View(type="modal", callback_id=Callback.STANDUP_SETUP.value, title="Stand-up set-up", submit="Save",
                close="Cancel", private_metadata=json.dumps(metadata), blocks=blocks).to_dict()
