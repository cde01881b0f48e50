"""Migration 0008: a program stored with the old flat settings comes out with the typed sections (and
back on downgrade), and gains `archived_at`."""

import json
from datetime import datetime, timezone

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import Session

from bot.services.program_settings import settings_of
from bot.services.status_report import schedule_of
from storage.engine import make_engine
from storage.migrate import alembic_config, upgrade
from storage.models import Program

FLAT = {"risk_threshold": 12, "escalation_steps_hours": [2.0, 6.0], "escalation_steps_hours_critical": [0.5, 1.0],
        "blocker_sla_hours": {"high": 2}, "status_report": {"enabled": True, "day": 0, "time": "09:15", "channel": "C9"}}
SECTIONED = {"blockers": {"sla_hours": {"high": 2}},
             "escalations": {"risk_threshold": 12, "steps_hours": [2.0, 6.0], "steps_hours_critical": [0.5, 1.0]},
             "status_report": {"enabled": True, "day": 0, "time": "09:15", "channel": "C9"}}


def _before_0008() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_revision("0008").down_revision


def _downgrade(engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _insert_program(engine, program_id: int, settings: dict) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        if program_id == 1:
            connection.execute(text("INSERT INTO workspace (team_id, name, created_at) VALUES ('T1', '', :now)"),
                               {"now": now})
        connection.execute(text(
            "INSERT INTO program (id, team_id, channel_id, name, leads, escalation_channel_id, timezone, working_days, "
            "holiday_region, settings, created_by, created_at, updated_at) VALUES (:id, 'T1', :channel, 'Apollo', "
            "'[\"U1\"]', 'C1', 'UTC', '[0, 1, 2, 3, 4]', NULL, :settings, 'U1', :now, :now)"),
            {"id": program_id, "channel": f"C{program_id}", "settings": json.dumps(settings), "now": now})


def _settings(engine, program_id: int) -> dict:
    with Session(engine) as session:
        return session.get(Program, program_id).settings


def test_flat_settings_upgrade_to_sections_and_back(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, _before_0008())
    _insert_program(engine, 1, FLAT)
    _insert_program(engine, 2, {})
    _insert_program(engine, 3, {"risk_threshold": 9, "never_written_by_anyone": True})

    upgrade(engine, "0008")  # later revisions (0012) refuse to go back: this one is tested on its own
    assert "archived_at" in {c["name"] for c in inspect(engine).get_columns("program")}
    assert _settings(engine, 1) == SECTIONED
    assert _settings(engine, 2) == {}
    assert _settings(engine, 3) == {"escalations": {"risk_threshold": 9}}  # unknown keys dropped
    with Session(engine) as session:
        program = session.get(Program, 1)
        typed = settings_of(program)
        assert program.archived_at is None
    assert typed.escalations.risk_threshold == 12 and typed.escalations.steps_hours == (2.0, 6.0)
    assert typed.escalations.steps_hours_critical == (0.5, 1.0)
    assert typed.blockers.sla_hours.high == 2 and typed.blockers.sla_hours.medium == 24
    assert schedule_of(program).describe(program) == "every Mon at 09:15 (UTC) in <#C9>"

    _downgrade(engine, _before_0008())
    assert "archived_at" not in {c["name"] for c in inspect(engine).get_columns("program")}
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, settings FROM program ORDER BY id")).all())
    loads = lambda value: value if isinstance(value, dict) else json.loads(value)  # noqa: E731
    assert loads(rows[1]) == FLAT and loads(rows[2]) == {} and loads(rows[3]) == {"risk_threshold": 9}
    engine.dispose()
