"""`/tpm stakeholders`: the modal (anyone may read it; leads save), and its submission — leads only,
each informed channel and each channel of the communication plan one that may take that output (the bot
is in it; a private program's output never to a public channel), looked up together before the ack, the
problem shown under the field."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.stakeholders import BLOCK_FOR_FIELD, INPUT, SCHEDULE_OPTION, stakeholders_modal
from bot.services.communication_plan import OUTPUTS, Route
from bot.blocks.text import mrkdwn
from bot.channel_lookup import lookup_all
from bot.ids import Callback
from bot.services.destinations import problem
from bot.services.stakeholders import (StakeholderForm, describe, field_errors, form_of, plan_field,
                                       save_stakeholders)
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


def _conversations(view: dict, block: str) -> tuple[str, ...]:
    state = (view.get("state") or {}).get("values") or {}
    chosen = (state.get(block) or {}).get(INPUT) or {}
    return tuple(chosen.get("selected_conversations") or chosen.get("selected_channels") or ())


def _plan_from_view(view: dict, values: ViewValues) -> dict[str, Route]:
    def block(output: str, part: str) -> str:
        return BLOCK_FOR_FIELD[plan_field(output, part)]

    return {output.name: Route(people=tuple(values.users(block(output.name, "people"), INPUT)),
                               channels=_conversations(view, block(output.name, "channels")),
                               frequency=values.selected(block(output.name, "frequency"), INPUT) or "")
            for output in OUTPUTS}


def form_from_view(view: dict) -> StakeholderForm:
    values = ViewValues(view)
    return StakeholderForm(
        sponsor=values.user(BLOCK_FOR_FIELD["sponsor"], INPUT),
        approvers=tuple(values.users(BLOCK_FOR_FIELD["approvers"], INPUT)),
        consulted=tuple(values.users(BLOCK_FOR_FIELD["consulted"], INPUT)),
        informed_people=tuple(values.users(BLOCK_FOR_FIELD["informed_people"], INPUT)),
        informed_channels=_conversations(view, BLOCK_FOR_FIELD["informed_channels"]),
        approval=values.selected(BLOCK_FOR_FIELD["approval"], INPUT) or "all",
        schedule_needs_approval=SCHEDULE_OPTION in values.checked(BLOCK_FOR_FIELD["schedule"], INPUT),
        plan=_plan_from_view(view, values))


def channel_errors(client: WebClient, program: Program, form: StakeholderForm) -> dict[str, str]:
    """Under each channel field (by block id), the first of its channels that can't take its output: the
    informed channels (change-request notices) and each output's channels in the plan, all looked up at once."""
    fields = {BLOCK_FOR_FIELD["informed_channels"]: (WHAT, form.informed_channels)}
    for output in OUTPUTS:
        route = form.plan.get(output.name, Route())
        fields[BLOCK_FOR_FIELD[plan_field(output.name, "channels")]] = (output.what, route.channels)
    chosen = [c for _, channels in fields.values() for c in channels]
    if not chosen:
        return {}
    facts = lookup_all(client, [program.channel_id, *chosen])
    errors = {}
    for block, (what, channels) in fields.items():
        said = next(filter(None, (problem(facts[program.channel_id], facts[c], what) for c in channels)), None)
        if said:
            errors[block] = said
    return errors


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
    if not errors:
        errors = channel_errors(client, program, form)
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
