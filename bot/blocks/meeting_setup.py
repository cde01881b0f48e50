"""The `/agenda setup` modal: a recurring meeting's name, weekdays, local time, lead time, channel and
(optionally) its own timezone. Opened empty for a new meeting or prefilled to edit one."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    CheckboxesElement, ConversationSelectElement, InputBlock, Option, PlainTextInputElement, TimePickerElement,
)
from slack_sdk.models.views import View

from bot.ids import Callback
from bot.services.meetings import LEAD_EXAMPLE, MeetingForm
from bot.services.programs import WEEKDAYS

INPUT = "agenda.setup.input"
BLOCK_FOR_FIELD = {name: f"agenda.setup.{name}" for name in ("name", "weekdays", "time", "lead", "channel", "timezone")}


def build_meeting_setup(form: MeetingForm, metadata: dict, program_timezone: str, editing: bool) -> dict:
    day_options = [Option(text=WEEKDAYS[d], value=str(d)) for d in range(7)]
    b = BLOCK_FOR_FIELD
    blocks = [
        InputBlock(block_id=b["name"], label="Meeting name", element=PlainTextInputElement(
            action_id=INPUT, max_length=80, initial_value=form.name or None, placeholder="Weekly sync")),
        InputBlock(block_id=b["weekdays"], label="Days", element=CheckboxesElement(
            action_id=INPUT, options=day_options,
            initial_options=[o for o in day_options if int(o.value) in form.weekdays] or None)),
        InputBlock(block_id=b["time"], label="Starts at (local time)",
                   element=TimePickerElement(action_id=INPUT, initial_time=form.local_time)),
        InputBlock(block_id=b["lead"], label="Post the agenda this long before", hint=LEAD_EXAMPLE,
                   element=PlainTextInputElement(action_id=INPUT, initial_value=form.lead)),
        InputBlock(block_id=b["channel"], label="Post the agenda in", element=ConversationSelectElement(
            action_id=INPUT, initial_conversation=form.channel_id or None)),
        InputBlock(block_id=b["timezone"], label="Timezone", optional=True,
                   hint=f"Blank: the program's ({program_timezone}).", element=PlainTextInputElement(
                       action_id=INPUT, initial_value=form.timezone or None, placeholder=program_timezone)),
    ]
    return View(type="modal", callback_id=Callback.AGENDA_SETUP.value, title="Edit meeting" if editing else "New meeting",
                submit="Save", close="Cancel", private_metadata=json.dumps(metadata), blocks=blocks).to_dict()
