"""`/agenda setup`: open the meeting form (leads only), new or prefilled, and save it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.meeting_setup import BLOCK_FOR_FIELD, INPUT, build_meeting_setup
from bot.ids import Callback
from bot.services.errors import FieldErrors, UserError
from bot.services.meetings import (
    MeetingForm, ValidMeeting, describe_lead, describe_schedule, describe_start, meeting_zone, next_occurrence,
    validate_meeting_form,
)
from handlers.commands.raid_flow import metadata_of
from bot.channel_lookup import destination_errors
from handlers.guard import guarded
from handlers.setup_modal import ensure_lead
from handlers.views.values import ViewValues
from storage.agenda_models import Meeting
from storage.agendas import meetings_of
from storage.models import Program


def open_meeting_setup(client: WebClient, trigger_id: str, program: Program, user_id: str,
                       meeting: Meeting | None) -> None:
    ensure_lead(program, user_id)
    if meeting is None:
        form = MeetingForm(channel_id=program.channel_id)
    else:
        form = MeetingForm(meeting.name, list(meeting.weekdays), meeting.local_time,
                           describe_lead(meeting.lead_minutes), meeting.channel_id, meeting.timezone or "")
    metadata = {"program_id": program.id, "meeting_id": meeting.id if meeting else None,
                "channel_id": program.channel_id}
    client.views_open(trigger_id=trigger_id, view=build_meeting_setup(form, metadata, program.timezone,
                                                                      editing=meeting is not None))


def form_from_view(view: dict) -> MeetingForm:
    values, b = ViewValues(view), BLOCK_FOR_FIELD
    return MeetingForm(name=values.text(b["name"], INPUT), weekdays=[int(v) for v in values.checked(b["weekdays"], INPUT)],
                       local_time=values.time(b["time"], INPUT) or "", lead=values.text(b["lead"], INPUT),
                       channel_id=values.conversation(b["channel"], INPUT), timezone=values.text(b["timezone"], INPUT))


def on_meeting_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    metadata = metadata_of(view)
    meeting_id = metadata.get("meeting_id")
    # One indexed read before the ack: a duplicate name is shown in the form, like any other mistake.
    with deps.session() as session:
        program_id = int(metadata.get("program_id") or 0)
        taken = {m.name.lower() for m in meetings_of(session=session, program_id=program_id) if m.id != meeting_id}
        home = metadata.get("channel_id") or getattr(session.get(Program, program_id), "channel_id", "")
    try:
        valid = validate_meeting_form(form_from_view(view), taken)
    except FieldErrors as exc:
        ack(response_action="errors", errors={BLOCK_FOR_FIELD[k]: v for k, v in exc.errors.items()})
        return
    # One conversations.info per channel, before the ack: a channel I can't (or mustn't) post to is shown
    # under the field.
    errors = destination_errors(client, home, {BLOCK_FOR_FIELD["channel"]: ("agenda", valid.channel_id)}) if home else {}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    with deps.session() as session:
        program = session.get(Program, int(metadata.get("program_id") or 0))
    if program is None or program.team_id != team_id:
        raise UserError("That program no longer exists. Run `/agenda setup` in its channel.", "/agenda setup")
    ensure_lead(program, user_id)
    meeting = _save(deps, program, meeting_id, valid, user_id)
    start = next_occurrence(meeting, program, deps.clock.now())
    upcoming = f" Next meeting: {describe_start(start, meeting_zone(meeting, program))}." if start else ""
    client.chat_postEphemeral(channel=program.channel_id, user=user_id, text=(
        f":white_check_mark: Saved *{meeting.name}*: {describe_schedule(meeting, program)}.{upcoming}"))


def _save(deps, program: Program, meeting_id: int | None, valid: ValidMeeting, user_id: str) -> Meeting:
    now = deps.clock.now()
    with deps.session() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id else None
        if meeting is None or meeting.program_id != program.id:
            meeting = Meeting(program_id=program.id, created_by=user_id, created_at=now, channel_id=valid.channel_id)
        meeting.name, meeting.weekdays, meeting.local_time = valid.name, valid.weekdays, valid.local_time
        meeting.lead_minutes, meeting.channel_id, meeting.timezone = valid.lead_minutes, valid.channel_id, valid.timezone
        meeting.enabled, meeting.updated_at = True, now
        session.add(meeting)
        session.flush()
    return meeting


def register(app: App) -> None:
    app.view(Callback.AGENDA_SETUP.value)(guarded(on_meeting_submitted))
