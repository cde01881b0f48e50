"""A fresh, empty database for a benchmark run: a SQLite file, or a new database on a PostgreSQL server
(dropped afterwards)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_database(backend: str, postgres_url: str | None, directory: str, name: str):
    if backend == "sqlite":
        yield f"sqlite:///{directory}/{name}.db"
        return
    base = make_url(postgres_url)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    database_name = f"tpmbot_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database_name}"'))
    try:
        yield base.set(database=database_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'))
        admin.dispose()
