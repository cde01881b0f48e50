"""The status report is composed with a fixed number of queries, however long the program's history."""

from datetime import timedelta

from bot.services.raid import create_blocker, create_risk, resolve, update_risk
from bot.services.raid_grammar import BlockerDraft, RiskDraft
from bot.services.status_report import compose
from storage.engine import session_scope
from storage.models import Program
from tests.querycount import counting
from tests.storage.test_digest_queries import T, team


def history(engine, program_id: int, weeks: int) -> None:
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        for week in range(weeks, -1, -1):
            at = T - timedelta(weeks=week, hours=1)
            for n in range(5):
                blocker = create_blocker(session=session, program=program, author_id="U0", now=at,
                                         draft=BlockerDraft(title=f"b{week}.{n}", owner_id=None, severity="high", due=None))
                if n < 4:
                    resolve(session=session, program=program, item=blocker, actor="U0", now=at + timedelta(hours=5))
            risk = create_risk(session=session, program=program, author_id="U0", now=at, draft=RiskDraft(
                title=f"r{week}", owner_id=None, probability=3, impact=3, mitigation="", review=None))
            update_risk(session=session, program=program, item=risk, actor="U0", now=at + timedelta(days=1),
                        probability=4)


def queries_for_report(engine, program_id: int) -> tuple[int, int]:
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        with counting(engine) as statements:
            report = compose(session=session, program=program, now=T)
        return len(statements), len(report.open_blockers)


def test_status_report_query_count_does_not_grow_with_history(engine):
    short_id, _ = team(engine, "CSHORT", size=5, days=3)
    long_id, _ = team(engine, "CLONG", size=30, days=60)
    history(engine, short_id, weeks=1)
    history(engine, long_id, weeks=12)
    short, short_open = queries_for_report(engine, short_id)
    long, long_open = queries_for_report(engine, long_id)
    assert (short_open, long_open) == (2, 13)  # one open blocker left per week of history
    assert short == long <= 8  # 8th: the dependencies other programs asked of this one


def meetings_history(engine, program_id: int, weeks: int) -> None:
    """Each week: three action items (one done, one overdue, one due later) and two decisions."""
    from bot.records import service
    from bot.records.kinds import action, decision
    from bot.records.spec import Draft

    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        for week in range(weeks, -1, -1):
            at = T - timedelta(weeks=week, hours=1)
            for n, due in enumerate((at + timedelta(hours=1), at + timedelta(minutes=30), T + timedelta(days=9))):
                item = service.create(session=session, program=program, spec=action.SPEC, author_id="U0", now=at,
                                      draft=Draft(f"a{week}.{n}", f"U{n}", {"due": due}))
                if n == 0:
                    service.close(session=session, program=program, item=item, actor="U0", now=at, verb="done")
            for n in range(2):
                service.create(session=session, program=program, spec=decision.SPEC, author_id="U0", now=at,
                               draft=Draft(f"d{week}.{n}", status="decided"))


def test_the_weeks_decisions_and_overdue_actions_take_no_query_of_their_own(engine):
    short_id, _ = team(engine, "CSHORTM", size=5, days=3)
    long_id, _ = team(engine, "CLONGM", size=5, days=3)
    meetings_history(engine, short_id, weeks=1)
    meetings_history(engine, long_id, weeks=12)
    counts = {}
    for program_id, weeks in ((short_id, 1), (long_id, 12)):
        with session_scope(engine) as session:
            program = session.get(Program, program_id)
            with counting(engine) as statements:
                report = compose(session=session, program=program, now=T)
            counts[weeks] = len(statements)
        assert [d.title for d in report.decisions] == ["d0.0", "d0.1"]  # this week's only
        overdue = dict(report.overdue_actions)
        assert set(overdue) == {"U1"} and len(overdue["U1"]) == weeks + 1  # every week's, still open
        assert [i.title for i in overdue["U1"]][-1] == "a0.1"
    assert counts[1] == counts[12] <= 8  # 8th: the dependencies asked of the program
