"""Stand-up steps shared by the command, the modal and replies: record an answer, then keep the day's
digest (if it is already out) up to date by editing its one message."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.posts import edit_message
from bot.notifier import drain_outbox
from bot.services.standup_digest import digest_payload, posted_digest, queue_digest
from bot.services.standups import Update, ensure_run, program_day, record_answer
from bot.channel_lookup import refused_to_send
from storage.models import Program
from storage.standup_models import StandupRun


def answer(client: WebClient, deps: Deps, program: Program, user_id: str, update: Update, source: str,
           run_id: int | None = None) -> tuple[StandupRun, bool]:
    now = deps.clock.now()
    with deps.session() as session:
        run = session.get(StandupRun, run_id) if run_id else ensure_run(
            session=session, program=program, day=program_day(program, now), now=now)
        row = record_answer(session=session, run=run, user_id=user_id, update=update, source=source, now=now)
        late = row.late
    refresh_digest(client, deps, program, run)
    return run, late


def refresh_digest(client: WebClient, deps: Deps, program: Program, run: StandupRun) -> None:
    """Edit the run's digest in place if it has been posted; nothing to do before that."""
    with deps.session() as session:
        message = posted_digest(session=session, run=run)
        if message is None:
            return
        payload = digest_payload(session=session, program=program, run=run, now=deps.clock.now())
    if message.channel != program.channel_id and refused_to_send(client, program.channel_id, message.channel) is not False:
        return  # the destination rule: a private program's answers are not edited into a public channel
    edit_message(client, deps, of=message.idempotency_key, team_id=program.team_id, program_id=program.id,
                 channel=message.channel, ts=message.result_ts, text=payload["text"], blocks=payload["blocks"])


def post_digest_now(client: WebClient, deps: Deps, program: Program) -> StandupRun:
    """`/digest`: the same message the schedule posts — posted once, then edited."""
    now = deps.clock.now()
    with deps.session() as session:
        run = ensure_run(session=session, program=program, day=program_day(program, now), now=now)
        queued = queue_digest(session=session, program=program, run=run, now=now)
    if queued is not None:
        drain_outbox(deps, client)
    else:
        refresh_digest(client, deps, program, run)
    return run
