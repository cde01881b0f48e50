"""`/tpm stakeholders`: the modal (anyone may read it; leads save), and its submission — leads only,
each informed channel one the bot is in (looked up before the ack, the problem shown under the field)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.stakeholders import BLOCK_FOR_FIELD, INPUT, SCHEDULE_OPTION, stakeholders_modal
from bot.blocks.text import mrkdwn
from bot.channel_lookup import lookup_all
from bot.ids import Callback
from bot.services.destinations import problem
from bot.services.stakeholders import StakeholderForm, describe, field_errors, form_of, save_stakeholders
from handlers.commands.raid_flow import metadata_of
from handlers.commands.router import CommandCall
from handlers.guard import guarded
from handlers.programs import program_here
from handlers.views.values import ViewValues
from storage.models import Program

WHAT = "change-request notices"


def stakeholders_command(call: CommandCall) -> None:
    call.ack()
    program = program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                           channel_name=call.channel_name, user_id=call.user_id)
    metadata = json.dumps({"program_id": program.id})
    may_edit = not program.leads or call.user_id in program.leads
    call.client.views_open(trigger_id=call.trigger_id,
                           view=stakeholders_modal(program, form_of(program), metadata, may_edit=may_edit))


def form_from_view(view: dict) -> StakeholderForm:
    values = ViewValues(view)
    state = (view.get("state") or {}).get("values") or {}
    channels = ((state.get(BLOCK_FOR_FIELD["informed_channels"]) or {}).get(INPUT) or {})
    return StakeholderForm(
        sponsor=values.user(BLOCK_FOR_FIELD["sponsor"], INPUT),
        approvers=tuple(values.users(BLOCK_FOR_FIELD["approvers"], INPUT)),
        consulted=tuple(values.users(BLOCK_FOR_FIELD["consulted"], INPUT)),
        informed_people=tuple(values.users(BLOCK_FOR_FIELD["informed_people"], INPUT)),
        informed_channels=tuple(channels.get("selected_conversations") or channels.get("selected_channels") or ()),
        approval=values.selected(BLOCK_FOR_FIELD["approval"], INPUT) or "all",
        schedule_needs_approval=SCHEDULE_OPTION in values.checked(BLOCK_FOR_FIELD["schedule"], INPUT))


def channel_errors(client: WebClient, program: Program, channels: tuple[str, ...]) -> str | None:
    """The first informed channel that can't take the program's notices, said as the field's error."""
    if not channels:
        return None
    facts = lookup_all(client, [program.channel_id, *channels])
    for chosen in channels:
        said = problem(facts[program.channel_id], facts[chosen], WHAT)
        if said:
            return said
    return None


def on_stakeholders_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    first = BLOCK_FOR_FIELD["sponsor"]
    with deps.session() as session:
        program = session.get(Program, int(metadata_of(view).get("program_id") or 0))
    if program is None or program.team_id != team_id:
        ack(response_action="errors", errors={first: "That program no longer exists. Run /tpm stakeholders in its "
                                                     "channel."})
        return
    if program.leads and user_id not in program.leads:
        ack(response_action="errors", errors={first: "Only the program's leads can change its stakeholders: ask one "
                                                     "of them (/tpm settings lists them). Nothing was saved."})
        return
    form = form_from_view(view)
    errors = {BLOCK_FOR_FIELD[k]: v for k, v in field_errors(form).items()}
    if not errors and (said := channel_errors(client, program, form.informed_channels)):
        errors[BLOCK_FOR_FIELD["informed_channels"]] = said
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    with deps.session() as session:
        stored = save_stakeholders(session=session, program=program, form=form, actor=user_id, now=deps.clock.now())
        said = describe(stored)
    client.chat_postEphemeral(channel=program.channel_id, user=user_id,
                              text=f":white_check_mark: Stakeholders of *{mrkdwn(program.name, 200)}* saved.\n{said}")


def register(app: App) -> None:
    app.view(Callback.STAKEHOLDERS.value)(guarded(on_stakeholders_submitted))
