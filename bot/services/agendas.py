"""Agenda composition and the meeting's record. An agenda lists, for one occurrence: open blockers by
age, top risks, what is due or overdue before the next occurrence, the action items recorded last time,
and the carry-over (what was listed last time and is still open). A meeting named like a planning or a
retro (`Sprint planning`, `Retro`) in a program with sprints also lists its sprint: what ended (closed) in
it and what is due in it, of every kind of record. It is one message, posted once
through the outbound queue under the agenda's key, then edited in place as the thread records
actions and decisions.

Action items and decisions are records (bot/records, kinds `action` and `decision`); one recorded in an
agenda's thread names the agenda in ``details.agenda_id``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from sqlmodel import Session

from bot.blocks.agendas import agenda_text, build_agenda
from bot.records.kinds import action as action_kind
from bot.records.kinds import decision as decision_kind
from bot.records.kinds import milestone as milestone_kind
from bot.records.kinds.milestone import Track
from bot.records.registry import KINDS
from bot.services.coordination import OpenDependencies, open_dependencies, read_ahead_open
from bot.services.milestones import Assessment, assess, slips_since, upcoming
from bot.services.meetings import meeting_zone, next_occurrence
from bot.services.program_settings import settings_of
from bot.services.raid import top_risks
from bot.services.sprints import Sprint, current_or_next
from bot.services.timezones import zone
from storage import agendas as store
from storage import raid as raid_store
from storage.agenda_models import Agenda, Meeting
from storage.models import OutboundMessage, Program
from storage.outbox import by_key, enqueue, sent_message_at
from storage.raid_models import Item

TOP_RISKS = 5
ACTION, DECISION = action_kind.SPEC.name, decision_kind.SPEC.name
MILESTONE = milestone_kind.SPEC.name
# The kinds besides blockers and risks whose open records can put a milestone at risk (a dependency
# committed after its forecast): read with the others, so the agenda's milestones are assessed as the
# status report's are.
CONCERNING = tuple(spec.name for spec in KINDS if spec.milestone_concern is not None
                   and spec.name not in ("blocker", "risk"))
AGENDA_ITEM_KINDS = ("blocker", "risk", ACTION, MILESTONE, *CONCERNING)  # the open ones, read together
MILESTONES_AHEAD = timedelta(days=14)  # milestones due within two weeks of the meeting are listed
MEETING_KINDS = (ACTION, DECISION)  # what a meeting records in its agenda's thread
AGENDA_EVENT = "tpmbot_agenda"
DEPENDENCIES = "agenda.dependencies"  # what a tick's agendas read ahead (bot/services/coordination.py)
SPRINT_MEETING = re.compile(r"\b(?:plan(?:ning)?|retro(?:spective)?s?)\b", re.I)


@dataclass(frozen=True)
class DueLine:
    key: str
    text: str
    owner_id: str
    due_at: datetime
    what: str  # "due" for blockers and actions, "review" for risks


@dataclass
class AgendaContent:
    program_name: str
    meeting_name: str
    occurs_at: datetime
    timezone: str
    now: datetime
    blockers: list[Item] = field(default_factory=list)
    risks: list[Item] = field(default_factory=list)
    open_risks: int = 0
    due: list[DueLine] = field(default_factory=list)
    last_actions: list[Item] = field(default_factory=list)
    carry_over: list[Item] = field(default_factory=list)
    carried_items: set[int] = field(default_factory=set)  # blocker/risk ids listed last time, still open
    actions: list[Item] = field(default_factory=list)  # recorded in this agenda's thread
    decisions: list[Item] = field(default_factory=list)
    due_actions: list[int] = field(default_factory=list)
    milestones: list[Item] = field(default_factory=list)  # due in the next two weeks, or slipping
    assessed: dict[int, Assessment] = field(default_factory=dict)
    program: Program | None = None  # its working days measure the milestones' slips
    sprint: Sprint | None = None  # a planning or retro agenda's sprint
    sprint_ended: list[Item] = field(default_factory=list)  # closed in it
    sprint_due: list[Item] = field(default_factory=list)  # open and due in it
    dependencies: OpenDependencies = field(default_factory=OpenDependencies)  # open, both ways

    def covered(self) -> dict:
        return {"blockers": [i.id for i in self.blockers], "risks": [i.id for i in self.risks],
                "actions": sorted({a.id for a in (*self.last_actions, *self.carry_over) if a.is_open}
                                  | set(self.due_actions))}


def compose_agenda(*, session: Session, program: Program, meeting: Meeting, agenda: Agenda, now: datetime,
                   new: bool = False) -> AgendaContent:
    """What the agenda shows, from the record as it is now. A fixed number of queries, whatever the history.
    ``new``: the agenda row was created by this transaction just now, so nothing can refer to it yet (its
    actions and decisions are recorded in its thread, once it is posted) and they are not looked up."""
    content = AgendaContent(program.name, meeting.name, agenda.occurs_at, meeting_zone(meeting, program), now,
                            program=program)
    items = raid_store.open_items_by_kind(session=session, program_id=program.id, kinds=AGENDA_ITEM_KINDS)
    content.blockers, open_risks, actions = items["blocker"], items["risk"], items[ACTION]
    plan = items[MILESTONE]
    content.assessed = assess(program, plan, [i for kind in AGENDA_ITEM_KINDS for i in items[kind]], now)
    content.milestones = [m for m in upcoming(plan) if m.due_at <= agenda.occurs_at + MILESTONES_AHEAD
                          or content.assessed[m.id].track in (Track.AT_RISK, Track.OFF_TRACK)
                          or slips_since(m, now - timedelta(days=7))]
    content.open_risks = len(open_risks)
    content.risks = top_risks(open_risks, TOP_RISKS)
    content.dependencies = open_dependencies(session, program, DEPENDENCIES, (meeting.id, agenda.occurs_at))
    previous = store.previous_agenda(session=session, agenda=agenda)
    linked = store.records_of(session=session, program_id=program.id, kinds=MEETING_KINDS,
                              agendas=[a for a in (previous, None if new else agenda) if a is not None])
    if previous is not None:
        content.last_actions = [i for i in linked[previous.id] if i.kind == ACTION]
        listed = set((previous.covered or {}).get("actions", []))
        last_ids = {a.id for a in content.last_actions}
        content.carry_over = [a for a in actions if a.id in listed and a.id not in last_ids]
        earlier = set((previous.covered or {}).get("blockers", [])) | set((previous.covered or {}).get("risks", []))
        content.carried_items = {i.id for i in (*content.blockers, *open_risks) if i.id in earlier}
    horizon = next_occurrence(meeting, program, agenda.occurs_at) or agenda.occurs_at + timedelta(days=7)
    due = [DueLine(b.key, b.title, b.owner_id, b.due_at, "due") for b in content.blockers
           if b.due_at and b.due_at <= horizon]
    due += [DueLine(r.key, r.title, r.owner_id, r.review_at, "review") for r in open_risks
            if r.review_at and r.review_at <= horizon]
    due_actions = [a for a in actions if a.due_at and a.due_at <= horizon]
    due += [DueLine(a.key, a.title, a.owner_id, a.due_at, "due") for a in due_actions]
    content.due_actions = [a.id for a in due_actions]
    content.due = sorted(due, key=lambda line: line.due_at)
    if not new:
        content.actions = [i for i in linked[agenda.id] if i.kind == ACTION]
        content.decisions = [i for i in linked[agenda.id] if i.kind == DECISION]
    window = sprint_window(program, meeting, agenda.occurs_at)
    if window is not None:
        content.sprint, start, end = window
        found = raid_store.sprint_items(session=session, program_id=program.id, start=start, end=end)
        content.sprint_ended = sorted((i for i in found if not i.is_open), key=lambda i: i.closed_at)
        content.sprint_due = sorted((i for i in found if i.is_open), key=lambda i: i.due_at)
    return content


def read_ahead_dependencies(*, session: Session, occurrences: list[tuple[Meeting, datetime]]) -> None:
    """The open dependencies of a batch of agendas' programs — (meeting, occurs at) each — with one query."""
    read_ahead_open(session=session, what=DEPENDENCIES,
                    occasions=[((meeting.id, occurs_at), meeting.program_id) for meeting, occurs_at in occurrences])


def is_sprint_meeting(name: str) -> bool:
    """A meeting whose name reads like a planning or a retro (`Sprint planning`, `Retro`, `PI plan`)."""
    return bool(SPRINT_MEETING.search(name or ""))


def sprint_window(program: Program, meeting: Meeting, occurs_at: datetime) -> tuple[Sprint, datetime, datetime] | None:
    """For a planning or retro meeting of a program with sprints: the sprint the meeting falls in (the first,
    before sprints start) and its span in UTC, from the first day's midnight to the day after the last, in
    the program's timezone. None for any other meeting."""
    if not is_sprint_meeting(meeting.name):
        return None
    tz = zone(program.timezone)
    sprint = current_or_next(settings_of(program).sprints, occurs_at.astimezone(tz).date())
    if sprint is None:
        return None
    start = datetime.combine(sprint.start, time(), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(sprint.end + timedelta(days=1), time(), tzinfo=tz).astimezone(timezone.utc)
    return sprint, start, end


def agenda_key(agenda: Agenda) -> str:
    return f"agenda:{agenda.id}"


def agenda_payload(*, session: Session, program: Program, meeting: Meeting, agenda: Agenda, now: datetime,
                   new: bool = False) -> dict:
    """The agenda message, composed now; records on the agenda what it lists (``new``: see compose_agenda)."""
    content = compose_agenda(session=session, program=program, meeting=meeting, agenda=agenda, now=now, new=new)
    agenda.covered = content.covered()
    session.add(agenda)
    return {"channel": agenda.channel, "text": agenda_text(content), "blocks": build_agenda(content),
            "unfurl_links": False, "metadata": {"event_type": AGENDA_EVENT, "event_payload": {"agenda_id": agenda.id}}}


def queue_agenda(*, session: Session, program: Program, meeting: Meeting, occurs_at: datetime, now: datetime,
                 occurrence_id: int | None = None, retry_failed: bool = False) -> tuple[Agenda, OutboundMessage | None]:
    """Queue the occurrence's agenda unless it already is (or was sent): (agenda, the queued row or None).
    ``retry_failed`` (someone asked for it by hand) queues again an agenda Slack refused for good earlier,
    e.g. before the bot was invited to the channel."""
    agenda, created = store.agenda_of_occurrence(session=session, meeting=meeting, occurs_at=occurs_at, now=now)
    existing = by_key(session=session, key=agenda_key(agenda))
    if existing is not None and not (retry_failed and existing.status == "dead"):
        return agenda, None
    payload = agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=now, new=created)
    if existing is not None:
        existing.payload, existing.channel, existing.status = payload, payload["channel"], "pending"
        existing.attempts, existing.next_attempt_at, existing.last_error = 0, now, ""
        session.add(existing)
        return agenda, existing
    return agenda, enqueue(session=session, key=agenda_key(agenda), team_id=program.team_id,
                           method="chat.postMessage", payload=payload, now=now, occurrence_id=occurrence_id,
                           program_id=program.id)


def posted_at(*, session: Session, agenda: Agenda) -> tuple[str, str] | None:
    """(channel, ts) of the agenda's message once Slack has it; remembered on the agenda row."""
    if agenda.ts:
        return agenda.channel, agenda.ts
    message = by_key(session=session, key=agenda_key(agenda))
    if message is None or message.status != "sent" or not message.result_ts:
        return None
    agenda.channel, agenda.ts = message.channel, message.result_ts
    session.add(agenda)
    return agenda.channel, agenda.ts


def agenda_for_message(*, session: Session, channel: str, ts: str) -> Agenda | None:
    """The agenda whose message is (channel, ts), whether or not its ts has been remembered yet."""
    agenda = store.agenda_at(session=session, channel=channel, ts=ts)
    if agenda is not None:
        return agenda
    message = sent_message_at(session=session, channel=channel, ts=ts)
    metadata = (message.payload.get("metadata") or {}) if message else {}
    if metadata.get("event_type") != AGENDA_EVENT:
        return None
    return session.get(Agenda, (metadata.get("event_payload") or {}).get("agenda_id"))


def action_for_button(*, session: Session, value: str, channel: str, ts: str) -> Item | None:
    """The action record an agenda's Done button names: `record:<id>`; or, on an agenda posted before action
    items became records, the old action item's id, found in the records of the agenda's program by the
    ``details.action_item_id`` the upgrade kept (a bare number is never taken for a record id)."""
    prefix, _, raw = value.rpartition(":")
    if not raw.isascii() or not raw.isdigit():
        return None
    if prefix == "record":
        item = session.get(Item, int(raw))
        return item if item is not None and item.kind == ACTION else None
    if prefix:
        return None
    agenda = agenda_for_message(session=session, channel=channel, ts=ts)
    meeting = session.get(Meeting, agenda.meeting_id) if agenda else None
    if meeting is None:
        return None
    return next((item for item in raid_store.records(session=session, program_id=meeting.program_id, kind=ACTION,
                                                      include_closed=True, limit=100_000)
                 if (item.details or {}).get("action_item_id") == int(raw)), None)
