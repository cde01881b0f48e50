"""The portfolio is composed with a constant number of queries, however many programs and records; its last
report date is the last status report *sent*; channel facts are kept per channel."""

from datetime import date, timedelta

from bot.services.portfolio import portfolio
from bot.services.status_report import report_key
from storage.channels import facts_of, save_facts
from storage.channel_models import ChannelFact
from storage.engine import session_scope
from storage.models import OutboundMessage, Program
from storage.programs import add_program, ensure_workspace
from storage.raid_models import Item
from tests.querycount import counting
from tests.storage.test_digest_queries import T


def programs(engine, count: int, start: int = 0) -> list[int]:
    """``count`` programs, each with three milestones (one slipped), a critical blocker, a risk scoring 20
    and a sent status report (and a later one still pending, which does not count)."""
    ids = []
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        for n in range(start, start + count):
            program, _ = add_program(session=session, program=Program(
                team_id="T", channel_id=f"C{n:04d}", name=f"p{n:04d}", leads=["U0"], escalation_channel_id="C0",
                timezone="Europe/Berlin", created_by="U0", created_at=T, updated_at=T))
            session.flush()
            for m in range(1, 4):
                baseline = date(2026, 12, 10) + timedelta(days=7 * m)
                forecast = baseline + timedelta(days=5 if m == 1 else 0)
                session.add(Item(program_id=program.id, kind="milestone", number=m, key=f"M-{m}", title=f"m{m}",
                                 owner_id="U0", reporter_id="U0", created_at=T, updated_at=T,
                                 due_at=T + (forecast - date(2026, 12, 1)),
                                 details={"baseline": baseline.isoformat(), "forecast": forecast.isoformat(),
                                          "after": [f"M-{m - 1}"] if m > 1 else [], "links": [], "slips": []}))
            session.add(Item(program_id=program.id, kind="blocker", number=1, key="B-1", title="down", owner_id="U0",
                             reporter_id="U0", severity="critical", created_at=T, updated_at=T))
            session.add(Item(program_id=program.id, kind="risk", number=1, key="R-1", title="slip", owner_id="U0",
                             reporter_id="U0", probability=4, impact=5, score=20, created_at=T, updated_at=T))
            for back, status in ((timedelta(days=4), "sent"), (timedelta(days=1), "pending")):
                at = T - back
                session.add(OutboundMessage(idempotency_key=report_key(program, at), team_id="T",
                                            method="chat.postMessage", channel=program.channel_id, payload={},
                                            status=status, next_attempt_at=at, created_at=at, program_id=program.id,
                                            sent_at=at if status == "sent" else None))
            ids.append(program.id)
    return ids


def lines_and_queries(engine, ids: list[int]):
    with session_scope(engine) as session:
        rows = [session.get(Program, i) for i in ids]
        with counting(engine) as statements:
            lines = portfolio(session, rows, T)
        return lines, len(statements)


def test_portfolio_query_count_is_constant_for_any_number_of_programs(engine):
    few = programs(engine, 2)
    many = programs(engine, 30, start=2)
    few_lines, few_queries = lines_and_queries(engine, few)
    many_lines, many_queries = lines_and_queries(engine, many)
    assert few_queries == many_queries == 2  # the open records, the last reports
    assert len(many_lines) == 30
    line = many_lines[0]
    assert (line.rag, line.next_milestone.key, line.slip_days) == ("red", "M-1", 3)
    assert [i.key for i in line.critical] == ["B-1", "R-1"]
    assert line.last_report_at == T - timedelta(days=4)  # the pending one was never sent


def test_channel_facts_are_written_over_and_read_per_channel(engine):
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        save_facts(session=session, team_id="T", now=T, facts=[
            ChannelFact(channel_id="C1", visible=True, is_private=True, members=["U1", "U2"]),
            ChannelFact(channel_id="C2", visible=True, is_private=False, members=[])])
    with session_scope(engine) as session:
        save_facts(session=session, team_id="T", now=T + timedelta(hours=1), facts=[
            ChannelFact(channel_id="C1", visible=True, is_private=True, members=["U1"])])
    with session_scope(engine) as session:
        facts = facts_of(session=session, team_id="T", channel_ids=["C1", "C2", "C3"])
        assert set(facts) == {"C1", "C2"}
        assert (facts["C1"].members, facts["C1"].checked_at) == (["U1"], T + timedelta(hours=1))
        assert facts["C2"].is_private is False
