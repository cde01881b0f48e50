"""When a scheduled send can never succeed (deleted or archived channel, bot removed, person gone),
the program's leads are told once per outage, by DM, deduplicated by an outbox key; nothing else stops.
An outage is named by the last message that got through to the channel, so a channel that is fixed and
later breaks again is reported again, while every failure in between stays quiet."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, or_, select

from storage.models import OutboundMessage, Program
from storage.outbox import enqueue, last_posted_id

NOTICE_PREFIX = "delivery-failed:"
USER_DEACTIVATED = "user_deactivated"  # ours: Slack accepts DMs to deactivated people and drops them
REASONS = {
    "channel_not_found": "the channel was deleted (or I can no longer see it)",
    "not_in_channel": "I was removed from the channel — `/invite @tpmbot` there to bring me back",
    "is_archived": "the channel is archived",
    "user_not_found": "that person is no longer in the workspace",
    USER_DEACTIVATED: "that person's account is deactivated",
    "cannot_dm_bot": "that user is a bot",
}


def program_of(session: Session, message: OutboundMessage) -> Program | None:
    if message.program_id is not None:
        program = session.get(Program, message.program_id)
        if program is not None:
            return program
    return session.exec(select(Program).where(
        Program.team_id == message.team_id,
        or_(Program.channel_id == message.channel, Program.escalation_channel_id == message.channel),
    ).order_by(Program.id)).first()


def _where(channel: str) -> str:
    if channel[:1] in ("U", "W"):
        return f"a direct message to <@{channel}>"
    if channel[:1] == "D":
        return "a direct message"
    return f"<#{channel}>"


def tell_leads(*, session: Session, message: OutboundMessage, error: str, now: datetime) -> int:
    """Queue one DM per lead about ``message`` failing for good; 0 when there is no one to tell or
    they were already told about this channel and error since it last worked. A failed notice is never
    itself reported."""
    if error not in REASONS or message.idempotency_key.startswith(NOTICE_PREFIX):
        return 0
    program = program_of(session, message)
    if program is None:
        return 0
    what = message.idempotency_key.split(":", 1)[0]
    text = (f":warning: *{program.name}*: I could not post a scheduled message ({what}) in "
            f"{_where(message.channel)}: {REASONS[error]}. Everything else keeps running; "
            f"I won't repeat this unless it works again and then fails again.")
    outage = last_posted_id(session=session, target=message.target or message.channel) or 0
    queued = 0
    for lead in program.leads:
        key = f"{NOTICE_PREFIX}{program.id}:{message.channel}:{error}:{outage}:{lead}"
        if enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage",
                   payload={"channel": lead, "text": text}, now=now) is not None:
            queued += 1
    return queued
