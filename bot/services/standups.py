"""Stand-ups: parsing an update, the day's run with its snapshot, answers, skips, out of office,
and who has answered."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from bot.services.errors import UserError
from bot.services.holidays_calendar import is_holiday
from bot.services.timezones import zone
from storage.models import Program
from storage.read_ahead import MISSING, in_batch, stash, take
from storage.standup_models import OutOfOffice, StandupAnswer, StandupConfig, StandupRun
from storage.programs import ensure_workspace, get_member, upsert_member
from storage.standups import add_ooo, end_ooo, ooo_between, ooo_of_teams, save_answer

UPDATE_EXAMPLE = "/standup y: shipped the login page; t: payments API; b: waiting on keys from @dana"
SECTION_NAMES = {"yesterday": "yesterday", "y": "yesterday", "today": "today", "t": "today",
                 "blockers": "blockers", "blocker": "blockers", "b": "blockers"}
_SECTION = re.compile(r"(?:^|(?<=[;\n]))\s*(yesterday|today|blockers?|y|t|b)\s*:", re.I)
EMPTY_UPDATE = "Your update is empty: say what you did, what you'll do today, and what blocks you."
NOTHING = {"none", "nothing", "no", "n/a", "na", "-", "nope", "no blockers", "nothing blocking"}


@dataclass(frozen=True)
class Update:
    yesterday: str = ""
    today: str = ""
    blockers: str = ""

    @property
    def has_blockers(self) -> bool:
        return bool(self.blockers) and self.blockers.strip().lower().rstrip(".!") not in NOTHING


def parse_update(text: str) -> Update:
    """`y: …; t: …; b: …` (or new lines); plain text without sections is the "today" answer."""
    text = trimmed(text)  # zero-width characters alone are nothing to read
    if not text:
        raise UserError(EMPTY_UPDATE, UPDATE_EXAMPLE)
    matches = list(_SECTION.finditer(text))
    if not matches:
        return check_update(Update(today=" ".join(text.split())))
    if text[: matches[0].start()].strip(" ;\n"):
        raise UserError("Start each part with its section, like `t:` for today.", UPDATE_EXAMPLE)
    found: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = SECTION_NAMES[match.group(1).lower()]
        body = trimmed(" ".join(text[match.end():end].strip(" ;\n").split()))
        if not body:
            raise UserError(f"`{match.group(1)}:` has no text after it.", UPDATE_EXAMPLE)
        found[name] = (found[name] + " " + body) if name in found else body
    return check_update(Update(**found))


def config_of(*, session: Session, program: Program) -> StandupConfig:
    return session.get(StandupConfig, program.id) or default_config(program)


def default_config(program: Program) -> StandupConfig:
    """The settings of a program no one has set the stand-up up for (not added to any session)."""
    return StandupConfig(program_id=program.id, days=list(program.working_days), digest_channel_id=program.channel_id,
                         participants=[], updated_at=program.created_at)


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def program_day(program: Program, now: datetime) -> date:
    return now.astimezone(zone(program.timezone)).date()


# The queries of a digest, built once with bound parameters: building a select (and its cache key, and a
# parameter per roster member) on every call costs about as much as running it, and a busy tick makes a
# digest per program.
_DAY_RUN = select(StandupRun).where(StandupRun.program_id == bindparam("program_id"),
                                     StandupRun.day == bindparam("day"))
_CURRENT_ANSWERS = (select(StandupAnswer).where(StandupAnswer.run_id == bindparam("run_id"),
                                                StandupAnswer.superseded == False)  # noqa: E712
                    .order_by(StandupAnswer.answered_at, StandupAnswer.id))


def ensure_run(*, session: Session, program: Program, day: date, now: datetime,
               config: StandupConfig | None = None) -> StandupRun:
    """The day's run, created with a snapshot of the questions and roster the first time it is needed."""
    params = {"program_id": program.id, "day": day.isoformat()}
    run = take(session, "standup.run", (program.id, day.isoformat()))
    if run is MISSING:
        run = session.exec(_DAY_RUN, params=params).first()
    if run is not None:
        return run
    run = new_run(program, config or config_of(session=session, program=program), day, now)
    if in_batch(session):  # no savepoint: if another process has it, the batch fails and runs one by one
        session.add(run)
        session.flush()
        stash(session, "standup.answers", run.id, [])  # created this instant: no one has answered it yet
        return run
    try:
        with session.begin_nested():
            session.add(run)
    except Exception:  # another process created it first: use theirs
        run = session.exec(_DAY_RUN, params=params).one()
    return run


def new_run(program: Program, config: StandupConfig, day: date, now: datetime) -> StandupRun:
    """The day's run, not yet added: a snapshot of the config's questions and roster."""
    cutoff = datetime.combine(day, parse_hhmm(config.cutoff), tzinfo=zone(program.timezone))
    return StandupRun(program_id=program.id, day=day.isoformat(), questions=list(config.questions),
                      roster=list(config.participants), cutoff_at=cutoff, digest_channel=config.digest_channel_id
                      or program.channel_id, created_at=now)


def current_answers(*, session: Session, run: StandupRun) -> dict[str, StandupAnswer]:
    rows = take(session, "standup.answers", run.id)
    if rows is MISSING:
        rows = session.exec(_CURRENT_ANSWERS, params={"run_id": run.id}).all()
    return {row.user_id: row for row in rows}


ANSWER_LIMIT = 3000  # characters per section, as the answer modal allows
SKIP_REASON_LIMIT = 500
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, ZERO_WIDTH))
_EDGES = re.compile(f"^[\\s{ZERO_WIDTH}]+|[\\s{ZERO_WIDTH}]+$")


def visible(text: str | None) -> str:
    """What a reader would see of ``text``: no zero-width characters, trimmed. Empty means nothing to read."""
    return (text or "").translate(_INVISIBLE).strip()


def trimmed(text: str | None) -> str:
    """``text`` without whitespace or zero-width characters at either end; inside it is kept as written (a
    zero-width joiner inside an emoji is part of it). Invisible through and through: empty."""
    return _EDGES.sub("", text or "") if visible(text) else ""


def check_update(update: Update) -> Update:
    """Refuse an update with nothing to read, or a section over the limit (nothing is cut silently)."""
    parts = {name: trimmed(getattr(update, name)) for name in ("yesterday", "today", "blockers")}
    if not any(parts.values()):
        raise UserError(EMPTY_UPDATE, UPDATE_EXAMPLE)
    for name, text in parts.items():
        if len(text) > ANSWER_LIMIT:
            raise UserError(f"Your “{name}” part is {len(text):,} characters; the limit is {ANSWER_LIMIT:,}. "
                            "Shorten it (link a doc for the details) and send it again.", UPDATE_EXAMPLE)
    return Update(**parts)


def check_skip_reason(reason: str) -> str:
    reason = trimmed(reason)
    if len(reason) > SKIP_REASON_LIMIT:
        raise UserError(f"Your reason is {len(reason):,} characters; a skip reason can be at most "
                        f"{SKIP_REASON_LIMIT:,}. Shorten it and skip again.", "/standup skip dentist in the morning")
    return reason


def record_answer(*, session: Session, run: StandupRun, user_id: str, update: Update, source: str,
                  now: datetime) -> StandupAnswer:
    """Save the person's answer for the run: the one current one (storage.standups.save_answer)."""
    update = check_update(update)
    answer = StandupAnswer(run_id=run.id, user_id=user_id, yesterday=update.yesterday, today=update.today,
                           blockers=update.blockers, source=source,
                           late=bool(run.cutoff_at and now > run.cutoff_at), answered_at=now)
    return save_answer(session=session, run=run, answer=answer)


def record_skip(*, session: Session, run: StandupRun, user_id: str, reason: str, now: datetime) -> StandupAnswer:
    answer = StandupAnswer(run_id=run.id, user_id=user_id, skipped=True, skip_reason=check_skip_reason(reason),
                           source="command", late=bool(run.cutoff_at and now > run.cutoff_at), answered_at=now)
    return save_answer(session=session, run=run, answer=answer)


# ---- out of office ----------------------------------------------------------------------------------

def set_out_of_office(*, session: Session, team_id: str, user_id: str, tz: str, until: datetime,
                      now: datetime) -> None:
    """Out from today (in the person's zone) through ``until``'s day: no prompts (Member.ooo_until), and
    "away", not missed, on each of those days (an OutOfOffice stretch, kept for later weeks' counts)."""
    ensure_workspace(session=session, team_id=team_id, now=now)
    member = get_member(session=session, team_id=team_id, user_id=user_id) or upsert_member(
        session=session, team_id=team_id, user_id=user_id, timezone=tz, display_name="", now=now)
    member.ooo_until = until
    session.add(member)
    local = zone(tz)
    add_ooo(session=session, team_id=team_id, user_id=user_id, first=now.astimezone(local).date(),
            last=until.astimezone(local).date(), until=until, now=now)


def end_out_of_office(*, session: Session, team_id: str, user_id: str, tz: str, now: datetime) -> datetime | None:
    """`/standup back`: out of office no more, from today (today's stand-up is expected again). Returns
    when they had said they would be back, or None if they were not out."""
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    was = member.ooo_until if member is not None and member.ooo_until and member.ooo_until > now else None
    ended = end_ooo(session=session, team_id=team_id, user_id=user_id, today=now.astimezone(zone(tz)).date())
    if member is not None and member.ooo_until is not None:
        member.ooo_until = None
        session.add(member)
    if was is None and ended:
        was = max(row.until for row in ended)
    return was


# ---- who is away, and the one rule that says who answered, skipped, was away or missed -------------------

def is_standup_day(config: StandupConfig, program: Program, day: date | str) -> bool:
    """A day the stand-up is held: one of its days, not a public holiday of the program's region."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return day.weekday() in config.days and not is_holiday(program.holiday_region, day)


def away_on(day: str, stretches: Iterable[Any]) -> set[str]:
    """Who is out of office on ``day`` (YYYY-MM-DD), from stretches (user_id, first_day, last_day)."""
    return {s.user_id for s in stretches if s.first_day <= day <= s.last_day}


STANDINGS = ("on time", "late", "missed", "skipped", "away")


def standing(answer: Any | None, away: bool) -> str:
    """THE rule, for the digest, `/standup status`, `/standup status week` and the status report alike.

    An answer counts whatever else is true: given while out of office, it ends the out-of-office for that
    day (answered, not away; later days stay out). Without one, someone on a day off, a public holiday or
    out of office is "away": not missed, and not expected (out of the participation denominator)."""
    if answer is not None:
        return "skipped" if answer.skipped else "late" if answer.late else "on time"
    return "away" if away else "missed"


def standings(roster: Iterable[str], answers: dict[str, Any], away: set[str], standup_day: bool = True
              ) -> dict[str, str]:
    """Each person's standing in one run (everyone on its roster and everyone who answered)."""
    people = list(dict.fromkeys([*roster, *answers]))
    return {user: standing(answers.get(user), not standup_day or user in away) for user in people}


def participation_rate(stats: dict[str, dict[str, int]]) -> float | None:
    """Answered (on time or late) over expected (answered or missed): skips and away days are not expected."""
    answered = sum(row["on time"] + row["late"] for row in stats.values())
    expected = answered + sum(row["missed"] for row in stats.values())
    return answered / expected if expected else None


@dataclass(frozen=True)
class RunState:
    run: StandupRun
    answers: dict[str, StandupAnswer]
    away: set[str]  # out of office that day (whether or not they answered)
    standup_day: bool = True  # False on a day off or a public holiday: no one is expected

    @property
    def standing(self) -> dict[str, str]:
        return standings(self.run.roster, self.answers, self.away, self.standup_day)

    @property
    def answered(self) -> list[str]:
        return [u for u, a in self.answers.items() if not a.skipped]

    @property
    def skipped(self) -> list[str]:
        return [u for u, a in self.answers.items() if a.skipped]

    @property
    def out(self) -> set[str]:
        """Away and not answering: out of office, or everyone on a day off."""
        return {u for u, s in self.standing.items() if s == "away"}

    @property
    def missing(self) -> list[str]:
        return [u for u, s in self.standing.items() if s == "missed"]


def run_state(*, session: Session, run: StandupRun, team_id: str, at: datetime,
              program: Program | None = None) -> RunState:
    """Who answered, skipped, is away or missing in ``run`` (``at`` is kept for callers; the day decides)."""
    program = program or session.get(Program, run.program_id)
    stretches = take(session, "standup.away", (team_id, tuple(run.roster)))
    if stretches is MISSING:
        stretches = ooo_between(session=session, team_id=team_id, users=list(run.roster), first=run.day,
                                last=run.day)
    config = config_of(session=session, program=program)
    return RunState(run, current_answers(session=session, run=run), away_on(run.day, stretches),
                    is_standup_day(config, program, run.day))


_DAY_RUNS_OF = select(StandupRun).where(StandupRun.program_id.in_(bindparam("program_ids", expanding=True)),
                                        StandupRun.day.in_(bindparam("days", expanding=True)))
_CURRENT_ANSWERS_OF = (select(StandupAnswer).where(StandupAnswer.run_id.in_(bindparam("run_ids", expanding=True)),
                                                   StandupAnswer.superseded == False)  # noqa: E712
                       .order_by(StandupAnswer.answered_at, StandupAnswer.id))


def read_ahead_runs(*, session: Session, runs: list[tuple[Program, StandupConfig, date]],
                    now: datetime) -> list[StandupRun]:
    """The run of each (program, config, day), those missing created, with their current answers and who of
    their rosters is away: four statements in all, left for `ensure_run` and `run_state` to take
    (storage.read_ahead). Only in a batch (`in_batch`): a run another process created meanwhile fails it."""
    if not runs:
        return []
    found = {(run.program_id, run.day): run for run in session.exec(_DAY_RUNS_OF, params={
        "program_ids": sorted({program.id for program, _, _ in runs}),
        "days": sorted({day.isoformat() for _, _, day in runs})})}
    answers: dict[int, list[StandupAnswer]] = {run.id: [] for run in found.values()}
    for answer in session.exec(_CURRENT_ANSWERS_OF, params={"run_ids": sorted(answers) or [0]}):
        answers[answer.run_id].append(answer)
    created = []
    for program, config, day in runs:  # in the order the occurrences would create them, one by one
        if (program.id, day.isoformat()) not in found:
            found[(program.id, day.isoformat())] = run = new_run(program, config, day, now)
            created.append(run)
    session.add_all(created)
    session.flush()  # one INSERT for all of them
    out = []
    rosters: set[tuple[str, tuple[str, ...]]] = set()
    for program, config, day in runs:
        run = found[(program.id, day.isoformat())]
        stash(session, "standup.run", (program.id, day.isoformat()), run)
        stash(session, "standup.answers", run.id, answers.get(run.id, []))  # a new run: no one has answered yet
        rosters.add((program.team_id, tuple(run.roster)))
        out.append(run)
    days = sorted({run.day for run in out})
    away: dict[str, list[OutOfOffice]] = {}
    for row in ooo_of_teams(session=session, team_ids=sorted({team for team, _ in rosters}), first=days[0],
                            last=days[-1]):
        away.setdefault(row.team_id, []).append(row)
    for team_id, roster in rosters:
        members = set(roster)
        stash(session, "standup.away", (team_id, roster),
              [row for row in away.get(team_id, []) if row.user_id in members])
    return out


def ensure_participant(run: StandupRun, user_id: str, program_name: str) -> None:
    """A prompt is answered by the people it was for: anyone else is told, and nothing is stored."""
    if run.roster and user_id not in run.roster:
        raise UserError(f"You're not in {program_name}'s stand-up for {run.day}, so this wasn't recorded. "
                        "Post your own update with `/standup <text>`, or ask a lead to add you in `/standup setup`.",
                        "/standup y: fixed the login bug; t: payments API")


def week_participation(*, session: Session, program: Program, today: date) -> dict[str, dict[str, int]]:
    """Per member over the last 7 days' runs: on time, late, missed, skipped, away (from the run snapshots)."""
    since = (today - timedelta(days=6)).isoformat()
    runs = list(session.exec(select(StandupRun.id, StandupRun.day, StandupRun.roster).where(
        StandupRun.program_id == program.id, StandupRun.day >= since, StandupRun.day <= today.isoformat())))
    answers = list(session.exec(select(StandupAnswer.run_id, StandupAnswer.user_id, StandupAnswer.skipped,
                                       StandupAnswer.late).where(
        StandupAnswer.run_id.in_([r.id for r in runs] or [0]), StandupAnswer.superseded == False)))  # noqa: E712
    return participation(runs, answers, away_by_run(session=session, program=program, runs=runs))


def away_by_run(*, session: Session, program: Program, runs) -> dict[int, set[str] | None]:
    """For each run (id, day, roster): who was out of office that day, or None if the day is a day off or a
    public holiday (everyone away). Two queries at most, none if `read_ahead_away` left them."""
    if not runs:
        return {}
    first, last = min(r.day for r in runs), max(r.day for r in runs)
    read = take(session, "standup.ooo", (program.id, first, last))
    if read is MISSING:
        users = sorted({user for run in runs for user in run.roster})
        stretches = ooo_between(session=session, team_id=program.team_id, users=users, first=first, last=last)
        config = config_of(session=session, program=program)
    else:
        stretches, config = read
    return {run.id: away_on(run.day, stretches) if is_standup_day(config, program, run.day) else None
            for run in runs}


def read_ahead_away(*, session: Session, windows: list[tuple[Program, str, str]]) -> None:
    """For a batch of reports, each (program, first day, last day): the stretches and configs `away_by_run`
    needs, in two queries in all (left for it to take, see storage.read_ahead)."""
    if not windows:
        return
    first, last = min(w[1] for w in windows), max(w[2] for w in windows)
    rows = ooo_of_teams(session=session, team_ids=sorted({p.team_id for p, _, _ in windows}), first=first, last=last)
    configs = {config.program_id: config for config in session.exec(select(StandupConfig).where(
        StandupConfig.program_id.in_(sorted({p.id for p, _, _ in windows}))))}
    for program, first, last in windows:
        stash(session, "standup.ooo", (program.id, first, last),
              ([r for r in rows if r.team_id == program.team_id and r.last_day >= first and r.first_day <= last],
               configs.get(program.id) or default_config(program)))


def participation(runs, answers, away: dict[int, set[str] | None] | None = None) -> dict[str, dict[str, int]]:
    """On time / late / missed / skipped / away per member, from runs (id, roster), their current answers
    (run_id, user_id, skipped, late) — rows or objects alike — and who was away in each run (`away_by_run`:
    a set, or None for a day off). The rule is `standing`'s."""
    by_run: dict[int, dict[str, Any]] = {}
    for answer in answers:
        by_run.setdefault(answer.run_id, {})[answer.user_id] = answer
    away = away or {}
    stats: dict[str, dict[str, int]] = {}
    for run in runs:
        out = away.get(run.id, set())
        for user, key in standings(run.roster, by_run.get(run.id, {}), out or set(), out is not None).items():
            stats.setdefault(user, dict.fromkeys(STANDINGS, 0))[key] += 1
    return stats
