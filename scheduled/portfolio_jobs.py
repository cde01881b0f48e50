"""The weekly portfolio digest, on the day and local time a lead chose (their program's timezone, DST-correct),
queued once through the outbox. It lists only what the digest's channel may read (bot/services/portfolio.py
`in_digest`), from the channel facts the tick keeps fresh (bot/channel_directory.py). As often as the
communication plan says (weekly, every two weeks, monthly or off), and also to each person (a DM listing what
they may see) and channel the plan names, each copy composed for its readers and queued under its own key."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.portfolio import build_portfolio, portfolio_text
from bot.deps import Deps
from bot.services.communication_plan import also_to, extra_key, on_schedule
from bot.services.portfolio import digest_key, digest_of, facts_from, may_read, portfolio, sort_lines
from bot.services.recurrence import daily_instants
from bot.services.standups import parse_hhmm
from bot.services.timezones import zone
from scheduled.jobs import Due, hold
from storage.channels import facts_of
from storage.models import Occurrence, Program
from storage.outbox import enqueue
from storage.programs import active_programs, programs_in

DIGEST_KIND = "portfolio.digest"
TITLE = "Weekly portfolio"


class PortfolioDigests:
    kind = DIGEST_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        out = []
        for program in hold(session, active_programs(session=session)):
            schedule = digest_of(program)
            if not schedule.enabled or not schedule.channel:
                continue
            tz = zone(program.timezone)
            for instant in daily_instants(start, end, parse_hhmm(schedule.time), tz):
                day = instant.astimezone(tz).date()
                if day.weekday() == schedule.day and on_schedule(program, "portfolio", day):
                    out.append(Due(self.kind, f"program:{program.id}", instant, {"program_id": program.id}))
        return out

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        program = session.get(Program, due.data["program_id"])
        occurrence.detail = queue_digest(session, program, due.due_at, occurrence_id=occurrence.id)


def queue_digest(session: Session, program: Program, at: datetime, *, occurrence_id: int | None = None) -> str:
    """Compose the digest of ``program``'s team as of ``at`` and queue it to the chosen channel; returns what
    it listed. Not tied to one program in the outbox (``program_id``): it speaks of many, and the send-time
    check of a program's home against its destination does not apply to it (the digest made its own)."""
    channel = digest_of(program).channel
    extras = also_to(program, "portfolio", besides=(channel,))
    team = [p for p in programs_in(session=session, team_id=program.team_id) if not p.is_archived]
    channels = [*(p.channel_id for p in team), channel, *(t for t in extras if t[:1] not in ("U", "W"))]
    facts = facts_from(facts_of(session=session, team_id=program.team_id, channel_ids=channels), channels)
    key = digest_key(program, at)
    said = ""
    for target, target_key in [(channel, key), *((t, extra_key(key, t)) for t in extras)]:
        listed = [p for p in team if may_read(p, facts[p.channel_id], target, facts.get(target), at)]
        lines = sort_lines(portfolio(session, listed, at), "rag")
        left_out = len(team) - len(listed)
        note = (f"{left_out} program{'s' if left_out != 1 else ''} not listed: private ones not every member here "
                "may read, or not checked lately." if left_out else "")
        enqueue(session=session, key=target_key, team_id=program.team_id, method="chat.postMessage", now=at,
                occurrence_id=occurrence_id, payload={
                    "channel": target, "text": portfolio_text(lines, TITLE), "unfurl_links": False,
                    "blocks": build_portfolio(lines, sort="rag", title=TITLE, note=note)})
        said = said or f"listed {len(listed)} of {len(team)} programs"
    return said + (f", and sent to {len(extras)} more" if extras else "")
