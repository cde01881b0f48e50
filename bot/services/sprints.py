"""Sprints: back-to-back periods of ``length_weeks`` from ``first_day`` (a program's `sprints` settings,
bot/services/program_settings.py `SprintSettings`). Pure date arithmetic, on the program's calendar days.

Sprint 1 starts on ``first_day``; sprint n runs from ``first_day + (n-1)·length`` to the day before the
next one starts (its ``end`` is its last day, inclusive). Before ``first_day`` there is no current sprint:
the first one is the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol


class Cadence(Protocol):
    """What the arithmetic needs of the settings (SprintSettings has both)."""

    length_weeks: int
    first_day: date | None


@dataclass(frozen=True)
class Sprint:
    number: int  # 1 = the first sprint
    start: date
    end: date  # its last day (inclusive)

    def describe(self) -> str:
        return f"sprint {self.number} ({_day(self.start)} – {_day(self.end)})"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def has_sprints(settings: Cadence | None) -> bool:
    return bool(settings is not None and settings.length_weeks and settings.first_day is not None)


def _sprint(settings: Cadence, number: int) -> Sprint:
    length = timedelta(weeks=settings.length_weeks)
    start = settings.first_day + length * (number - 1)
    return Sprint(number, start, start + length - timedelta(days=1))


def sprint_at(settings: Cadence | None, day: date) -> Sprint | None:
    """The sprint ``day`` falls in; None without sprints or before the first one starts."""
    if not has_sprints(settings) or day < settings.first_day:
        return None
    return _sprint(settings, (day - settings.first_day).days // (7 * settings.length_weeks) + 1)


def next_sprint(settings: Cadence | None, day: date) -> Sprint | None:
    """The first sprint that starts after ``day`` (the first sprint, before it starts); None without sprints."""
    if not has_sprints(settings):
        return None
    current = sprint_at(settings, day)
    return _sprint(settings, current.number + 1 if current else 1)


def current_or_next(settings: Cadence | None, day: date) -> Sprint | None:
    """The sprint ``day`` is in or, before the first one, the first: what `end of sprint` means."""
    return sprint_at(settings, day) or next_sprint(settings, day)


def sprint_starts(settings: Cadence | None, first: date, last: date) -> list[date]:
    """Every sprint's first day from ``first`` to ``last`` (both included), e.g. a roadmap's boundaries."""
    if not has_sprints(settings) or last < first:
        return []
    sprint = sprint_at(settings, first)
    if sprint is None or sprint.start < first:
        sprint = next_sprint(settings, first)
    starts = []
    while sprint.start <= last:
        starts.append(sprint.start)
        sprint = _sprint(settings, sprint.number + 1)
    return starts


def describe_cadence(settings: Cadence | None, today: date | None = None) -> str:
    """`2-week sprints from Mon 7 Dec 2026; now sprint 3 (Mon 4 Jan – Sun 17 Jan)`, or `none`."""
    if not has_sprints(settings):
        return "none"
    weeks = f"{settings.length_weeks}-week" if settings.length_weeks > 1 else "1-week"
    text = f"{weeks} sprints from {_day(settings.first_day)} {settings.first_day.year}"
    if today is not None:
        current = sprint_at(settings, today)
        text += f"; now {current.describe()}" if current else f"; the first starts {_day(settings.first_day)}"
    return text
