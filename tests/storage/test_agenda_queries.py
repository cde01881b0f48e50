"""An agenda is composed with a fixed number of queries, however many meetings, actions, decisions and items
came before."""

from datetime import datetime, timedelta, timezone

from bot.records import service
from bot.records.kinds import action, decision
from bot.records.spec import Draft
from bot.services import agendas, raid
from bot.services.raid_grammar import BlockerDraft
from storage.agenda_models import Agenda, Meeting
from storage.agendas import ensure_agenda
from storage.engine import session_scope
from storage.models import Program
from storage.programs import add_program, ensure_workspace
from tests.querycount import counting

T = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)  # Tuesday


def program_with_history(engine, channel: str, weeks: int, per_meeting: int) -> int:
    """A weekly meeting that met ``weeks`` times, each recording actions and a blocker; returns the next agenda."""
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T", now=T)
        program, _ = add_program(session=session, program=Program(
            team_id="T", channel_id=channel, name=channel, leads=["U0"], escalation_channel_id=channel,
            timezone="Europe/Berlin", holiday_region="DE", created_by="U0", created_at=T, updated_at=T))
        meeting = Meeting(program_id=program.id, name="Sync", weekdays=[1], local_time="10:00", channel_id=channel,
                          created_by="U0", created_at=T, updated_at=T)
        session.add(meeting)
        session.flush()
        for back in range(weeks, 0, -1):
            at = T - timedelta(weeks=back)
            agenda = ensure_agenda(session=session, meeting=meeting, occurs_at=at, now=at)
            session.flush()
            agendas.agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=at)
            here = {"agenda_id": agenda.id}
            for n in range(per_meeting):
                service.create(session=session, program=program, spec=action.SPEC, author_id="U0", now=at,
                               draft=Draft(f"action {n}", "U1", {"due": at + timedelta(days=2)}), details=here)
                service.create(session=session, program=program, spec=decision.SPEC, author_id="U0", now=at,
                               draft=Draft(f"decision {n}", status="decided"), details=here)
                raid.create_blocker(session=session, program=program, author_id="U0", now=at,
                                    draft=BlockerDraft(f"blocker {n}", None, "high", None))
        agenda = ensure_agenda(session=session, meeting=meeting, occurs_at=T + timedelta(hours=1), now=T)
        session.flush()
        return agenda.id


def queries_for_agenda(engine, agenda_id: int) -> int:
    with session_scope(engine) as session:
        agenda = session.get(Agenda, agenda_id)
        meeting = session.get(Meeting, agenda.meeting_id)
        program = session.get(Program, meeting.program_id)
        with counting(engine) as statements:
            payload = agendas.agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=T)
        blocks = str(payload["blocks"])
        last = blocks.split("Action items from last meeting")[1].split("Carry-over")[0]
        assert "action 0" in last and "Carry-over" in blocks  # the last meeting's actions, found by their agenda
        return len(statements)


def test_agenda_query_count_does_not_grow_with_history(engine):
    small = queries_for_agenda(engine, program_with_history(engine, "CSMALL", weeks=2, per_meeting=2))
    large = queries_for_agenda(engine, program_with_history(engine, "CLARGE", weeks=12, per_meeting=6))
    assert small == large <= 4  # open items by kind, the previous agenda, the records of both agendas, dependencies


def test_a_batch_of_agendas_takes_its_meetings_records_read_ahead(engine):
    """The schedule's read-ahead serves every agenda of a batch: the last meeting's actions and what this
    meeting recorded already, for any number of programs, with no query left to compose them."""
    from storage.agendas import read_ahead
    from storage.raid import read_ahead_open_items
    from storage.read_ahead import batched

    ids = [program_with_history(engine, f"CB{n}", weeks=3, per_meeting=2) for n in range(4)]
    with session_scope(engine) as session:
        current = [session.get(Agenda, agenda_id) for agenda_id in ids]
        meetings = [session.get(Meeting, agenda.meeting_id) for agenda in current]
        programs = [session.get(Program, meeting.program_id) for meeting in meetings]
        for program, agenda in zip(programs, current):
            service.create(session=session, program=program, spec=decision.SPEC, author_id="U0", now=T,
                           draft=Draft(f"decided in {program.name}", status="decided"),
                           details={"agenda_id": agenda.id})
        session.flush()
        with batched(session), counting(engine) as statements:
            read_ahead(session=session, occurrences=[(m, a.occurs_at) for m, a in zip(meetings, current)], now=T,
                       kinds=agendas.MEETING_KINDS)
            read_ahead_open_items(session=session, program_ids=[p.id for p in programs], kinds=agendas.AGENDA_ITEM_KINDS)
            agendas.read_ahead_dependencies(session=session, occurrences=[(m, a.occurs_at) for m, a in zip(meetings, current)])
            read = len(statements)
            payloads = [agendas.agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=T)
                        for program, meeting, agenda in zip(programs, meetings, current)]
        assert read <= 6 and len(statements) == read  # composing took everything from the read-ahead
        for program, payload in zip(programs, payloads):
            blocks = str(payload["blocks"])
            assert "action 0" in blocks.split("Action items from last meeting")[1].split("Carry-over")[0]
            assert f"decided in {program.name}" in blocks.split("*Decisions*")[1]
            assert blocks.count("decided in") == 1  # its own program's, nobody else's


def planning_with_history(engine, channel: str, weeks: int, per_meeting: int) -> int:
    """``program_with_history``, its meeting a sprint planning, the program in two-week sprints."""
    from datetime import date

    from bot.services.program_settings import update_settings
    from storage.raid import open_items_of

    agenda_id = program_with_history(engine, channel, weeks, per_meeting)
    with session_scope(engine) as session:
        meeting = session.get(Meeting, session.get(Agenda, agenda_id).meeting_id)
        meeting.name = "Sprint planning"
        program = session.get(Program, meeting.program_id)
        update_settings(session=session, program=program, section="sprints", now=T, length_weeks=2,
                        first_day=date(2026, 11, 23))
        session.add(meeting)
        for item in open_items_of(session=session, program_ids=[program.id])[:2]:  # ended in the sprint
            service.close(session=session, program=program, item=item, actor="U0", now=T - timedelta(hours=1),
                          verb="resolve" if item.kind == "blocker" else "done", note="")
    return agenda_id


def test_a_planning_agenda_adds_one_query_whatever_the_history(engine):
    small = queries_for_agenda(engine, planning_with_history(engine, "CPSMALL", weeks=2, per_meeting=2))
    large = queries_for_agenda(engine, planning_with_history(engine, "CPLARGE", weeks=12, per_meeting=6))
    assert small == large <= 5  # the four of any agenda, and the sprint's records
    with session_scope(engine) as session:
        agenda = session.get(Agenda, planning_with_history(engine, "CPSHOW", weeks=1, per_meeting=1))
        meeting = session.get(Meeting, agenda.meeting_id)
        program = session.get(Program, meeting.program_id)
        blocks = str(agendas.agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda,
                                            now=T)["blocks"])
    # the blocker and action closed, and the decision taken, in the sprint; not what closed before it
    assert "ended in the sprint* (3)" in blocks and "*Due in the sprint* (" in blocks


def test_a_batch_of_planning_agendas_takes_its_sprints_read_ahead(engine):
    from storage.agendas import read_ahead
    from storage.raid import read_ahead_open_items, read_ahead_sprint_items
    from storage.read_ahead import batched

    ids = [planning_with_history(engine, f"CPB{n}", weeks=2, per_meeting=2) for n in range(3)]
    with session_scope(engine) as session:
        current = [session.get(Agenda, agenda_id) for agenda_id in ids]
        meetings = [session.get(Meeting, agenda.meeting_id) for agenda in current]
        programs = [session.get(Program, meeting.program_id) for meeting in meetings]
        with batched(session), counting(engine) as statements:
            read_ahead(session=session, occurrences=[(m, a.occurs_at) for m, a in zip(meetings, current)], now=T,
                       kinds=agendas.MEETING_KINDS)
            read_ahead_open_items(session=session, program_ids=[p.id for p in programs], kinds=agendas.AGENDA_ITEM_KINDS)
            windows = [(p.id, *agendas.sprint_window(p, m, a.occurs_at)[1:])
                       for p, m, a in zip(programs, meetings, current)]
            read_ahead_sprint_items(session=session, windows=windows)
            agendas.read_ahead_dependencies(session=session, occurrences=[(m, a.occurs_at) for m, a in zip(meetings, current)])
            read = len(statements)
            payloads = [agendas.agenda_payload(session=session, program=program, meeting=meeting, agenda=agenda, now=T)
                        for program, meeting, agenda in zip(programs, meetings, current)]
        assert read <= 7 and len(statements) == read  # composing took everything from the read-ahead
        for payload in payloads:  # two closed in the sprint, and last week's two decisions
            assert "ended in the sprint* (4)" in str(payload["blocks"])
