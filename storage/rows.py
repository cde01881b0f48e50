"""Model objects as the values of a Core INSERT, for the hot paths that write rows without the session's
unit of work (a claim, a queued message): one statement, no flush."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel


def insert_values(row: SQLModel) -> dict[str, Any]:
    """Every column of ``row``'s table but its generated ``id``, as the row holds them now."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns if column.key != "id"}
