"""Replies in an agenda's thread: `action:` and `decision:` become the meeting's record, `blocker:` and
`risk:` become RAID items; each is confirmed to its author and the agenda message is edited in place.
A mistake gets a short reply with an example, and nothing is saved."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.services import agendas
from bot.services.agenda_grammar import PREFIX, parse_action, parse_decision
from bot.services.errors import UserError
from handlers.agenda_flow import refresh_agenda
from handlers.members import user_timezone
from bot.records.registry import spec_for
from handlers.records.capture import capture_from_thread
from handlers.records.common import ensure_user
from storage.agenda_models import Agenda, Meeting
from storage.models import Program


def capture_in_agenda(client: WebClient, deps: Deps, agenda_id: int, event: dict) -> None:
    match = PREFIX.match(event.get("text", ""))
    if match is None:
        return  # conversation in the thread, not a record
    with deps.session() as session:
        agenda = session.get(Agenda, agenda_id)
        meeting = session.get(Meeting, agenda.meeting_id) if agenda else None
        program = session.get(Program, meeting.program_id) if meeting else None
    if program is None:
        return
    kind = match.group(1).lower()
    if kind not in ("action", "decision"):  # the meeting's own record below; other kinds are the core's
        capture_from_thread(client, deps, program, event, spec_for(kind), event["text"][match.end():])
    elif not _record(client, deps, program, agenda, kind, event, event["text"][match.end():]):
        return
    refresh_agenda(client, deps, agenda.id)


def _record(client: WebClient, deps: Deps, program: Program, agenda: Agenda, kind: str, event: dict,
            text: str) -> bool:
    user_id, now = event["user"], deps.clock.now()
    tz = user_timezone(client, deps, program.team_id, user_id)
    try:
        if kind == "action":
            draft = parse_action(text, tz, now)
            ensure_user(client, draft.owner_id, "action: <@U0BOB> send the rollout plan by friday")
        else:
            decided = parse_decision(text)
    except UserError as error:
        _tell(client, event, error.reply_text())
        return False
    where = {"channel": event["channel"], "ts": event["ts"]}
    with deps.session() as session:
        if kind == "action":
            action = agendas.record_action(session=session, program=program, agenda=agenda, draft=draft,
                                           author_id=user_id, now=now, **where)
            due = f", due {draft.due.describe()}" if draft.due else ", no due date"
            confirmation = f":white_check_mark: Recorded action *{action.key}* for <@{action.owner_id}>{due}."
        else:
            decision = agendas.record_decision(session=session, program=program, agenda=agenda, text=decided,
                                               author_id=user_id, now=now, **where)
            confirmation = f":white_check_mark: Recorded decision *{decision.key}*."
    _tell(client, event, confirmation)
    return True


def _tell(client: WebClient, event: dict, text: str) -> None:
    client.chat_postEphemeral(channel=event["channel"], user=event["user"], thread_ts=event.get("thread_ts"), text=text)
