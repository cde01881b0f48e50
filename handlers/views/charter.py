"""The charter modal's submission: leads only and each section within its limit (both shown in the
modal), then saved as the next version and announced in the program's channel through the outbox."""

from __future__ import annotations

import secrets
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.charter import BLOCK_FOR_FIELD, INPUT, saved_text
from bot.blocks.text import mrkdwn
from bot.ids import Callback
from bot.posts import post_message
from bot.services.charter import SECTIONS, CharterForm, is_lead, save_charter, validate_charter
from bot.services.errors import FieldErrors
from handlers.commands.raid_flow import metadata_of
from handlers.guard import guarded
from handlers.views.values import ViewValues
from storage.models import Program

FIRST = BLOCK_FOR_FIELD[SECTIONS[0].name]


def form_from_view(view: dict) -> CharterForm:
    values = ViewValues(view)
    return CharterForm(**{s.name: values.raw_text(BLOCK_FOR_FIELD[s.name], INPUT) for s in SECTIONS})


def on_charter_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    # One indexed read before the ack: who may save is answered in the modal, like any other mistake.
    with deps.session() as session:
        program = session.get(Program, int(metadata_of(view).get("program_id") or 0))
    if program is None or program.team_id != team_id:
        ack(response_action="errors", errors={FIRST: "That program no longer exists. Run /tpm charter in its channel."})
        return
    if not is_lead(program, user_id):
        ack(response_action="errors", errors={FIRST: "Only the program's leads can change its charter: ask one of "
                                                     "them (/tpm settings lists them). Nothing was saved."})
        return
    try:
        form = validate_charter(form_from_view(view))
    except FieldErrors as exc:
        ack(response_action="errors", errors={BLOCK_FOR_FIELD[k]: v for k, v in exc.errors.items()})
        return
    ack()
    inbox_id = context.get("inbox_id")
    with deps.session() as session:
        saved = save_charter(session=session, program=program, form=form, author_id=user_id, now=deps.clock.now(),
                             inbox_id=inbox_id)
    if saved.new:  # the channel sees that its charter changed, once, however often the request is handled
        post_message(client, deps, key=f"charter.saved:{saved.charter.id}", team_id=team_id,
                     channel=program.channel_id, program_id=program.id,
                     text=saved_text(program, saved.charter, saved.changed))
    else:
        post_message(client, deps, key=f"charter.unchanged:{inbox_id or secrets.token_hex(8)}", team_id=team_id,
                     channel=user_id, program_id=program.id,
                     text=f"Nothing changed in the charter of *{mrkdwn(program.name, 200)}*: it is still version "
                          f"{saved.charter.version}.")


def register(app: App) -> None:
    app.view(Callback.CHARTER.value)(guarded(on_charter_submitted))
