"""Recurring meetings: the set-up form's rules, and when each occurrence (and its agenda) falls —
on the meeting's weekdays at its local time (DST-correct), never on a holiday of the program's region."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.errors import FieldErrors
from bot.services.holidays_calendar import is_holiday
from bot.services.programs import WEEKDAYS
from bot.services.recurrence import daily_instants
from bot.services.standups import parse_hhmm
from bot.services.timezones import is_timezone, zone
from storage.agenda_models import Meeting
from storage.models import Program

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_LEAD = re.compile(r"^\s*(?:(?P<d>\d+)\s*d(?:ays?)?)?\s*(?:(?P<h>\d+)\s*h(?:(?:ou)?rs?)?)?\s*"
                   r"(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?\s*$", re.I)
NAME_MAX = 80
MAX_LEAD_MINUTES = 7 * 24 * 60
LEAD_EXAMPLE = "30m, 2h, 1d or 1h30m"
HORIZON = timedelta(days=62)  # how far ahead the next occurrence is looked for


@dataclass
class MeetingForm:
    name: str = ""
    weekdays: list[int] = field(default_factory=lambda: [0])
    local_time: str = "10:00"
    lead: str = "1h"
    channel_id: str | None = None
    timezone: str = ""  # blank: the program's timezone


@dataclass(frozen=True)
class ValidMeeting:
    name: str
    weekdays: list[int]
    local_time: str
    lead_minutes: int
    channel_id: str
    timezone: str | None


def parse_lead(text: str) -> int | None:
    """Minutes from `30`, `30m`, `2h`, `1d`, `1h30m`; None when unreadable."""
    text = (text or "").strip()
    if text.isdigit():
        return int(text)
    match = _LEAD.match(text)
    if not text or not match or not any(match.groupdict().values()):
        return None
    d, h, m = (int(match.group(k) or 0) for k in ("d", "h", "m"))
    return d * 1440 + h * 60 + m


def describe_lead(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def validate_meeting_form(form: MeetingForm, taken_names: set[str]) -> ValidMeeting:
    """``taken_names``: lower-cased names of the program's other meetings."""
    errors: dict[str, str] = {}
    name = " ".join((form.name or "").split())
    if not name:
        errors["name"] = "Give the meeting a name, e.g. Weekly sync."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters."
    elif name.lower() in taken_names:
        errors["name"] = f"This program already has a meeting called “{name}”: edit it with `/agenda setup {name}`."
    elif name.lower().split()[0] in ("setup", "list", "help"):
        errors["name"] = f"“{name.split()[0]}” is an /agenda word: start the name differently, e.g. Weekly sync."
    days = sorted({d for d in form.weekdays if 0 <= d <= 6})
    if not days:
        errors["weekdays"] = "Tick at least one day, e.g. Monday."
    if not _HHMM.match(form.local_time or ""):
        errors["time"] = "Pick when the meeting starts, e.g. 10:00."
    lead = parse_lead(form.lead)
    if lead is None:
        errors["lead"] = f"Say how long before the meeting the agenda goes out: {LEAD_EXAMPLE}."
    elif not 5 <= lead <= MAX_LEAD_MINUTES:
        errors["lead"] = f"Give a lead time from 5 minutes to 7 days: {LEAD_EXAMPLE}."
    if not form.channel_id:
        errors["channel"] = "Choose the channel the agenda is posted in."
    tz = (form.timezone or "").strip()
    if tz and not is_timezone(tz):
        errors["timezone"] = "Use an IANA timezone like Europe/Berlin, or leave it blank for the program's."
    if errors:
        raise FieldErrors(errors)
    return ValidMeeting(name, days, form.local_time, lead, form.channel_id, tz or None)


def meeting_zone(meeting: Meeting, program: Program) -> str:
    return meeting.timezone or program.timezone


def occurrences(meeting: Meeting, program: Program, start: datetime, end: datetime) -> list[datetime]:
    """Meeting starts in (start, end], on its weekdays, skipping the program's holidays."""
    tz = zone(meeting_zone(meeting, program))
    found = []
    for instant in daily_instants(start, end, parse_hhmm(meeting.local_time), tz):
        day = instant.astimezone(tz).date()
        if day.weekday() in meeting.weekdays and not is_holiday(program.holiday_region, day):
            found.append(instant)
    return found


def next_occurrence(meeting: Meeting, program: Program, after: datetime) -> datetime | None:
    found = occurrences(meeting, program, after, after + HORIZON)
    return found[0] if found else None


def describe_schedule(meeting: Meeting, program: Program) -> str:
    days = ", ".join(WEEKDAYS[d][:3] for d in sorted(meeting.weekdays))
    return (f"{days} at {meeting.local_time} ({meeting_zone(meeting, program)}), agenda "
            f"{describe_lead(meeting.lead_minutes)} before in <#{meeting.channel_id}>")


def describe_start(at: datetime, tz: str) -> str:
    local = at.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({tz})"
