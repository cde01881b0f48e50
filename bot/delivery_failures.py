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
PRIVATE_TO_PUBLIC = "private_to_public"  # ours: refused before sending (bot/services/destinations.py)

# What each error means, in words that name the real cause; ``where`` is the channel or person, ``home``
# the program's own channel.
REASONS = {
    "channel_not_found": "{where} is gone: it was deleted, or it is private and I'm not in it "
                         "(then `/invite @tpmbot` there)",
    "not_in_channel": "I'm not in {where} — `/invite @tpmbot` there and I'll post again",
    "is_archived": "{where} is archived: unarchive it, or choose another channel",
    "user_not_found": "that person is no longer in the workspace",
    USER_DEACTIVATED: "that person's account is deactivated",
    "cannot_dm_bot": "that user is a bot",
    PRIVATE_TO_PUBLIC: "{home} is private and {where} is public, so I won't post the program's blockers, risks "
                       "and answers there: choose a private channel (or {home} itself)",
}

# Where a program's leads change the destination of each kind of message (by its outbox key's prefix).
SETTING_FOR = {"standup.digest": "`/standup setup`", "escalation": "`/tpm setup`", "agenda": "`/agenda setup`",
               "agenda.post": "`/agenda setup`", "status.report": "`/status schedule`"}
KIND_NAMES = {"standup.digest": "the stand-up digest", "escalation": "an escalation", "agenda": "an agenda", "agenda.post": "an agenda",
              "status.report": "the status report", "standup.prompt": "a stand-up prompt",
              "standup.reminder": "a stand-up reminder"}


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
    kind = message.idempotency_key.split(":", 1)[0]
    what = KIND_NAMES.get(kind, f"a message ({kind})")
    where = _where(message.channel)
    reason = REASONS[error].format(where=where, home=f"<#{program.channel_id}>")
    fix = f" You choose where it goes in {SETTING_FOR[kind]}." if kind in SETTING_FOR and error not in (
        "user_not_found", USER_DEACTIVATED, "cannot_dm_bot") else ""
    text = (f":warning: *{program.name}*: I could not post {what} in {where}: {reason}.{fix} "
            "Everything else keeps running; I won't repeat this unless it works again and then fails again.")
    outage = last_posted_id(session=session, target=message.target or message.channel) or 0
    queued = 0
    for lead in program.leads:
        key = f"{NOTICE_PREFIX}{program.id}:{message.channel}:{error}:{outage}:{lead}"
        if enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage",
                   payload={"channel": lead, "text": text}, now=now) is not None:
            queued += 1
    return queued
