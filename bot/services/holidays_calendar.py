"""Public holidays of a program's region (the maintained `holidays` package), cached per region and year."""

from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=256)
def _calendar(region: str, year: int):
    import holidays

    country, _, subdivision = region.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def is_holiday(region: str | None, day: date) -> bool:
    if not region:
        return False
    return day in _calendar(region, day.year)
