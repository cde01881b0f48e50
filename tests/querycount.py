"""Counting the SQL statements a piece of code runs (for tests that pin query counts)."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counting(engine):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
