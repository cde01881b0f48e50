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
    assert short == long <= 7
