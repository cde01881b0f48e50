"""Migration 0013 on a database with history: duplicate current answers (left by concurrent answers before
the UNIQUE index) keep the latest current, lost roster appends come back, and whoever is out now stays out."""

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import text

from storage.engine import make_engine
from storage.migrate import upgrade

T = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def test_0013_repairs_duplicates_and_rosters_and_keeps_who_is_out(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0007")
    far = datetime.now(timezone.utc) + timedelta(days=3)
    with engine.begin() as db:
        db.execute(text("INSERT INTO workspace (team_id, name, created_at) VALUES ('T', '', :t)"), {"t": T})
        db.execute(text("INSERT INTO program (team_id, channel_id, name, leads, escalation_channel_id, timezone, "
                        "working_days, settings, created_by, created_at, updated_at) VALUES ('T', 'C', 'p', '[]', "
                        "'C', 'UTC', '[0]', '{}', 'U0', :t, :t)"), {"t": T})
        db.execute(text("INSERT INTO standup_run (program_id, day, questions, roster, created_at) "
                        "VALUES (1, '2026-12-01', '[]', '[\"U1\"]', :t)"), {"t": T})
        for user in ("U1", "U2", "U2", "U2"):
            db.execute(text("INSERT INTO standup_answer (run_id, user_id, yesterday, today, blockers, skipped, "
                            "skip_reason, late, source, superseded, answered_at) VALUES (1, :u, '', 'x', '', false, "
                            "'', false, 'command', false, :t)"), {"u": user, "t": T})
        db.execute(text("INSERT INTO member (team_id, user_id, display_name, timezone, tz_refreshed_at, ooo_until, "
                        "is_deleted) VALUES ('T', 'U1', '', 'Asia/Tokyo', :t, :far, false)"), {"t": T, "far": far})
    upgrade(engine)
    with engine.connect() as db:
        current = db.execute(text("SELECT id, user_id FROM standup_answer WHERE NOT superseded ORDER BY id")).all()
        roster = db.execute(text("SELECT roster FROM standup_run")).scalar_one()
        ooo = db.execute(text("SELECT user_id, last_day FROM out_of_office")).all()
    assert current == [(1, "U1"), (4, "U2")]
    assert (roster if isinstance(roster, list) else json.loads(roster)) == ["U1", "U2"]
    assert [tuple(row) for row in ooo] == [("U1", far.astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat())]
    engine.dispose()
