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
from bot.services.timezones import zone
from storage.models import Member, Program
from storage.read_ahead import MISSING, in_batch, stash, take
from storage.standup_models import StandupAnswer, StandupConfig, StandupRun

UPDATE_EXAMPLE = "/standup y: shipped the login page; t: payments API; b: waiting on keys from @dana"
SECTION_NAMES = {"yesterday": "yesterday", "y": "yesterday", "today": "today", "t": "today",
                 "blockers": "blockers", "blocker": "blockers", "b": "blockers"}
_SECTION = re.compile(r"(?:^|(?<=[;\n]))\s*(yesterday|today|blockers?|y|t|b)\s*:", re.I)
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
    text = (text or "").strip()
    if not text:
        raise UserError("Your update is empty.", UPDATE_EXAMPLE)
    matches = list(_SECTION.finditer(text))
    if not matches:
        return Update(today=" ".join(text.split()))
    if text[: matches[0].start()].strip(" ;\n"):
        raise UserError("Start each part with its section, like `t:` for today.", UPDATE_EXAMPLE)
    found: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = SECTION_NAMES[match.group(1).lower()]
        body = " ".join(text[match.end():end].strip(" ;\n").split())
        if not body:
            raise UserError(f"`{match.group(1)}:` has no text after it.", UPDATE_EXAMPLE)
        found[name] = (found[name] + " " + body) if name in found else body
    return Update(**found)


def config_of(*, session: Session, program: Program) -> StandupConfig:
    config = session.get(StandupConfig, program.id)
    if config is None:
        config = StandupConfig(program_id=program.id, days=list(program.working_days),
                               digest_channel_id=program.channel_id, participants=[], updated_at=program.created_at)
    return config


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
_AWAY = select(Member.user_id, Member.ooo_until).where(Member.team_id == bindparam("team_id"),
                                                       Member.user_id.in_(bindparam("users", expanding=True)))


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


def _supersede(session: Session, run: StandupRun, user_id: str) -> None:
    previous = current_answers(session=session, run=run).get(user_id)
    if previous is not None:
        previous.superseded = True
        session.add(previous)


def record_answer(*, session: Session, run: StandupRun, user_id: str, update: Update, source: str,
                  now: datetime) -> StandupAnswer:
    _supersede(session, run, user_id)
    answer = StandupAnswer(run_id=run.id, user_id=user_id, yesterday=update.yesterday[:3000],
                           today=update.today[:3000], blockers=update.blockers[:3000], source=source,
                           late=bool(run.cutoff_at and now > run.cutoff_at), answered_at=now)
    if user_id not in run.roster:
        run.roster = [*run.roster, user_id]
        session.add(run)
    session.add(answer)
    return answer


def record_skip(*, session: Session, run: StandupRun, user_id: str, reason: str, now: datetime) -> StandupAnswer:
    _supersede(session, run, user_id)
    answer = StandupAnswer(run_id=run.id, user_id=user_id, skipped=True, skip_reason=reason[:500], source="command",
                           late=bool(run.cutoff_at and now > run.cutoff_at), answered_at=now)
    session.add(answer)
    return answer


def out_of_office(members: Iterable[Any], at: datetime) -> set[str]:
    """Who of ``members`` (objects or rows with user_id and ooo_until) is out at ``at``."""
    return {m.user_id for m in members if m.ooo_until is not None and m.ooo_until > at}


@dataclass(frozen=True)
class RunState:
    run: StandupRun
    answers: dict[str, StandupAnswer]
    out: set[str]

    @property
    def answered(self) -> list[str]:
        return [u for u, a in self.answers.items() if not a.skipped]

    @property
    def skipped(self) -> list[str]:
        return [u for u, a in self.answers.items() if a.skipped]

    @property
    def missing(self) -> list[str]:
        return [u for u in self.run.roster if u not in self.answers and u not in self.out]


def run_state(*, session: Session, run: StandupRun, team_id: str, at: datetime) -> RunState:
    # Only who is away matters here: the two columns, not the roster's member objects.
    members = take(session, "standup.away", (team_id, tuple(run.roster)))
    if members is MISSING:
        members = list(session.exec(_AWAY, params={"team_id": team_id, "users": run.roster or [""]}))
    return RunState(run, current_answers(session=session, run=run), out_of_office(members, at))


_DAY_RUNS_OF = select(StandupRun).where(StandupRun.program_id.in_(bindparam("program_ids", expanding=True)),
                                        StandupRun.day.in_(bindparam("days", expanding=True)))
_CURRENT_ANSWERS_OF = (select(StandupAnswer).where(StandupAnswer.run_id.in_(bindparam("run_ids", expanding=True)),
                                                   StandupAnswer.superseded == False)  # noqa: E712
                       .order_by(StandupAnswer.answered_at, StandupAnswer.id))
_AWAY_OF = select(Member.team_id, Member.user_id, Member.ooo_until).where(
    Member.team_id.in_(bindparam("team_ids", expanding=True)), Member.user_id.in_(bindparam("users", expanding=True)))


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
    users = sorted({user for _, roster in rosters for user in roster})
    away: dict[tuple[str, str], Any] = {(row.team_id, row.user_id): row for row in session.exec(
        _AWAY_OF, params={"team_ids": sorted({team for team, _ in rosters}), "users": users or [""]})}
    for team_id, roster in rosters:
        stash(session, "standup.away", (team_id, roster),
              [away[(team_id, user)] for user in dict.fromkeys(roster) if (team_id, user) in away])
    return out


def ensure_participant(run: StandupRun, user_id: str, program_name: str) -> None:
    """A prompt is answered by the people it was for: anyone else is told, and nothing is stored."""
    if run.roster and user_id not in run.roster:
        raise UserError(f"You're not in {program_name}'s stand-up for {run.day}, so this wasn't recorded. "
                        "Post your own update with `/standup <text>`, or ask a lead to add you in `/standup setup`.",
                        "/standup y: fixed the login bug; t: payments API")


def week_participation(*, session: Session, program: Program, today: date) -> dict[str, dict[str, int]]:
    """Per member over the last 7 days' runs: on time, late, missed, skipped (from the run snapshots)."""
    since = (today - timedelta(days=6)).isoformat()
    runs = list(session.exec(select(StandupRun.id, StandupRun.roster).where(
        StandupRun.program_id == program.id, StandupRun.day >= since, StandupRun.day <= today.isoformat())))
    answers = list(session.exec(select(StandupAnswer.run_id, StandupAnswer.user_id, StandupAnswer.skipped,
                                       StandupAnswer.late).where(
        StandupAnswer.run_id.in_([r.id for r in runs] or [0]), StandupAnswer.superseded == False)))  # noqa: E712
    return participation(runs, answers)


def participation(runs, answers) -> dict[str, dict[str, int]]:
    """On time / late / missed / skipped per member, from runs (id, roster) and their current answers
    (run_id, user_id, skipped, late): rows or objects alike."""
    by_run: dict[int, dict[str, Any]] = {}
    for answer in answers:
        by_run.setdefault(answer.run_id, {})[answer.user_id] = answer
    stats: dict[str, dict[str, int]] = {}
    for run in runs:
        of_run = by_run.get(run.id, {})
        for user in run.roster:
            row = stats.setdefault(user, {"on time": 0, "late": 0, "missed": 0, "skipped": 0})
            answer = of_run.get(user)
            key = "missed" if answer is None else "skipped" if answer.skipped else "late" if answer.late else "on time"
            row[key] += 1
    return stats
