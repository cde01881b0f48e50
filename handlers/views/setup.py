"""The `/tpm setup` modal's submission: validated in the modal, saved, confirmed in the channel."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.programs import SETUP_BLOCK_FOR_FIELD, build_saved_text
from bot.ids import Action, Block, Callback
from bot.services.errors import FieldErrors, UserError
from bot.services.programs import SetupForm, apply_setup, validate_setup
from bot.channel_lookup import destination_errors
from handlers.guard import guarded
from handlers.setup_modal import ensure_lead
from handlers.views.values import ViewValues
from storage.models import Program


def form_from_view(view: dict) -> SetupForm:
    values = ViewValues(view)
    return SetupForm(
        name=values.text(Block.SETUP_NAME, Action.SETUP_NAME),
        leads=values.users(Block.SETUP_LEADS, Action.SETUP_LEADS),
        escalation_channel_id=values.conversation(Block.SETUP_ESCALATION, Action.SETUP_ESCALATION),
        timezone=values.text(Block.SETUP_TIMEZONE, Action.SETUP_TIMEZONE),
        working_days=[int(v) for v in values.checked(Block.SETUP_DAYS, Action.SETUP_DAYS) if v.isdigit()],
        holiday_region=values.text(Block.SETUP_HOLIDAYS, Action.SETUP_HOLIDAYS) or None,
        sprint_length_weeks=_weeks(values.selected(Block.SETUP_SPRINT_LENGTH, Action.SETUP_SPRINT_LENGTH)),
        sprint_first_day=_day(values.date(Block.SETUP_SPRINT_START, Action.SETUP_SPRINT_START)),
    )


def _weeks(raw: str | None) -> int | None:
    """The chosen length; None when the form had no such field (the program's sprints then stay as they are);
    anything else is -1, which validate_setup refuses."""
    if raw is None:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def on_setup_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    metadata = json.loads(view.get("private_metadata") or "{}")
    try:
        form = validate_setup(form_from_view(view))
    except FieldErrors as exc:
        ack(response_action="errors", errors={SETUP_BLOCK_FOR_FIELD[k]: v for k, v in exc.errors.items()})
        return
    # One conversations.info per channel, before the ack: a channel I can't post to is shown in the form.
    home = metadata.get("channel_id") or ""
    errors = destination_errors(client, home, {
        SETUP_BLOCK_FOR_FIELD["escalation_channel"]: ("escalation", form.escalation_channel_id)}) if home else {}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    deps = context["deps"]
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or view.get("team_id", "")
    program_id = metadata.get("program_id")
    with deps.session() as session:
        program = session.get(Program, program_id) if program_id else None
        if program is None or program.team_id != team_id:
            raise UserError("That program no longer exists. Run `/tpm setup` in its channel again.", "/tpm setup")
        ensure_lead(program, user_id)
    with deps.session() as session:
        program = session.get(Program, program.id)
        apply_setup(session=session, program=program, form=form, now=deps.clock.now())
    client.chat_postEphemeral(channel=program.channel_id, user=user_id, text=build_saved_text(program))


def register(app: App) -> None:
    app.view(Callback.TPM_SETUP.value)(guarded(on_setup_submitted))
