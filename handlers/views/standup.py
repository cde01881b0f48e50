"""The stand-up answer modal's submission."""

from __future__ import annotations

import secrets

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.posts import post_message
from bot.ids import Action, Callback
from bot.services.errors import UserError
from bot.services.standups import ANSWER_LIMIT, Update, trimmed
from handlers.commands.raid_flow import metadata_of
from handlers.guard import guarded
from handlers.standup_flow import answer
from handlers.views.values import ViewValues
from storage.models import Program
from storage.standup_models import StandupRun


def on_answer_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    values = ViewValues(view)
    texts = {key: trimmed(" ".join(values.text(f"standup.modal.{key}", Action.STANDUP_INPUT).split()))
             for key in ("yesterday", "today", "blockers")}
    if not any(texts.values()):  # zero-width characters alone are nothing
        ack(response_action="errors", errors={"standup.modal.today": "Write at least what you will do today."})
        return
    too_long = {key: f"{len(text):,} characters: the limit is {ANSWER_LIMIT:,}. Shorten it (link a doc for the rest)."
                for key, text in texts.items() if len(text) > ANSWER_LIMIT}
    if too_long:
        ack(response_action="errors", errors={f"standup.modal.{key}": why for key, why in too_long.items()})
        return
    ack()
    deps = context["deps"]
    metadata = metadata_of(view)
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    with deps.session() as session:
        run = session.get(StandupRun, int(metadata.get("run_id") or 0))
        program = session.get(Program, run.program_id) if run else None
    if run is None or program is None or program.team_id != team_id:
        raise UserError("That stand-up no longer exists. Type `/standup` for today's.", "/standup")
    if run.roster and user_id not in run.roster and metadata.get("for_user") not in (None, user_id):
        raise UserError("This stand-up prompt was for someone else.", "/standup")
    _, late = answer(client, deps, program, user_id, Update(**texts), "modal", run_id=run.id)
    note = " It's after the cutoff, so it's marked late." if late else ""
    # Keyed on the request (bot/inbox): a request run again after a crash confirms once.
    post_message(client, deps, key=f"standup.modal:{context.get('inbox_id') or secrets.token_hex(8)}",
                 team_id=team_id, channel=user_id, program_id=program.id,
                 text=f":white_check_mark: Got your stand-up for {run.day}.{note}")


def register(app: App) -> None:
    app.view(Callback.STANDUP_ANSWER.value)(guarded(on_answer_submitted))
