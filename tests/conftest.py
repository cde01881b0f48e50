"""Shared fixtures. Storage and scenario tests run on SQLite, and again on PostgreSQL when
TPMBOT_TEST_POSTGRES_URL points at a server (CI starts one on loopback)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.config import Settings
from bot.deps import Deps
from storage.engine import make_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("TPMBOT_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # a Tuesday


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def _fresh_postgres_database() -> Iterator[str]:
    base = make_url(POSTGRES_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"tpmbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database of each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tpmbot.db'}"
    else:
        yield from _fresh_postgres_database()


@pytest.fixture
def engine(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(empty_database_url) -> Settings:
    return Settings(_env_file=None, database_url=empty_database_url, slack_bot_token="xoxb-test-token",
                    slack_signing_secret="test-signing-secret", slack_app_token=None,
                    tpmbot_default_timezone="UTC")


@pytest.fixture
def deps(settings, engine, clock) -> Deps:
    return Deps(settings=settings, engine=engine, clock=clock)
