"""Messages the bot hears: a DM to it, or a reply in the thread of a message it posted.

What a thread reply means depends on the message it answers, found by that message's metadata
(`THREAD_PARENTS`, keyed by its event type): a stand-up prompt takes plain replies as the author's
update; an agenda and a digest take none. In every one of them a reply that starts with a record
kind's prefix (`blocker:`, `risk:`, `action:`, `decision:`) becomes that record and leaves the
author's update as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.deps import Deps
from bot.services.agendas import AGENDA_EVENT
from bot.services.errors import UserError
from bot.services.standup_digest import DIGEST_EVENT
from bot.services.standups import ensure_participant, parse_update
from handlers.agenda_capture import capture_in_agenda
from handlers.records.capture import capture_from_thread, prefixed_kind
from handlers.standup_flow import answer
from storage.agenda_models import Agenda, Meeting
from storage.models import Program
from storage.outbox import sent_message_at
from storage.standup_models import StandupRun

PROMPT_EVENT = "tpmbot_standup_prompt"
IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave",
                    "thread_broadcast"}


@dataclass(frozen=True)
class Thread:
    """The thread a reply is in: its program, and what its parent said about itself."""

    program: Program
    payload: dict
    run: StandupRun | None = None


@dataclass(frozen=True)
class ThreadParent:
    locate: Callable[[Session, dict], Thread | None]
    # A plain (unprefixed) reply; None: conversation, nothing to record.
    on_reply: Callable[[WebClient, Deps, Thread, dict], None] | None = None
    # A prefixed reply, when this parent handles it itself (an agenda records its meeting's actions).
    on_prefixed: Callable[[WebClient, Deps, Thread, dict], bool] | None = None


def _by_run(session: Session, payload: dict) -> Thread | None:
    run = session.get(StandupRun, payload.get("run_id") or 0)
    program = session.get(Program, run.program_id) if run else None
    return Thread(program, payload, run) if program else None


def _by_agenda(session: Session, payload: dict) -> Thread | None:
    agenda = session.get(Agenda, payload.get("agenda_id") or 0)
    meeting = session.get(Meeting, agenda.meeting_id) if agenda else None
    program = session.get(Program, meeting.program_id) if meeting else None
    return Thread(program, payload) if program else None


def _stand_up_reply(client: WebClient, deps: Deps, thread: Thread, event: dict) -> None:
    try:
        ensure_participant(thread.run, event["user"], thread.program.name)
    except UserError as refusal:
        client.chat_postEphemeral(channel=event["channel"], user=event["user"], thread_ts=event["thread_ts"],
                                  text=refusal.reply_text())
        return
    _answer(client, deps, thread.program, thread.run, event, "thread")


def _agenda_prefixed(client: WebClient, deps: Deps, thread: Thread, event: dict) -> bool:
    capture_in_agenda(client, deps, thread.payload["agenda_id"], event)
    return True


THREAD_PARENTS: dict[str, ThreadParent] = {
    PROMPT_EVENT: ThreadParent(_by_run, on_reply=_stand_up_reply),
    DIGEST_EVENT: ThreadParent(_by_run),
    AGENDA_EVENT: ThreadParent(_by_agenda, on_prefixed=_agenda_prefixed),
}


def on_message(event: dict, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES or not event.get("user"):
        return
    deps = context["deps"]
    if event.get("channel_type") == "im":
        _direct_message(client, deps, body.get("team_id", ""), event)
    elif event.get("thread_ts"):
        _thread_reply(client, deps, event, context.get("inbox_id"))


def _thread_reply(client: WebClient, deps: Deps, event: dict, inbox_id: str | None) -> None:
    with deps.session() as session:
        parent_message = sent_message_at(session=session, channel=event.get("channel", ""), ts=event["thread_ts"])
        metadata = (parent_message.payload.get("metadata") or {}) if parent_message else {}
        parent = THREAD_PARENTS.get(metadata.get("event_type", ""))
        thread = parent.locate(session, metadata.get("event_payload") or {}) if parent else None
    if parent is None or thread is None:
        return
    prefixed = prefixed_kind(event.get("text", ""))
    if prefixed is not None:
        if parent.on_prefixed is not None and parent.on_prefixed(client, deps, thread, event):
            return
        spec, rest = prefixed
        capture_from_thread(client, deps, thread.program, event, spec, rest, inbox_id=inbox_id)
    elif parent.on_reply is not None:
        parent.on_reply(client, deps, thread, event)


def _direct_message(client: WebClient, deps: Deps, team_id: str, event: dict) -> None:
    with deps.session() as session:
        run = _latest_run_with(session, team_id, event["user"])
        program = session.get(Program, run.program_id) if run else None
    if run is not None and program is not None:
        _answer(client, deps, program, run, event, "dm")


def _answer(client: WebClient, deps: Deps, program: Program, run: StandupRun, event: dict, source: str) -> None:
    answer(client, deps, program, event["user"], parse_update(event.get("text", "")), source, run_id=run.id)
    client.reactions_add(channel=event["channel"], timestamp=event["ts"], name="white_check_mark")


def _latest_run_with(session, team_id: str, user_id: str) -> StandupRun | None:
    """The newest run whose roster has the user, in a program of this workspace."""
    runs = session.exec(select(StandupRun).join(Program, Program.id == StandupRun.program_id)
                        .where(Program.team_id == team_id).order_by(StandupRun.day.desc(), StandupRun.id.desc())
                        .limit(20)).all()
    return next((run for run in runs if user_id in run.roster), None)
