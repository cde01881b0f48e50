"""Messages the bot hears: a DM to it, or a reply in the thread of a message it posted.

What a thread reply means depends on the message it answers, found by that message's metadata
(`THREAD_PARENTS`, keyed by its event type): a stand-up prompt takes plain replies as the author's
update; an agenda and a digest take none. In every one of them a reply that starts with a record
kind's prefix (`blocker:`, `risk:`, `action:`, `decision:`) becomes that record and leaves the
author's update as it was. A parent may give the record something of itself to keep (an agenda: its
id, so the meeting's actions and decisions are found) and act once it is recorded (an agenda edits
its message to show it)."""

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
from handlers.agenda_flow import refresh_agenda
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
    # What a record captured from a prefixed reply keeps of this thread, in its details.
    details: Callable[[Thread], dict] | None = None
    # After a prefixed reply became a record.
    after_capture: Callable[[WebClient, Deps, Thread], None] | None = None


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


def _agenda_link(thread: Thread) -> dict:
    return {"agenda_id": thread.payload["agenda_id"]}


def _agenda_recorded(client: WebClient, deps: Deps, thread: Thread) -> None:
    refresh_agenda(client, deps, thread.payload["agenda_id"])


THREAD_PARENTS: dict[str, ThreadParent] = {
    PROMPT_EVENT: ThreadParent(_by_run, on_reply=_stand_up_reply),
    DIGEST_EVENT: ThreadParent(_by_run),
    AGENDA_EVENT: ThreadParent(_by_agenda, details=_agenda_link, after_capture=_agenda_recorded),
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
        spec, rest = prefixed
        details = parent.details(thread) if parent.details is not None else None
        item = capture_from_thread(client, deps, thread.program, event, spec, rest, details=details,
                                   inbox_id=inbox_id)
        if item is not None and parent.after_capture is not None:
            parent.after_capture(client, deps, thread)
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
