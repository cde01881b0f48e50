"""Program settings message, the zero-set-up notice, and the `/tpm setup` modal."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, CheckboxesElement, ContextBlock, ConversationSelectElement, DatePickerElement,
    InputBlock, MarkdownTextObject, Option, PlainTextInputElement, SectionBlock, StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import channel, message_text, mrkdwn, user
from bot.services.escalation_rules import risk_threshold
from bot.services.escalations import steps_hours
from bot.services.program_settings import SPRINT_LENGTHS, settings_of
from bot.services.sprints import describe_cadence
from bot.ids import Action, Block, Callback
from bot.services.programs import WEEKDAYS, SetupForm, describe_working_days
from storage.models import Program


NAME_MAX = 200


def _leads(leads: list[str], limit: int = 1900) -> str:
    """The leads as mentions, whole ones only, then "and N more"."""
    text = ""
    for index, lead in enumerate(leads):
        candidate = f"{text}, {user(lead)}" if text else user(lead)
        if len(candidate) + len(f" and {len(leads)} more") > limit:
            return f"{text} and {len(leads) - index} more"
        text = candidate
    return text or "none"


def build_settings(program: Program, today: date | None = None) -> list[dict]:
    """``today`` (the program's local day) names the current sprint."""
    leads = _leads(list(program.leads))
    fields = [
        MarkdownTextObject(text=f"*Program*\n{mrkdwn(program.name, NAME_MAX)}"),
        MarkdownTextObject(text=f"*Home channel*\n{channel(program.channel_id)}"),
        MarkdownTextObject(text=f"*Leads*\n{leads}"),
        MarkdownTextObject(text=f"*Escalations go to*\n{channel(program.escalation_channel_id)}"),
        MarkdownTextObject(text=f"*Timezone*\n{program.timezone}"),
        MarkdownTextObject(text=f"*Working days*\n{describe_working_days(program.working_days)}"),
        MarkdownTextObject(text=f"*Holiday region*\n{program.holiday_region or 'none'}"),
        MarkdownTextObject(text=f"*Escalation ladder*\n{describe_ladder(program)}"),
        MarkdownTextObject(text=f"*Sprints*\n{describe_cadence(settings_of(program).sprints, today)}"),
    ]
    if program.archived_at is not None:
        fields.append(MarkdownTextObject(text=f"*Archived*\nsince {program.archived_at:%Y-%m-%d}: no schedules "
                                              "run; `/tpm unarchive` resumes them"))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f"*Settings of {mrkdwn(program.name, NAME_MAX)}*"), fields=fields),
        ActionsBlock(elements=[ButtonElement(text="Change settings", action_id=Action.HELP_OPEN_SETUP.value,
                                             value=str(program.id))]),
    ]
    return [b.to_dict() for b in blocks]


def describe_ladder(program: Program) -> str:
    to_leads, to_channel = steps_hours(program, "")
    return (f"owner → leads after {to_leads:g}h → escalation channel after {to_channel:g}h more (business hours); "
            f"risks scoring ≥ {risk_threshold(program)}")


def settings_text(program: Program) -> str:
    return message_text(f"Settings of {program.name}", NAME_MAX + 20)


def build_bound_notice(program: Program) -> str:
    return (
        f":sparkles: This channel is now the home of program *{mrkdwn(program.name, NAME_MAX)}*: "
        f"{user(program.created_by)} leads it, timezone {program.timezone}, "
        f"{describe_working_days(program.working_days)}, escalations here. "
        "Change any of that with `/tpm setup`."
    )


def build_setup_modal(program: Program, form: SetupForm, private_metadata: str) -> dict:
    day_options = [Option(text=WEEKDAYS[d], value=str(d)) for d in range(7)]
    chosen_days = [o for o in day_options if int(o.value) in form.working_days]
    sprint_options = [Option(text=f"{w} week{'s' if w > 1 else ''}" if w else "No sprints", value=str(w))
                      for w in SPRINT_LENGTHS]
    chosen_length = next((o for o in sprint_options if o.value == str(form.sprint_length_weeks)), sprint_options[0])
    blocks = [
        InputBlock(
            block_id=Block.SETUP_NAME.value, label="Program name",
            element=PlainTextInputElement(action_id=Action.SETUP_NAME.value, initial_value=form.name[:80],
                                          max_length=80),
        ),
        InputBlock(
            block_id=Block.SETUP_LEADS.value, label="Leads",
            element=UserMultiSelectElement(action_id=Action.SETUP_LEADS.value, initial_users=form.leads[:100] or None,
                                           placeholder="Who leads this program?"),
        ),
        InputBlock(
            block_id=Block.SETUP_ESCALATION.value, label="Escalation channel",
            element=ConversationSelectElement(action_id=Action.SETUP_ESCALATION.value,
                                              initial_conversation=form.escalation_channel_id or None,
                                              placeholder="Where escalations are posted"),
        ),
        InputBlock(
            block_id=Block.SETUP_TIMEZONE.value, label="Timezone",
            element=PlainTextInputElement(action_id=Action.SETUP_TIMEZONE.value, initial_value=form.timezone,
                                          placeholder="e.g. Europe/Berlin"),
            hint="An IANA name: the program's digests and reports use this zone's day.",
        ),
        InputBlock(
            block_id=Block.SETUP_DAYS.value, label="Working days",
            element=CheckboxesElement(action_id=Action.SETUP_DAYS.value, options=day_options,
                                      initial_options=chosen_days or None),
        ),
        InputBlock(
            block_id=Block.SETUP_HOLIDAYS.value, label="Holiday region", optional=True,
            element=PlainTextInputElement(action_id=Action.SETUP_HOLIDAYS.value,
                                          initial_value=form.holiday_region or None, placeholder="e.g. US, DE-BY, GB-ENG"),
            hint="Nobody is prompted on this region's public holidays.",
        ),
        InputBlock(
            block_id=Block.SETUP_SPRINT_LENGTH.value, label="Sprint length",
            element=StaticSelectElement(action_id=Action.SETUP_SPRINT_LENGTH.value, options=sprint_options,
                                        initial_option=chosen_length),
            hint="Then “end of sprint” and “next sprint” work as dates, and planning and retro agendas list "
                 "the sprint.",
        ),
        InputBlock(
            block_id=Block.SETUP_SPRINT_START.value, label="First day of the first sprint", optional=True,
            element=DatePickerElement(action_id=Action.SETUP_SPRINT_START.value,
                                      initial_date=form.sprint_first_day.isoformat() if form.sprint_first_day else None,
                                      placeholder="Pick a day"),
            hint="Sprints follow one another from this day.",
        ),
        ContextBlock(elements=[MarkdownTextObject(text=f"Home channel: {channel(program.channel_id)}")]),
    ]
    view = View(
        type="modal", callback_id=Callback.TPM_SETUP.value, title="Program set-up", submit="Save", close="Cancel",
        private_metadata=private_metadata, blocks=blocks,
    )
    return view.to_dict()


def build_saved_text(program: Program) -> str:
    return f":white_check_mark: Saved the settings of *{mrkdwn(program.name, NAME_MAX)}*."


SETUP_BLOCK_FOR_FIELD = {
    "name": Block.SETUP_NAME.value,
    "leads": Block.SETUP_LEADS.value,
    "escalation_channel": Block.SETUP_ESCALATION.value,
    "timezone": Block.SETUP_TIMEZONE.value,
    "working_days": Block.SETUP_DAYS.value,
    "holiday_region": Block.SETUP_HOLIDAYS.value,
    "sprint_length": Block.SETUP_SPRINT_LENGTH.value,
    "sprint_first_day": Block.SETUP_SPRINT_START.value,
}
