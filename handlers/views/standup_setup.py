"""`/standup setup`: open the form (leads only) and save it, resolving "everyone in this channel"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.standup_setup import BLOCK_FOR_FIELD, INPUT, build_standup_setup
from bot.ids import Callback
from bot.services.errors import FieldErrors, UserError
from bot.services.standup_setup import StandupForm, validate_standup_form
from bot.services.standups import config_of
from handlers.commands.raid_flow import metadata_of
from bot.channel_lookup import destination_errors
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.setup_modal import ensure_lead
from handlers.views.values import ViewValues
from storage.models import Program


def open_standup_setup(client: WebClient, deps, trigger_id: str, program: Program, user_id: str) -> None:
    ensure_lead(program, user_id)
    with deps.session() as session:
        config = config_of(session=session, program=program)
    client.views_open(trigger_id=trigger_id, view=build_standup_setup(
        config, {"program_id": program.id, "channel_id": program.channel_id}))


def form_from_view(view: dict) -> StandupForm:
    values = ViewValues(view)
    b = BLOCK_FOR_FIELD
    return StandupForm(
        local_time=values.time(b["time"], INPUT) or "", days=[int(v) for v in values.checked(b["days"], INPUT)],
        questions=values.text(b["questions"], INPUT).splitlines(), participants=values.users(b["participants"], INPUT),
        everyone="everyone" in values.checked(b["everyone"], INPUT), mode=values.selected(b["mode"], INPUT) or "",
        reminder_minutes=values.text(b["reminder"], INPUT), cutoff=values.time(b["cutoff"], INPUT) or "",
        digest_channel_id=values.conversation(b["digest_channel"], INPUT))


def _channel_humans(client: WebClient, channel: str) -> list[str]:
    members, cursor = [], None
    while True:
        page = client.conversations_members(channel=channel, cursor=cursor, limit=200)
        members += page["members"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    humans = []
    for user in members:
        info = client.users_info(user=user)["user"]
        if not info.get("is_bot") and not info.get("deleted") and user != "USLACKBOT":
            humans.append(user)
    return humans


def _home_of(deps, metadata: dict) -> str:
    """A form opened before its metadata carried the home channel: one primary-key read."""
    with deps.session() as session:
        program = session.get(Program, int(metadata.get("program_id") or 0))
    return program.channel_id if program is not None else ""


def on_setup_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    metadata = metadata_of(view)
    try:
        form = validate_standup_form(form_from_view(view))
    except FieldErrors as exc:
        ack(response_action="errors", errors={BLOCK_FOR_FIELD[k]: v for k, v in exc.errors.items()})
        return
    home = metadata.get("channel_id") or _home_of(deps, metadata)
    # One conversations.info per channel, before the ack: a digest channel I can't (or mustn't) post to
    # is shown under the field.
    errors = destination_errors(client, home, {BLOCK_FOR_FIELD["digest_channel"]: ("digest", form.digest_channel_id)}) \
        if home else {}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    with deps.session() as session:
        program = session.get(Program, int(metadata.get("program_id") or 0))
    if program is None or program.team_id != team_id:
        raise UserError("That program no longer exists. Run `/standup setup` in its channel.", "/standup setup")
    ensure_lead(program, user_id)
    participants = _channel_humans(client, program.channel_id) if form.everyone else form.participants
    for participant in participants:
        user_timezone(client, deps, team_id, participant)  # cache each zone for the schedule
    with deps.session() as session:
        config = config_of(session=session, program=program)
        config.local_time, config.days, config.questions = form.local_time, form.days, form.questions
        config.participants, config.mode, config.reminder_minutes = participants, form.mode, int(form.reminder_minutes)
        config.cutoff, config.digest_channel_id, config.enabled = form.cutoff, form.digest_channel_id, True
        config.updated_at = deps.clock.now()
        session.merge(config)
    client.chat_postEphemeral(channel=program.channel_id, user=user_id, text=(
        f":white_check_mark: Stand-up saved: {len(participants)} people, prompted at {form.local_time} their time, "
        f"digest at {form.cutoff} ({program.timezone}) in <#{form.digest_channel_id}>."))


def register(app: App) -> None:
    app.view(Callback.STANDUP_SETUP.value)(guarded(on_setup_submitted))
