"""Upgrading a database of the release before the record core (revision 0007) keeps everything: blockers
and risks get their keys and who closed them (0009); action items and decisions become records (0012)
with the same keys, their history, their agenda and their counters, and the agendas' carry-over lists
follow them to their new ids. A record made afterwards gets the next number. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from bot.records import service
from bot.records.kinds import action, decision
from bot.records.spec import Draft
from bot.services.agendas import action_for_button, agenda_payload
from storage.agenda_models import Agenda, Meeting
from storage.engine import make_engine, session_scope
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Program
from storage.raid_models import Item, ItemCounter, ItemEvent
from storage.types import JSONDoc, UTCDateTime

T0 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
UTC = UTCDateTime(timezone=True)


def _tables() -> dict[str, sa.Table]:
    """The tables of revision 0007, as much of them as this test writes."""
    md = sa.MetaData()

    def table(name, *columns, keyed=True):
        return sa.Table(name, md, *((sa.Column("id", sa.Integer, primary_key=True),) if keyed else ()), *columns)

    return {
        "workspace": table("workspace", sa.Column("team_id", sa.String, primary_key=True), sa.Column("name", sa.String),
                           sa.Column("created_at", UTC), keyed=False),
        "program": table("program", *(sa.Column(c, sa.String) for c in (
            "team_id", "channel_id", "name", "escalation_channel_id", "timezone", "holiday_region", "created_by")),
            *(sa.Column(c, JSONDoc) for c in ("leads", "working_days", "settings")),
            sa.Column("created_at", UTC), sa.Column("updated_at", UTC)),
        "raid_item": table("raid_item", sa.Column("program_id", sa.Integer), sa.Column("number", sa.Integer),
                           sa.Column("probability", sa.Integer), sa.Column("impact", sa.Integer),
                           *(sa.Column(c, sa.String) for c in (
                               "kind", "title", "owner_id", "reporter_id", "status", "severity", "mitigation",
                               "source_link", "message_channel", "message_ts", "close_note")),
                           *(sa.Column(c, UTC) for c in ("due_at", "review_at", "snoozed_until", "created_at",
                                                          "updated_at", "closed_at"))),
        "raid_item_event": table("raid_item_event", sa.Column("item_id", sa.Integer), sa.Column("actor_id", sa.String),
                                 sa.Column("action", sa.String), sa.Column("changes", JSONDoc), sa.Column("at", UTC)),
        "item_counter": table("item_counter", sa.Column("program_id", sa.Integer, primary_key=True),
                              sa.Column("kind", sa.String, primary_key=True), sa.Column("last_number", sa.Integer),
                              keyed=False),
        "meeting": table("meeting", sa.Column("program_id", sa.Integer), sa.Column("lead_minutes", sa.Integer),
                         sa.Column("enabled", sa.Boolean), sa.Column("weekdays", JSONDoc),
                         *(sa.Column(c, sa.String) for c in ("name", "local_time", "timezone", "channel_id",
                                                             "created_by")),
                         sa.Column("created_at", UTC), sa.Column("updated_at", UTC)),
        "agenda": table("agenda", sa.Column("meeting_id", sa.Integer), sa.Column("occurs_at", UTC),
                        sa.Column("channel", sa.String), sa.Column("ts", sa.String), sa.Column("covered", JSONDoc),
                        sa.Column("created_at", UTC)),
        "action_item": table("action_item", sa.Column("program_id", sa.Integer), sa.Column("number", sa.Integer),
                             sa.Column("agenda_id", sa.Integer),
                             *(sa.Column(c, sa.String) for c in ("text", "owner_id", "status", "source_channel",
                                                                 "source_ts", "created_by", "done_by")),
                             sa.Column("due_at", UTC), sa.Column("created_at", UTC), sa.Column("done_at", UTC)),
        "decision": table("decision", sa.Column("program_id", sa.Integer), sa.Column("number", sa.Integer),
                          sa.Column("agenda_id", sa.Integer),
                          *(sa.Column(c, sa.String) for c in ("text", "decided_by", "source_channel", "source_ts")),
                          sa.Column("decided_at", UTC)),
    }


class Old:
    """Rows written straight into a 0007 database, as that release's code wrote them."""

    def __init__(self, connection):
        self.c, self.t = connection, _tables()

    def add(self, table: str, **values) -> int | None:
        result = self.c.execute(sa.insert(self.t[table]).values(**values))
        return result.inserted_primary_key[0] if "id" in self.t[table].c else None

    def program(self, channel: str) -> int:
        return self.add("program", team_id="T", channel_id=channel, name=channel, escalation_channel_id=channel,
                        timezone="Europe/Berlin", holiday_region=None, created_by="U0LEAD", leads=["U0LEAD"],
                        working_days=[0, 1, 2, 3, 4], settings={}, created_at=T0, updated_at=T0)

    def item(self, program_id: int, kind: str, number: int, status: str = "open", **values) -> int:
        row = {"program_id": program_id, "kind": kind, "number": number, "title": f"{kind} {number}",
               "owner_id": "U0BOB", "reporter_id": "U0ALICE", "status": status, "severity": None, "mitigation": "",
               "source_link": "", "message_channel": None, "message_ts": None, "close_note": "", "due_at": None,
               "review_at": None, "snoozed_until": None, "created_at": T0, "updated_at": T0, "closed_at": None,
               "probability": None, "impact": None, **values}
        return self.add("raid_item", **row)

    def event(self, item_id: int, actor: str, what: str, at: datetime, changes: dict | None = None) -> None:
        self.add("raid_item_event", item_id=item_id, actor_id=actor, action=what, changes=changes or {}, at=at)

    def counter(self, program_id: int, kind: str, last: int) -> None:
        self.add("item_counter", program_id=program_id, kind=kind, last_number=last)


def build_0007(url: str) -> dict:
    engine = make_engine(url)
    upgrade(engine, revision="0007")
    assert current_revision(engine) == "0007"
    ids: dict = {}
    with engine.begin() as connection:
        old = Old(connection)
        old.add("workspace", team_id="T", name="acme", created_at=T0)
        p1, p2 = ids["p1"], ids["p2"] = old.program("CAPOLLO"), old.program("CZEUS")
        # blockers and risks, with their history
        ids["B-1"] = old.item(p1, "blocker", 1, severity="high", due_at=T0 + timedelta(days=3))
        ids["B-2"] = b2 = old.item(p1, "blocker", 2, status="resolved", severity="low",
                                   closed_at=T0 + timedelta(days=1), updated_at=T0 + timedelta(days=1))
        ids["R-1"] = r1 = old.item(p1, "risk", 1, probability=4, impact=5, mitigation="ask for a beta")
        ids["zeus B-1"] = z1 = old.item(p2, "blocker", 1, severity="critical")
        for item_id in (ids["B-1"], b2, r1, z1):
            old.event(item_id, "U0ALICE", "created", T0, {"title": "x"})
        old.event(b2, "U0BOB", "resolved", T0 + timedelta(days=1), {"status": ["open", "resolved"]})
        old.event(r1, "U0ALICE", "updated", T0 + timedelta(hours=2), {"probability": [3, 4]})
        old.counter(p1, "blocker", 2)
        old.counter(p1, "risk", 1)
        old.counter(p2, "blocker", 1)
        # a weekly meeting with two agendas; the second listed A-1 (still open) to carry over
        meeting = old.add("meeting", program_id=p1, name="Weekly sync", weekdays=[0], local_time="10:00",
                          timezone=None, lead_minutes=60, channel_id="CAPOLLO", enabled=True, created_by="U0LEAD",
                          created_at=T0, updated_at=T0)
        first = ids["agenda 1"] = old.add("agenda", meeting_id=meeting, occurs_at=T0 + timedelta(hours=1),
                                          channel="CAPOLLO", ts="1000.1", covered={}, created_at=T0)
        # action items and decisions recorded in the first agenda's thread, and one on its own; the old
        # ids (1, 2, …) are ids of other rows in raid_item: the upgrade must not mix them up
        at = T0 + timedelta(hours=1, minutes=5)
        ids["A-1"] = a1 = old.add("action_item", program_id=p1, number=1, text="<@U0BOB> send the plan",
                                  owner_id="U0BOB", status="open", agenda_id=first, source_channel="CAPOLLO",
                                  source_ts="1000.2", created_by="U0ALICE", due_at=T0 + timedelta(days=4),
                                  created_at=at, done_by=None, done_at=None)
        ids["A-2"] = old.add("action_item", program_id=p1, number=2, text="book the venue", owner_id="U0CAROL",
                             status="done", agenda_id=first, source_channel="CAPOLLO", source_ts="1000.3",
                             created_by="U0ALICE", due_at=None, created_at=at, done_by="U0CAROL",
                             done_at=T0 + timedelta(days=2))
        ids["A-3"] = old.add("action_item", program_id=p1, number=3, text="no meeting", owner_id="U0ALICE",
                             status="open", agenda_id=None, source_channel=None, source_ts=None, created_by="U0ALICE",
                             due_at=None, created_at=at, done_by=None, done_at=None)
        ids["zeus A-1"] = old.add("action_item", program_id=p2, number=1, text="zeus action", owner_id="U0DAN",
                                  status="open", agenda_id=None, source_channel=None, source_ts=None,
                                  created_by="U0DAN", due_at=None, created_at=at, done_by=None, done_at=None)
        ids["DEC-1"] = old.add("decision", program_id=p1, number=1, text="ship behind a flag", decided_by="U0ALICE",
                               decided_at=at, agenda_id=first, source_channel="CAPOLLO", source_ts="1000.4")
        ids["DEC-2"] = old.add("decision", program_id=p1, number=2, text="long " * 150, decided_by="U0BOB",
                               decided_at=at + timedelta(days=1), agenda_id=None, source_channel=None, source_ts=None)
        old.counter(p1, "action", 3)
        old.counter(p1, "decision", 2)  # zeus's action has no counter row: the upgrade writes one
        second = ids["agenda 2"] = old.add(
            "agenda", meeting_id=meeting, occurs_at=T0 + timedelta(days=7, hours=1), channel="CAPOLLO", ts="2000.1",
            covered={"blockers": [ids["B-1"]], "risks": [r1], "actions": [a1, 999]}, created_at=T0 + timedelta(days=7))
        assert {a1, ids["A-2"]} & {ids["B-1"], b2}  # the old ids collide with record ids, as in a real install
    engine.dispose()
    return ids | {"second": second}


def test_upgrade_from_0007_keeps_every_row_key_number_counter_and_history(empty_database_url):
    ids = build_0007(empty_database_url)
    engine = make_engine(empty_database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert not {"action_item", "decision"} & set(sa.inspect(engine).get_table_names())
    p1, p2 = ids["p1"], ids["p2"]
    with session_scope(engine) as session:
        items = {(i.program_id, i.key): i for i in session.exec(select(Item))}
        events = {}
        for event in session.exec(select(ItemEvent).order_by(ItemEvent.id)):
            events.setdefault(event.item_id, []).append((event.action, event.actor_id, event.at))
        counters = {(c.program_id, c.kind): c.last_number for c in session.exec(select(ItemCounter))}
        second = session.get(Agenda, ids["second"])
        covered = second.covered

    assert sorted(items) == sorted([(p1, "B-1"), (p1, "B-2"), (p1, "R-1"), (p2, "B-1"), (p1, "A-1"), (p1, "A-2"),
                                    (p1, "A-3"), (p2, "A-1"), (p1, "DEC-1"), (p1, "DEC-2")])
    # blockers and risks: same rows (ids), keys from 0009, who closed them from their history
    assert items[(p1, "B-1")].id == ids["B-1"] and items[(p1, "R-1")].id == ids["R-1"]
    assert items[(p2, "B-1")].id == ids["zeus B-1"] and items[(p2, "B-1")].severity == "critical"
    b2 = items[(p1, "B-2")]
    assert (b2.id, b2.status, b2.closed_by, b2.number) == (ids["B-2"], "resolved", "U0BOB", 2)
    assert (items[(p1, "R-1")].score, items[(p1, "R-1")].mitigation) == (20, "ask for a beta")
    assert [e[0] for e in events[ids["B-2"]]] == ["created", "resolved"]
    assert [e[0] for e in events[ids["R-1"]]] == ["created", "updated"]

    # action items: records with their numbers, people, dates, agenda and history
    a1, a2, a3, zeus = items[(p1, "A-1")], items[(p1, "A-2")], items[(p1, "A-3")], items[(p2, "A-1")]
    at = T0 + timedelta(hours=1, minutes=5)
    assert (a1.kind, a1.number, a1.title, a1.owner_id, a1.reporter_id, a1.status) == (
        "action", 1, "<@U0BOB> send the plan", "U0BOB", "U0ALICE", "open")
    assert (a1.due_at, a1.created_at, a1.closed_at, a1.closed_by) == (T0 + timedelta(days=4), at, None, None)
    assert a1.details == {"agenda_id": ids["agenda 1"], "action_item_id": ids["A-1"],
                          "source": {"channel": "CAPOLLO", "ts": "1000.2"}}
    assert (a2.status, a2.closed_by, a2.closed_at, a2.updated_at) == (
        "done", "U0CAROL", T0 + timedelta(days=2), T0 + timedelta(days=2))
    assert events[a2.id] == [("created", "U0ALICE", at), ("done", "U0CAROL", T0 + timedelta(days=2))]
    assert events[a1.id] == [("created", "U0ALICE", at)] and len(events[a3.id]) == 1
    assert a3.details == {"action_item_id": ids["A-3"]} and zeus.title == "zeus action"
    assert not a1.message_ts and a1.source_link == ""  # posted as a record the first time it changes

    # decisions: decided, by whom, when, in which meeting
    d1, d2 = items[(p1, "DEC-1")], items[(p1, "DEC-2")]
    assert (d1.kind, d1.title, d1.owner_id, d1.reporter_id, d1.status, d1.closed_by, d1.closed_at) == (
        "decision", "ship behind a flag", "U0ALICE", "U0ALICE", "decided", "U0ALICE", at)
    assert d1.details == {"agenda_id": ids["agenda 1"], "decision_id": ids["DEC-1"], "deciders": ["U0ALICE"],
                          "source": {"channel": "CAPOLLO", "ts": "1000.4"}}
    assert len(d2.title) == 500 and d2.title.endswith("…") and d2.details["outcome"] == "long " * 150
    assert [e[0] for e in events[d1.id]] == ["created"] and events[d2.id][0][2] == at + timedelta(days=1)

    # counters at the highest numbers; the carry-over list follows the records to their new ids
    assert counters == {(p1, "blocker"): 2, (p1, "risk"): 1, (p2, "blocker"): 1, (p1, "action"): 3,
                        (p1, "decision"): 2, (p2, "action"): 1}
    assert covered == {"blockers": [ids["B-1"]], "risks": [ids["R-1"]], "actions": [a1.id]}

    with session_scope(engine) as session:
        program = session.get(Program, p1)
        # the second agenda shows the first meeting's actions and carries A-1 over
        meeting = session.get(Meeting, second.meeting_id)
        blocks = str(agenda_payload(session=session, program=program, meeting=meeting,
                                    agenda=session.get(Agenda, ids["second"]), now=T0 + timedelta(days=7))["blocks"])
        last = blocks.split("Action items from last meeting")[1].split("Carry-over")[0]
        assert "*A-1*" in last and "*A-2*" in last and "*A-3*" not in last
        # a Done button on an agenda posted before the upgrade names the old id: it finds the record
        assert action_for_button(session=session, value=str(ids["A-1"]), channel="CAPOLLO", ts="2000.1").id == a1.id
        assert action_for_button(session=session, value=f"record:{ids['B-1']}", channel="CAPOLLO",
                                 ts="2000.1") is None  # a record id names an action, never a blocker
        # what is recorded next gets the next number: keys are never reused
        new_action = service.create(session=session, program=program, spec=action.SPEC, draft=Draft("next one"),
                                    author_id="U0ALICE", now=T0 + timedelta(days=8))
        new_decision = service.create(session=session, program=program, spec=decision.SPEC,
                                      draft=Draft("next call", status="decided"), author_id="U0ALICE",
                                      now=T0 + timedelta(days=8))
        zeus_action = service.create(session=session, program=session.get(Program, p2), spec=action.SPEC,
                                     draft=Draft("zeus next"), author_id="U0DAN", now=T0 + timedelta(days=8))
        assert (new_action.key, new_decision.key, zeus_action.key) == ("A-4", "DEC-3", "A-2")
    engine.dispose()
