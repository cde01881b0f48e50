"""Dates the way people type them, in the typing user's timezone, always in the future.

Common phrases are read by our own small grammar (fast and exact): `eod`, `eow`, `end of week`,
`end of month`, `end of sprint` and `next sprint` (when the program has sprints), `qN`, weekday names (`fri`,
`next friday`), `today`, `tomorrow`, `in 2 weeks`, `two weeks from today`, `dec 3`, `3 dec`,
`2026-12-01`, each with an optional time (`5pm`, `17:30`, `at noon`). Anything else goes to
dateparser (English only, future-preferring, relative to now in the user's zone).

A date without a time means the end of that working day: 17:00 local (`When.has_time` is False:
`due_at` gives the end of that day instead, 23:59:59 local). A day named without its year that lands more
than six months out ("dec 2" typed on 7 Dec) is refused with the date it would mean.

Sprint phrases need the program's sprints, which no grammar's signature carries: whoever knows the program
(the command router, a thread capture) runs the grammar inside ``date_context(...)``, which hands
``parse_when`` a way to read them, called only when a sprint phrase is typed. `end of sprint` is 17:00 on
the last weekday (Monday–Friday) of the current sprint (of the first, before it starts), `next sprint` the
first day of the next one, `end of next sprint` that one's last weekday. Without sprints (or outside any
context) they are a clear error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.services.errors import UserError
from bot.services.sprints import Cadence, current_or_next, has_sprints, next_sprint
from bot.services.timezones import zone

END_OF_DAY = time(17, 0)
DATE_EXAMPLE = "friday, tomorrow 5pm, in 2 weeks, dec 3, eow, 2026-12-01"
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3,
}
UNITS = {"minute": "minutes", "min": "minutes", "hour": "hours", "hr": "hours", "day": "days", "week": "weeks",
         "month": "months", "business day": "business days", "working day": "business days"}


@dataclass(frozen=True)
class When:
    """An understood date: the instant (UTC) and how to echo it back in the user's zone."""

    at: datetime
    timezone: str
    has_time: bool

    @property
    def all_day(self) -> bool:
        """A day typed without a time (`thursday`, `dec 3`): `due_at` makes it the end of that day."""
        return not self.has_time

    @property
    def local(self) -> datetime:
        return self.at.astimezone(zone(self.timezone))

    def describe(self) -> str:
        local = self.local
        text = f"{local:%a} {local.day} {local:%b %Y}"
        if self.has_time:
            text += f", {local:%H:%M}"
        return text + f" ({self.timezone})"


class DateError(UserError):
    pass


@dataclass(frozen=True)
class DateContext:
    """What typed dates may refer to beyond the calendar: the program's sprints, read when first needed."""

    sprints: Callable[[], Cadence | None]


_CONTEXT: ContextVar[DateContext | None] = ContextVar("date_context", default=None)


@contextmanager
def date_context(sprints: Callable[[], Cadence | None]) -> Iterator[None]:
    """Dates parsed inside (by any grammar, through ``parse_when``) read `end of sprint` and `next sprint`
    from ``sprints()``: the program's SprintSettings, or None. It is called at most when a sprint phrase
    is typed, so a command that types none pays nothing."""
    token = _CONTEXT.set(DateContext(sprints))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


SPRINT_PHRASES = {
    "end of sprint": "end", "end of the sprint": "end", "end of this sprint": "end", "sprint end": "end",
    "eos": "end", "next sprint": "next", "the next sprint": "next", "start of next sprint": "next",
    "start of the next sprint": "next", "end of next sprint": "next end", "end of the next sprint": "next end",
}


def _sprint_day(phrase: str, today: date, sprint_end: date | None) -> tuple[date, time | None]:
    which = SPRINT_PHRASES[phrase]
    if which == "end" and sprint_end is not None:
        return sprint_end, END_OF_DAY
    context = _CONTEXT.get()
    settings = context.sprints() if context is not None else None
    if not has_sprints(settings):
        raise DateError(f"This program has no sprints set up, so “{phrase}” has no date. A lead can set the sprint "
                        "length and first day in `/tpm setup`.", DATE_EXAMPLE)
    if which == "end":
        return _last_weekday(current_or_next(settings, today).end), END_OF_DAY
    upcoming = next_sprint(settings, today)
    return (upcoming.start, None) if which == "next" else (_last_weekday(upcoming.end), END_OF_DAY)


def _last_weekday(day: date) -> date:
    """A sprint's end as a due date: its last Monday–Friday day, as `eow` is Friday (a sprint is whole weeks)."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


_LEAD = re.compile(r"^(?:by|on|until|till|til|before|due|at|for|from)\s+", re.I)
_TIME = re.compile(r"(?:\s+(?:at\s+)?|^)(?P<time>noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})$", re.I)
_IN = re.compile(r"^(?:in\s+)?(?P<n>\d+|[a-z ]+?)\s+(?P<unit>business days?|working days?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
                 r"(?:\s+(?:from\s+(?:now|today)|later))?$", re.I)
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_MONTH_DAY = re.compile(r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?$", re.I)
_DAY_MONTH = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>[a-z]+)\.?(?:,?\s+(?P<y>\d{4}))?$", re.I)
_QUARTER = re.compile(r"^(?:end of\s+)?q(?P<q>[1-4])(?:\s+(?P<y>\d{4}))?$", re.I)
_WEEKDAY = re.compile(r"^(?:(?P<which>next|this|coming)\s+)?(?P<day>[a-z]+)$", re.I)


def parse_when(text: str, tz: str, now: datetime, *, sprint_end: date | None = None) -> When:
    """Read ``text`` as a future instant for a user in ``tz``. Raises DateError with an example."""
    original = " ".join((text or "").split())
    if not original:
        raise DateError("I need a date.", DATE_EXAMPLE)
    phrase = _LEAD.sub("", original.lower().rstrip(".!")).strip()
    local_now = now.astimezone(zone(tz))
    clock_time, phrase = _split_time(phrase)
    found = _grammar(phrase, local_now, sprint_end) if phrase else (local_now.date(), None)
    if found is None:
        when = _dateparser(original if clock_time is None else f"{phrase} {clock_time[1]}", tz, local_now)
        if when is None:
            raise DateError(f"I couldn't read “{original}” as a date.", DATE_EXAMPLE)
        instant, has_time = when
    else:
        day, default_time = found
        at_time = clock_time[0] if clock_time else (default_time or END_OF_DAY)
        instant = datetime.combine(day, at_time, tzinfo=zone(tz))
        has_time = clock_time is not None or default_time is not None
        if not phrase and instant <= local_now:  # a bare time that has passed today means tomorrow
            instant = datetime.combine(day + timedelta(days=1), at_time, tzinfo=zone(tz))
    instant = _wall_clock(instant, tz)
    if instant <= now:
        raise DateError(f"“{original}” is in the past ({When(instant.astimezone(timezone.utc), tz, has_time).describe()}). "
                        "Give a future date.", DATE_EXAMPLE)
    if not _year_is_explicit(phrase) and instant.date() > _months_after(local_now.date(), FAR_MONTHS):
        # A day named without its year lands in the next year once this year's has passed: past six months,
        # that is more likely a slip ("dec 2" typed on 7 Dec) than a plan. Say what it would mean.
        meant = When(instant.astimezone(timezone.utc), tz, has_time)
        raise DateError(f"“{original}” would be {meant.describe()}, more than six months from now. "
                        f"If you mean that, give the year; otherwise give a nearer date.",
                        f"{phrase} {instant.year}" if phrase else DATE_EXAMPLE)
    return When(instant.astimezone(timezone.utc), tz, has_time)


FAR_MONTHS = 6
_RELATIVE = re.compile(r"\b(?:in|from now|from today|later|next|sprint|eos)\b", re.I)


def _year_is_explicit(phrase: str) -> bool:
    """The phrase names its year (2026-12-01, dec 3 2027, q1 2027) or counts from now (in 8 months)."""
    return bool(re.search(r"\b\d{4}\b", phrase) or _IN.match(phrase) or _RELATIVE.search(phrase))


def _months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _month_end(year, month).day))


def end_of_day(day: date, tz: str) -> datetime:
    """The last instant of ``day`` (23:59:59) in zone ``tz``, in UTC: when something due that day is late."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=zone(tz))
    return _wall_clock(local, tz).astimezone(timezone.utc)


def due_at(when: When) -> datetime:
    """The instant a due date means: as typed if it had a time (`thu 3pm`), else the END of that day in the
    author's zone (`thursday`, `dec 3`), not parse_when's 17:00 working-day end."""
    return when.at if when.has_time else end_of_day(when.local.date(), when.timezone)


def slack_date(at: datetime, fallback_tz: str) -> str:
    """Slack's date token: each reader sees ``at``'s day in their own zone (`Dec 3`, `Tomorrow`); clients
    that cannot render it show the fallback, the day in ``fallback_tz`` (`Thu 3 Dec`)."""
    local = at.astimezone(zone(fallback_tz))
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}}|{local:%a} {local.day} {local:%b}>"


def _wall_clock(instant: datetime, tz: str) -> datetime:
    """Normalise a local wall-clock time that falls in a DST gap to the real instant after it."""
    return instant.astimezone(timezone.utc).astimezone(zone(tz))


def _split_time(phrase: str) -> tuple[tuple[time, str] | None, str]:
    match = _TIME.search(phrase)
    if not match:
        return None, phrase
    raw = match.group("time").lower().replace(" ", "")
    parsed = _read_time(raw)
    if parsed is None:
        return None, phrase
    rest = phrase[: match.start()].strip()
    rest = re.sub(r"\s+at$", "", rest)
    return (parsed, raw), rest


def _read_time(raw: str) -> time | None:
    if raw == "noon":
        return time(12, 0)
    if raw == "midnight":
        return time(23, 59)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", raw)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _grammar(phrase: str, local_now: datetime, sprint_end: date | None) -> tuple[date, time | None] | None:
    today = local_now.date()
    if phrase in ("today", "tonight"):
        return today, None
    if phrase in ("eod", "end of day", "end of today", "cob", "close of business"):
        return today, END_OF_DAY
    if phrase in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1), None
    if phrase in ("eow", "end of week", "end of the week", "end of this week"):
        return today + timedelta(days=(4 - today.weekday()) % 7), END_OF_DAY
    if phrase in ("next week",):
        return today + timedelta(days=7 - today.weekday()), None
    if phrase in ("eom", "end of month", "end of the month", "end of this month"):
        return _month_end(today.year, today.month), END_OF_DAY
    if phrase in SPRINT_PHRASES:
        return _sprint_day(phrase, today, sprint_end)
    if match := _QUARTER.match(phrase):
        quarter, year = int(match.group("q")), int(match.group("y") or today.year)
        end = _month_end(year, quarter * 3)
        if match.group("y") is None and end < today:
            end = _month_end(year + 1, quarter * 3)
        return end, END_OF_DAY
    if match := _ISO.match(phrase):
        return _date(int(match.group("y")), int(match.group("m")), int(match.group("d"))), None
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        if (match := pattern.match(phrase)) and match.group("mon") in MONTHS:
            month, day = MONTHS[match.group("mon")], int(match.group("d"))
            if match.group("y"):
                return _date(int(match.group("y")), month, day), None
            candidate = _date(today.year, month, day)
            return (candidate if candidate >= today else _date(today.year + 1, month, day)), None
    if (match := _WEEKDAY.match(phrase)) and match.group("day") in WEEKDAYS:
        target = WEEKDAYS[match.group("day")]
        ahead = (target - today.weekday()) % 7
        if match.group("which") == "next" and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead), None
    if match := _IN.match(phrase):
        return _relative(match, local_now)
    return None


def _relative(match: re.Match, local_now: datetime) -> tuple[date, time | None] | None:
    raw = match.group("n").strip()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw)
    if count is None or count > 3650:
        return None
    unit = match.group("unit").lower().rstrip("s")
    unit = UNITS.get(unit, unit + "s")
    if unit in ("minutes", "hours"):
        moved = local_now + timedelta(**{unit: count})
        return moved.date(), moved.time().replace(second=0, microsecond=0)
    if unit == "business days":
        day = local_now.date()
        while count:
            day += timedelta(days=1)
            if day.weekday() < 5:
                count -= 1
        return day, None
    if unit == "months":
        month_index = local_now.month - 1 + count
        year, month = local_now.year + month_index // 12, month_index % 12 + 1
        return min(_month_end(year, month), date(year, month, min(local_now.day, _month_end(year, month).day))), None
    return local_now.date() + timedelta(**{unit: count}), None


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{year}-{month:02d}-{day:02d} is not a real date.", DATE_EXAMPLE) from exc


def _dateparser(text: str, tz: str, local_now: datetime) -> tuple[datetime, bool] | None:
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": tz,
        "TO_TIMEZONE": tz,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [],
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d:\d|\d\s*(am|pm)|noon|midnight|hour|minute", text, re.I))
    if not has_time:
        parsed = datetime.combine(parsed.date(), END_OF_DAY, tzinfo=zone(tz))
    return parsed, has_time


def warm_up() -> None:
    """Load dateparser's English data once, at start."""
    _dateparser("in 3 fortnights", "UTC", datetime(2026, 1, 1, tzinfo=timezone.utc))
