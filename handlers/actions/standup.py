"""Stand-up buttons: "Answer" on a prompt, "Log as blocker" on a digest entry."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.records import record_modal
from bot.blocks.standups import build_answer_modal
from bot.ids import Action
from bot.services.errors import UserError
from bot.services.standups import current_answers
from bot.services.standups import ensure_participant
from bot.records.kinds.blocker import SPEC as BLOCKER
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.records.modal import ensure_member
from storage.models import Program
from storage.standup_models import StandupAnswer, StandupRun


def on_answer_button(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    user_id = body["user"]["id"]
    with deps.session() as session:
        run = session.get(StandupRun, int(action.get("value") or 0))
        if run is None:
            raise UserError("That stand-up no longer exists. Type `/standup` for today's.", "/standup")
        ensure_participant(run, user_id, session.get(Program, run.program_id).name)
        previous = current_answers(session=session, run=run).get(user_id)
    view = build_answer_modal(run.questions, {"program_id": run.program_id, "run_id": run.id, "for_user": user_id},
                              previous)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_log_blocker(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    deps = context["deps"]
    with deps.session() as session:
        row = session.get(StandupAnswer, int(action.get("value") or 0))
        run = session.get(StandupRun, row.run_id) if row else None
        program = session.get(Program, run.program_id) if run else None
    if row is None or program is None or program.team_id != (body.get("team") or {}).get("id"):
        raise UserError("That stand-up answer no longer exists.", "/blocker list")
    ensure_member(client, program.channel_id, body["user"]["id"])  # a private program's answers stay in it
    tz = user_timezone(client, deps, program.team_id, body["user"]["id"])
    view = record_modal(BLOCKER, {"channel_id": program.channel_id, "source_link": ""}, tz,
                        prefill={"title": row.blockers, "owner": row.user_id})
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.action(Action.STANDUP_OPEN.value)(guarded(on_answer_button))
    app.action(Action.STANDUP_LOG_BLOCKER.value)(guarded(on_log_blocker))
