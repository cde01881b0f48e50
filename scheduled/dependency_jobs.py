"""Dependencies escalated in the program that asked for them are told to the side they are asked of:
each round of a dependency's escalation (bot/services/escalations, opened by the sweep) is sent once to
the people its card went to, keyed by the escalation's round, so repeated sweeps send nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.dependencies import notice
from bot.blocks.text import mrkdwn
from bot.deps import Deps
from bot.records.kinds.dependency import SPEC
from scheduled.escalation_jobs import sweep_instants
from scheduled.jobs import Due
from storage import outbox
from storage.dependencies import any_escalated
from storage.escalations import sweep_candidates
from storage.models import Occurrence
from storage.programs import programs_by_id


class DependencyEscalationNotices:
    kind = "dependency.escalated"

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        """The sweep's instants, while some dependency is escalated (runs after the sweep in a tick)."""
        if not any_escalated(session=session, kind=SPEC.name):
            return []
        return [Due(self.kind, "all", instant) for instant in sweep_instants(start, end)]

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        told = 0
        live = [(item, escalation) for item, escalation in sweep_candidates(session=session, kinds=(SPEC.name,))
                if escalation is not None and escalation.is_live and item.status == "open"]
        programs = programs_by_id(session=session, program_ids=[item.program_id for item, _ in live])  # one query
        # Which notices are queued already, in one query: the new ones are then written together at the flush.
        outbox.read_ahead_keys(session=session, keys=[_key(item, escalation, user) for item, escalation in live
                                                      for user in (item.details or {}).get("card_to") or []])
        for item, escalation in live:
            program = programs.get(item.program_id)
            if program is None or program.is_archived:
                continue
            text = mrkdwn(f"{program.name} escalated dependency {item.key} ({item.title}) that it asked of you: "
                          f"{escalation.reason}.", 2900)
            for user in (item.details or {}).get("card_to") or []:
                key = _key(item, escalation, user)
                if outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage",
                                  now=due.due_at, program_id=program.id,
                                  payload={"channel": user, "text": text,
                                           "blocks": notice(":rotating_light: " + text)}) is not None:
                    told += 1
        occurrence.detail = f"{told} told"


def _key(item, escalation, user: str) -> str:
    return f"dependency:{item.id}:escalated:{escalation.id}:{escalation.round}:{user}"
