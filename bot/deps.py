"""What listeners and jobs need, built once by the app factory and handed to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import Clock
from bot.config import Settings
from storage.engine import session_scope


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    clock: Clock
    # Channels known to be bound to a program. Binding is permanent, so a positive cache is always true.
    bound_channels: set[tuple[str, str]] = field(default_factory=set)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session
