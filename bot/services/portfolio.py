"""The portfolio: every program a person may see, one line each — its RAG, its next milestone with the
slip against its baseline, its open critical items and the date of its last status report.

RAG and milestone status are the status report's and the milestones' own rules
(bot/services/status_report.py `rag_status`, bot/services/milestones.py `assess`), read from the same
open records. Composing the portfolio costs two queries for any number of programs: every open record
of the programs at once, and every program's last status report at once.

Who may see a program (the visibility rules, over what Slack said about the channels, `ChannelFacts`):
- in `/tpm portfolio` and App Home, a public channel's program is shown to everyone in the team, a
  private channel's program only to its members; a channel whose facts are not known is treated as
  private with no members (shown to nobody until it has been checked);
- in a weekly digest, a public channel's program is always listed; a private channel's program only when
  the digest's channel is private and every one of its members is a member of the program's channel (so
  a digest in a public channel never lists a private program), both checked within the last hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.records.kinds import blocker as blocker_kind
from bot.records.kinds import milestone as milestone_kind
from bot.records.kinds import risk as risk_kind
from bot.services.errors import UserError
from bot.services.program_settings import PortfolioSettings, settings_of
from bot.services.milestones import Assessment, assess, slip_days, upcoming
from bot.services.status_report import DAYS, RED_RISK_SCORE, REPORT_KEY_PREFIX, TIME, rag_status
from storage.models import Program
from storage.outbox import last_sent_with_prefix
from storage.raid import open_rows_of
from storage.raid_models import Item

BLOCKER, RISK, MILESTONE = blocker_kind.SPEC.name, risk_kind.SPEC.name, milestone_kind.SPEC.name
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
SORTS = ("rag", "name", "next")
SORT_EXAMPLE = "/tpm portfolio rag"
DIGEST_EXAMPLE = "/tpm portfolio digest #leadership mon 09:00"
DIGEST_TRUST = timedelta(hours=1)  # a digest trusts what Slack said of a channel for this long


@dataclass(frozen=True)
class PortfolioLine:
    program: Program
    rag: str  # green | amber | red
    reasons: list[str]
    next_milestone: Item | None  # the open milestone with the soonest forecast
    next_assessment: Assessment | None
    slip_days: int  # of the next milestone, in working days past its baseline
    critical: list[Item] = field(default_factory=list)  # open critical blockers and risks scoring 20+
    last_report_at: datetime | None = None  # the last status report sent


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack said about a channel: ``known`` is False when it was never checked (or not lately
    enough for the caller); private channels carry their members."""

    channel_id: str
    known: bool = False
    visible: bool = False
    is_private: bool = True
    members: frozenset[str] = frozenset()
    checked_at: datetime | None = None

    @property
    def public(self) -> bool:
        return self.known and self.visible and not self.is_private


def critical_items(open_items: list[Item]) -> list[Item]:
    """The open critical blockers and the open risks scoring 20 or more (the RAG's red ones), by key."""
    found = [i for i in open_items if (i.kind == BLOCKER and i.severity == "critical")
             or (i.kind == RISK and (i.score or 0) >= RED_RISK_SCORE)]
    return sorted(found, key=lambda i: (i.kind, i.number))


def portfolio(session: Session, programs: list[Program], now: datetime,
              open_items: list[Item] | None = None) -> list[PortfolioLine]:
    """One line per program, in the order given. ``open_items``: the programs' open records when the caller
    has read them already (App Home), else they are read here. Two queries at most, for any number."""
    if not programs:
        return []
    ids = [p.id for p in programs]
    if open_items is None:
        open_items = open_rows_of(session=session, program_ids=ids)
    reports = last_sent_with_prefix(session=session, prefix=REPORT_KEY_PREFIX, program_ids=ids)
    by_program: dict[int, list[Item]] = {p.id: [] for p in programs}
    for item in open_items:
        if item.program_id in by_program:
            by_program[item.program_id].append(item)
    lines = []
    for program in programs:
        mine = by_program[program.id]
        plan = [i for i in mine if i.kind == MILESTONE]
        assessed = assess(program, plan, mine, now)
        rag, reasons = rag_status(program, mine, now, assessed=assessed)
        following = upcoming(plan, 1)
        nxt = following[0] if following else None
        lines.append(PortfolioLine(
            program=program, rag=rag, reasons=reasons, next_milestone=nxt,
            next_assessment=assessed.get(nxt.id) if nxt is not None else None,
            slip_days=slip_days(nxt, program) if nxt is not None else 0,
            critical=critical_items(mine), last_report_at=reports.get(program.id)))
    return lines


def sort_lines(lines: list[PortfolioLine], by: str = "rag") -> list[PortfolioLine]:
    """``rag``: red first, then amber, then green, most critical items first within each; ``name``: by
    name; ``next``: the soonest next milestone first, programs without one last. Ties by name."""
    def name(line: PortfolioLine) -> tuple[str, int]:
        return line.program.name.lower(), line.program.id

    if by == "name":
        return sorted(lines, key=name)
    if by == "next":
        far = datetime.max.replace(tzinfo=None)
        return sorted(lines, key=lambda l: (l.next_milestone is None,
                                            l.next_milestone.due_at.replace(tzinfo=None) if l.next_milestone
                                            and l.next_milestone.due_at else far, name(l)))
    return sorted(lines, key=lambda l: (RAG_ORDER.get(l.rag, 3), -len(l.critical), name(l)))


def parse_sort(text: str) -> str:
    word = text.strip().lower()
    if not word:
        return "rag"
    if word not in SORTS:
        raise UserError(f"`{text.strip()[:40]}` isn't a way to sort the portfolio: say `rag` (red first, the "
                        "default), `name` or `next` (the soonest next milestone first).", SORT_EXAMPLE)
    return word


# ---- who may see what ---------------------------------------------------------------------------

def facts_from(rows: dict, channels: list[str]) -> dict[str, ChannelFacts]:
    """Stored facts (storage.channels.facts_of's rows, by channel) as ``ChannelFacts``; unknown ones too."""
    out = {}
    for channel in channels:
        row = rows.get(channel)
        out[channel] = ChannelFacts(channel) if row is None else ChannelFacts(
            channel, known=True, visible=row.visible, is_private=row.is_private,
            members=frozenset(row.members or ()), checked_at=row.checked_at)
    return out


def visible_to(user_id: str, program: Program, facts: ChannelFacts | None) -> bool:
    """May ``user_id`` see ``program`` in the portfolio? (The rules above.)"""
    if facts is None or not facts.known or not facts.visible:
        return False
    return not facts.is_private or user_id in facts.members


def in_digest(program: Program, home: ChannelFacts | None, digest: ChannelFacts | None, now: datetime) -> bool:
    """May ``program`` be listed in a digest posted to the channel ``digest``? (The rules above.)"""
    def fresh(facts: ChannelFacts | None) -> bool:
        return facts is not None and facts.known and facts.checked_at is not None \
            and now - facts.checked_at <= DIGEST_TRUST

    if not fresh(home) or not home.visible:
        return False
    if not home.is_private:
        return True
    if program.channel_id == (digest.channel_id if digest else None) and fresh(digest):
        return True  # the program's own channel: its members are the readers
    return fresh(digest) and digest.visible and digest.is_private and bool(digest.members) \
        and digest.members <= home.members


# ---- the weekly digest's schedule ---------------------------------------------------------------

@dataclass(frozen=True)
class DigestSchedule:
    enabled: bool
    day: int
    time: str
    channel: str

    def describe(self, program: Program) -> str:
        if not self.enabled or not self.channel:
            return "off"
        return f"every {DAYS[self.day].capitalize()} at {self.time} ({program.timezone}) in <#{self.channel}>"


CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


def parse_digest(text: str) -> DigestSchedule:
    """`#channel [day HH:MM]` (Monday 09:00 unless said), or `off`."""


    default = PortfolioSettings()
    words = CHANNEL.sub(" ", text).split()
    if [w.lower() for w in words] == ["off"] and not CHANNEL.search(text):
        return DigestSchedule(False, default.day, default.time, "")
    match = CHANNEL.search(text)
    if match is None:
        raise UserError("Say which channel gets the weekly portfolio digest (and, if not Monday 09:00, the day and "
                        "the time), or `off`.", DIGEST_EXAMPLE)
    day, hhmm, rest = default.day, default.time, []
    for word in words:
        if word.lower()[:3] in DAYS and len(word) >= 3 and word.isalpha():
            day = DAYS.index(word.lower()[:3])
        elif TIME.match(word):
            hours, minutes = word.split(":")
            hhmm = f"{int(hours):02d}:{minutes}"
        else:
            rest.append(word)
    if rest:
        raise UserError(f"I didn't understand `{' '.join(rest)[:60]}`: give a channel, then a day and a 24-hour "
                        "time.", DIGEST_EXAMPLE)
    return DigestSchedule(True, day, hhmm, match.group(1))


def digest_of(program: Program) -> DigestSchedule:


    return DigestSchedule(**settings_of(program).portfolio.model_dump())


def may_read(program: Program, home: ChannelFacts | None, target: str, facts: ChannelFacts | None,
             now: datetime) -> bool:
    """May ``program`` be listed in a digest sent to ``target``: a person (a DM, the rules of `/tpm portfolio`)
    or a channel (the digest's rules)? ``facts``: the target channel's (unused for a person)."""
    if target[:1] in ("U", "W"):
        return visible_to(target, program, home)
    return in_digest(program, home, facts, now)


def digest_key(program: Program, due_at: datetime) -> str:
    return f"portfolio.digest:{program.id}:{due_at.isoformat()}"
