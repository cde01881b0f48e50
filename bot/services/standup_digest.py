"""The stand-up digest: one message per run. The first post goes through the outbound queue under the
run's key (so the schedule, `/digest` and a restart can never post it twice); later changes edit it. A
copy goes to each person (a DM) and channel the communication plan also sends the digest to, once, under the
run's key and theirs (bot/services/communication_plan.py): a snapshot as of the cutoff, not edited, and
without the digest's metadata, so replies there are not taken as the program's stand-up thread."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.standups import build_digest, digest_text
from bot.services.communication_plan import also_to, extra_key
from bot.services.coordination import open_dependencies, read_ahead_open
from bot.services.standups import run_state
from storage.models import OutboundMessage, Program
from storage.outbox import by_key, enqueue
from storage.standup_models import StandupRun


DIGEST_EVENT = "tpmbot_standup_digest"  # its thread takes `blocker:`, `action:`, … replies
DEPENDENCIES = "digest.dependencies"  # what a tick's digests read ahead (bot/services/coordination.py)


def digest_key(run: StandupRun) -> str:
    return f"standup.digest:{run.id}"


def digest_payload(*, session: Session, program: Program, run: StandupRun, now: datetime) -> dict:
    state = run_state(session=session, run=run, team_id=program.team_id, at=now, program=program)
    dependencies = open_dependencies(session, program, DEPENDENCIES, (program.id, run.day))
    return {"channel": run.digest_channel or program.channel_id, "text": digest_text(program.name, run.day),
            "blocks": build_digest(program.name, run.day, state, dependencies=dependencies, program=program),
            "unfurl_links": False}


def read_ahead_dependencies(*, session: Session, runs: list[tuple[Program, str]]) -> None:
    """The open dependencies of a batch of digests' programs — (program, run day) each — with one query."""
    read_ahead_open(session=session, what=DEPENDENCIES, occasions=[((p.id, day), p.id) for p, day in runs])


def queue_digest(*, session: Session, program: Program, run: StandupRun, now: datetime,
                 occurrence_id: int | None = None) -> OutboundMessage | None:
    """Queue the run's digest unless it already is (or was sent), and its copies for the plan's destinations;
    returns the queued row (of the digest itself) or None."""
    plain = digest_payload(session=session, program=program, run=run, now=now)
    payload = {**plain, "metadata": {"event_type": DIGEST_EVENT, "event_payload": {"run_id": run.id}}}
    queued = enqueue(session=session, key=digest_key(run), team_id=program.team_id, method="chat.postMessage",
                     payload=payload, now=now,
                     occurrence_id=occurrence_id, program_id=program.id)
    for target in also_to(program, "digest", besides=(plain["channel"],)):
        enqueue(session=session, key=extra_key(digest_key(run), target), team_id=program.team_id,
                method="chat.postMessage", payload={**plain, "channel": target}, now=now,
                occurrence_id=occurrence_id, program_id=program.id)
    return queued


def posted_digest(*, session: Session, run: StandupRun) -> OutboundMessage | None:
    message = by_key(session=session, key=digest_key(run))
    return message if message is not None and message.status == "sent" and message.result_ts else None
