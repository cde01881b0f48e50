"""Stand-up schedule: each participant's prompt at their own local time, one reminder to those who have
not answered, and the digest at the program's cutoff. Each is an occurrence in the ledger, so it is
sent once however many ticks, restarts or processes see it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import union
from sqlmodel import Session, select

from bot.blocks.standups import build_prompt
from bot.deps import Deps
from bot.services.communication_plan import sends
from bot.services.holidays_calendar import is_holiday
from bot.services.recurrence import daily_instants, may_occur_in
from bot.services.standup_digest import digest_key, queue_digest, read_ahead_dependencies
from bot.services.standups import current_answers, ensure_run, parse_hhmm, read_ahead_runs
from bot.services.timezones import zone
from scheduled.jobs import Due, hold
from storage.models import Member, Occurrence, Program
from storage import read_ahead
from storage.outbox import enqueue, read_ahead_keys
from storage.programs import not_archived
from storage.standup_models import StandupConfig, StandupRun

PROMPT_KIND, REMINDER_KIND, DIGEST_KIND = "standup.prompt", "standup.reminder", "standup.digest"


def _configs(session: Session) -> list[tuple[StandupConfig, Program]]:
    """Every enabled config with its program, held for the job's session: its occurrences get them again."""
    rows = session.exec(select(StandupConfig, Program).join(Program, Program.id == StandupConfig.program_id)
                        .where(StandupConfig.enabled == True, not_archived()))  # noqa: E712
    return hold(session, list(rows))


def _members(session: Session, team_id: str, users: list[str]) -> dict[str, Member]:
    rows = session.exec(select(Member).where(Member.team_id == team_id, Member.user_id.in_(users or [""])))
    return {m.user_id: m for m in rows}


def _prompt_instants(config: StandupConfig, program: Program, member_tz: str, start: datetime,
                     end: datetime) -> list[tuple[datetime, date]]:
    """(instant, participant's local day) for each prompt in the window, on working days, not holidays."""
    tz = zone(member_tz)
    out = []
    for instant in daily_instants(start, end, parse_hhmm(config.local_time), tz):
        day = instant.astimezone(tz).date()
        if day.weekday() in config.days and not is_holiday(program.holiday_region, day):
            out.append((instant, day))
    return out


def _zones_due(session: Session, start: datetime, end: datetime, offset: timedelta) -> set[str]:
    """The zones (of any member, or any program) in which some enabled config's time falls in the window,
    from two narrow queries. Most one-minute ticks match no zone at all (see ``may_occur_in``), and then
    neither zones nor configs nor members are loaded."""
    times = {parse_hhmm(local) for local in session.exec(
        select(StandupConfig.local_time).where(StandupConfig.enabled == True).distinct())}  # noqa: E712
    times = {at for at in times if may_occur_in(start - offset, end - offset, at)}
    if not times:
        return set()
    zones = set(session.exec(union(select(Member.timezone), select(Program.timezone))).scalars())
    return {tz for tz in zones for at in times if daily_instants(start - offset, end - offset, at, zone(tz))}


def _participant_prompts(session: Session, start: datetime, end: datetime, offset: timedelta = timedelta(0),
                         reminder_minutes: int | None = None, zones: set[str] | None = None, configs=None):
    """(config, program, user, member, instant + offset, day) for every DM participant whose prompt,
    moved by ``offset``, falls in the window (``reminder_minutes`` picks the configs with that reminder)."""
    zones = _zones_due(session, start, end, offset) if zones is None else zones
    if not zones:
        return
    configs = [(c, p) for c, p in (_configs(session) if configs is None else configs) if c.mode == "dm"
               and (reminder_minutes is None or c.reminder_minutes == reminder_minutes)]
    for config, program in configs:
        members = _members(session, program.team_id, config.participants)
        for user in config.participants:
            member = members.get(user)
            tz = member.timezone if member else program.timezone
            if tz not in zones:
                continue
            for instant, day in _prompt_instants(config, program, tz, start - offset, end - offset):
                yield config, program, user, member, instant + offset, day


class StandupPrompts:
    kind = PROMPT_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        zones = _zones_due(session, start, end, timedelta(0))
        if not zones:
            return []
        found, configs = [], _configs(session)
        for config, program in configs:
            if config.mode == "thread" and program.timezone in zones:
                for instant, day in _prompt_instants(config, program, program.timezone, start, end):
                    found.append(Due(self.kind, f"{program.id}:channel", instant,
                                     {"program_id": program.id, "day": day.isoformat(), "user": None}))
        for config, program, user, member, instant, day in _participant_prompts(session, start, end, zones=zones,
                                                                                    configs=configs):
            if member and member.ooo_until and member.ooo_until > instant:
                continue
            found.append(Due(self.kind, f"{program.id}:{user}", instant,
                             {"program_id": program.id, "day": day.isoformat(), "user": user}))
        return found

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        user = due.data["user"]
        program, run, blocks = self._prompt(session, deps, due.data["program_id"], due.data["day"], user is None)
        enqueue(session=session, key=f"{self.kind}:{occurrence.id}", team_id=program.team_id, method="chat.postMessage",
                payload={"channel": user or program.channel_id, "text": f"Stand-up time for {program.name}",
                         "blocks": blocks, "metadata": {"event_type": "tpmbot_standup_prompt",
                                                        "event_payload": {"run_id": run.id}}},
                now=deps.clock.now(), occurrence_id=occurrence.id, program_id=program.id, new_key=True)

    @staticmethod
    def _prompt(session: Session, deps: Deps, program_id: int, day: str, thread: bool):
        """The program, its day's run and the prompt's blocks: built once per tick for everyone it prompts."""
        cache = read_ahead.cache(session, "standup.prompts")  # dropped if a batch fails: its runs are gone
        key = (program_id, day, thread)
        if key not in cache:
            program = session.get(Program, program_id)
            run = ensure_run(session=session, program=program, day=date.fromisoformat(day), now=deps.clock.now(),
                             config=session.get(StandupConfig, program.id))
            cache[key] = (program, run, build_prompt(program.name, run.questions, run.id, thread=thread))
        return cache[key]


class StandupReminders:
    kind = REMINDER_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        offsets = set(session.exec(select(StandupConfig.reminder_minutes).distinct().where(
            StandupConfig.enabled == True, StandupConfig.mode == "dm", StandupConfig.reminder_minutes > 0)))  # noqa: E712
        found = []
        for minutes in sorted(offsets):
            for config, program, user, _, instant, day in _participant_prompts(
                    session, start, end, timedelta(minutes=minutes), reminder_minutes=minutes):
                found.append(Due(self.kind, f"{program.id}:{user}", instant,
                                 {"program_id": program.id, "day": day.isoformat(), "user": user}))
        return found

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        program = session.get(Program, due.data["program_id"])
        user = due.data["user"]
        run = session.exec(select(StandupRun).where(StandupRun.program_id == program.id,
                                                    StandupRun.day == due.data["day"])).first()
        member = _members(session, program.team_id, [user]).get(user)
        out = member is not None and member.ooo_until is not None and member.ooo_until > due.due_at
        if run is None or user in current_answers(session=session, run=run) or out:
            occurrence.detail = "no reminder needed"
            return
        enqueue(session=session, key=f"{self.kind}:{occurrence.id}", team_id=program.team_id,
                method="chat.postMessage", payload={
                    "channel": user, "text": f"Reminder: your stand-up for {program.name} is still open.",
                    "blocks": build_prompt(program.name, run.questions, run.id, thread=False)},
                now=deps.clock.now(), occurrence_id=occurrence.id, program_id=program.id, new_key=True)


class StandupDigests:
    kind = DIGEST_KIND

    def due(self, session: Session, start: datetime, end: datetime) -> list[Due]:
        cutoffs = session.exec(select(StandupConfig.cutoff, Program.timezone).distinct()
                               .join(Program, Program.id == StandupConfig.program_id)
                               .where(StandupConfig.enabled == True, not_archived()))  # noqa: E712
        if not any(daily_instants(start, end, parse_hhmm(cutoff), zone(tz)) for cutoff, tz in cutoffs):
            return []  # most ticks: no program's cutoff is this minute, and no config is loaded
        found = []
        for config, program in _configs(session):
            for instant in daily_instants(start, end, parse_hhmm(config.cutoff), zone(program.timezone)):
                day = instant.astimezone(zone(program.timezone)).date()
                if day.weekday() in config.days and not is_holiday(program.holiday_region, day):
                    found.append(Due(self.kind, str(program.id), instant,
                                     {"program_id": program.id, "day": day.isoformat()}))
        return found

    def prefetch(self, session: Session, deps: Deps, items: list[Due]) -> None:
        """Read (or create) the digests' runs, with their answers, who is away, whether each digest is
        queued already and the programs' open dependencies, for all of ``items`` at once (storage.read_ahead)."""
        runs = []
        for item in items:
            program = session.get(Program, item.data["program_id"])
            config = session.get(StandupConfig, item.data["program_id"])
            if program is not None and config is not None:
                runs.append((program, config, date.fromisoformat(item.data["day"])))
        read_ahead_keys(session=session, keys=[digest_key(run) for run in read_ahead_runs(
            session=session, runs=runs, now=deps.clock.now())])
        read_ahead_dependencies(session=session, runs=[(program, day.isoformat()) for program, _, day in runs])

    def run(self, session: Session, deps: Deps, occurrence: Occurrence, due: Due) -> None:
        program = session.get(Program, due.data["program_id"])
        if not sends(program, "digest"):
            occurrence.detail = "digest off (communication plan)"
            return
        run = ensure_run(session=session, program=program, day=date.fromisoformat(due.data["day"]),
                         now=deps.clock.now(), config=session.get(StandupConfig, program.id))
        if queue_digest(session=session, program=program, run=run, now=deps.clock.now(),
                        occurrence_id=occurrence.id) is None:
            occurrence.detail = "digest already posted"


