"""Stand-up SQL that must hold under concurrency: saving an answer, a run's roster, out-of-office stretches."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from storage.standup_models import OutOfOffice, StandupAnswer, StandupRun

_LOCK_RUN = select(StandupRun.roster).where(StandupRun.id == bindparam("run_id")).with_for_update()
_SUPERSEDE = (update(StandupAnswer).where(StandupAnswer.run_id == bindparam("r_id"),
                                          StandupAnswer.user_id == bindparam("u_id"),
                                          StandupAnswer.superseded == False)  # noqa: E712
              .values(superseded=True).returning(StandupAnswer.id).execution_options(synchronize_session=False))


def save_answer(*, session: Session, run: StandupRun, answer: StandupAnswer) -> StandupAnswer:
    """Make ``answer`` the one current answer of its (run, person), and put the person on the run's roster.

    The run's row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite takes its write lock at BEGIN),
    so concurrent answers to one run queue: each supersedes the row the previous one left, and each reads
    the roster the previous one wrote. The partial UNIQUE index uq_answer_current refuses a second current
    row whatever happens. The superseded rows stay, as history."""
    roster = list(session.exec(_LOCK_RUN, params={"run_id": run.id}).one() or [])
    for (previous_id,) in session.execute(_SUPERSEDE, {"r_id": run.id, "u_id": answer.user_id}).all():
        previous = session.identity_map.get(identity_key(StandupAnswer, previous_id))
        if previous is not None:  # a row this session holds: as the database now has it
            set_committed_value(previous, "superseded", True)
    answer.run_id = run.id
    answer.superseded = False
    session.add(answer)
    if answer.user_id not in roster:
        roster.append(answer.user_id)
        session.execute(update(StandupRun).where(StandupRun.id == run.id).values(roster=roster)
                        .execution_options(synchronize_session=False))
    set_committed_roster(session, run, roster)
    session.flush()
    return answer


def set_committed_roster(session: Session, run: StandupRun, roster: list[str]) -> None:
    """The run object shows the roster just written, without writing it again."""
    set_committed_value(run, "roster", list(roster))


def ooo_between(*, session: Session, team_id: str, users: list[str], first: str, last: str) -> list[OutOfOffice]:
    """The out-of-office stretches of ``users`` that touch the days ``first``..``last`` (YYYY-MM-DD)."""
    return list(session.exec(_OOO_BETWEEN, params={"team_id": team_id, "users": users or [""], "first": first,
                                                   "last": last}))


_OOO_BETWEEN = (select(OutOfOffice).where(OutOfOffice.team_id == bindparam("team_id"),
                                          OutOfOffice.user_id.in_(bindparam("users", expanding=True)),
                                          OutOfOffice.last_day >= bindparam("first"),
                                          OutOfOffice.first_day <= bindparam("last"))
                .order_by(OutOfOffice.id))
_OOO_OF = (select(OutOfOffice).where(OutOfOffice.team_id.in_(bindparam("team_ids", expanding=True)),
                                     OutOfOffice.last_day >= bindparam("first"),
                                     OutOfOffice.first_day <= bindparam("last"))
           .order_by(OutOfOffice.id))


def ooo_of_teams(*, session: Session, team_ids: list[str], first: str, last: str) -> list[OutOfOffice]:
    """Every stretch in these workspaces touching ``first``..``last``: one query for a batch of reports."""
    return list(session.exec(_OOO_OF, params={"team_ids": team_ids or [""], "first": first, "last": last}))


def end_ooo(*, session: Session, team_id: str, user_id: str, today: date) -> list[OutOfOffice]:
    """End the person's stretches that reach ``today`` or later: they are back today (a stretch that starts
    today or later goes). Returns the stretches as they were."""
    rows = list(session.exec(select(OutOfOffice).where(OutOfOffice.team_id == team_id,
                                                       OutOfOffice.user_id == user_id,
                                                       OutOfOffice.last_day >= today.isoformat())
                             .with_for_update()))
    yesterday = (today - timedelta(days=1)).isoformat()
    for row in rows:
        if row.first_day > yesterday:
            session.delete(row)
        else:
            row.last_day = yesterday
            session.add(row)
    return rows


def add_ooo(*, session: Session, team_id: str, user_id: str, first: date, last: date, until: datetime,
            now: datetime) -> OutOfOffice:
    """A new stretch from ``first`` to ``last``, replacing whatever stretch reached ``first`` or later."""
    end_ooo(session=session, team_id=team_id, user_id=user_id, today=first)
    row = OutOfOffice(team_id=team_id, user_id=user_id, first_day=first.isoformat(), last_day=last.isoformat(),
                      until=until, created_at=now)
    session.add(row)
    return row
