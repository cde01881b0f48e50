"""Alembic owns the schema: on an empty database, upgrade gives exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade


def test_upgrade_on_empty_database_matches_models(empty_database_url):
    engine = make_engine(empty_database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"workspace", "program", "member", "processed_event", "occurrence", "outbound_message"} <= tables
    upgrade(engine)  # idempotent
    assert current_revision(engine) == head_revision()
    engine.dispose()
