"""Plain replies as stand-up answers: a DM to the bot, or a reply in the channel prompt's thread."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bot.services.agendas import AGENDA_EVENT
from bot.services.errors import UserError
from bot.services.standups import ensure_participant, parse_update
from handlers.agenda_capture import capture_in_agenda
from handlers.raid_capture import capture_from_thread
from handlers.standup_flow import answer
from storage.models import Program
from storage.outbox import sent_message_at
from storage.standup_models import StandupRun

CAPTURE = re.compile(r"^\s*(blocker|risk)\s*:\s*", re.I)
IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave",
                    "thread_broadcast"}


def on_message(event: dict, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES or not event.get("user"):
        return
    deps = context["deps"]
    user_id, team_id = event["user"], body.get("team_id", "")
    agenda_id = None
    with deps.session() as session:
        if event.get("channel_type") == "im":
            run = _latest_run_with(session, team_id, user_id)
        elif event.get("thread_ts"):
            prompt = sent_message_at(session=session, channel=event.get("channel", ""), ts=event["thread_ts"])
            metadata = (prompt.payload.get("metadata") or {}) if prompt else {}
            if metadata.get("event_type") == AGENDA_EVENT:
                agenda_id = (metadata.get("event_payload") or {}).get("agenda_id")
            run_id = (metadata.get("event_payload") or {}).get("run_id")
            run = session.get(StandupRun, run_id) if run_id else None
        else:
            return
        program = session.get(Program, run.program_id) if run else None
    if agenda_id:
        capture_in_agenda(client, deps, agenda_id, event)
        return
    if run is None or program is None:
        return
    text = event.get("text", "")
    if event.get("thread_ts") and CAPTURE.match(text):
        capture_from_thread(client, deps, program, event)
        return
    if event.get("thread_ts"):
        try:
            ensure_participant(run, user_id, program.name)
        except UserError as refusal:
            client.chat_postEphemeral(channel=event["channel"], user=user_id, thread_ts=event["thread_ts"],
                                      text=refusal.reply_text())
            return
    update = parse_update(text)
    _, late = answer(client, deps, program, user_id, update, "dm" if event.get("channel_type") == "im" else "thread",
                     run_id=run.id)
    client.reactions_add(channel=event["channel"], timestamp=event["ts"], name="white_check_mark")


def _latest_run_with(session, team_id: str, user_id: str) -> StandupRun | None:
    """The newest run whose roster has the user, in a program of this workspace."""
    runs = session.exec(select(StandupRun).join(Program, Program.id == StandupRun.program_id)
                        .where(Program.team_id == team_id).order_by(StandupRun.day.desc(), StandupRun.id.desc())
                        .limit(20)).all()
    return next((run for run in runs if user_id in run.roster), None)
