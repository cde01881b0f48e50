"""Programs: zero-set-up binding of a channel, the set-up form's rules, and settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlmodel import Session

from bot.services.errors import FieldErrors, NotAllowed, UserError
from bot.services.program_settings import SPRINT_LENGTHS, settings_of, update_settings
from bot.services.timezones import is_timezone
from storage import programs as store
from storage.models import Program

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WORKING_DAYS = [0, 1, 2, 3, 4]
NAME_MAX = 80


@dataclass(frozen=True)
class Binding:
    program: Program
    created: bool


def bind_channel(
    *, session: Session, team_id: str, channel_id: str, channel_name: str, user_id: str,
    user_timezone: str, now: datetime,
) -> Binding:
    """The channel's program; on the first command in a channel, a new program with defaults:
    named after the channel, the invoking user as lead, their timezone, Monday to Friday, and the
    channel itself for escalations."""
    existing = store.program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
    if existing is not None:
        return Binding(existing, False)
    store.ensure_workspace(session=session, team_id=team_id, now=now)
    program = Program(
        team_id=team_id, channel_id=channel_id, name=default_program_name(channel_name, channel_id),
        leads=[user_id], escalation_channel_id=channel_id, timezone=user_timezone,
        working_days=list(DEFAULT_WORKING_DAYS), holiday_region=None, settings={},
        created_by=user_id, created_at=now, updated_at=now,
    )
    program, created = store.add_program(session=session, program=program)
    return Binding(program, created)


def default_program_name(channel_name: str, channel_id: str) -> str:
    name = (channel_name or "").strip().lstrip("#")
    if not name or name in ("directmessage", "privategroup"):
        name = f"program-{channel_id.lower()}"
    return name[:NAME_MAX]


@dataclass
class SetupForm:
    """The `/tpm setup` modal's fields, as plain values."""

    name: str = ""
    leads: list[str] = field(default_factory=list)
    escalation_channel_id: str | None = None
    timezone: str = ""
    working_days: list[int] = field(default_factory=list)
    holiday_region: str | None = None
    sprint_length_weeks: int | None = None  # 0: no sprints; None: not in the form (a modal opened before
    # sprints existed), so the program's sprints stay as they are
    sprint_first_day: date | None = None


def validate_setup(form: SetupForm) -> SetupForm:
    """Return the cleaned form, or raise FieldErrors keyed by the form's field names."""
    errors: dict[str, str] = {}
    name = " ".join(form.name.split())
    if not name:
        errors["name"] = "Give the program a name, e.g. “Apollo launch”."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters or fewer (it has {len(name)})."
    leads = list(dict.fromkeys(u for u in form.leads if u))
    if not leads:
        errors["leads"] = "Choose at least one lead: they are escalated to and may change any item."
    if not form.escalation_channel_id:
        errors["escalation_channel"] = "Choose the channel that escalations go to (it can be this one)."
    if not is_timezone(form.timezone):
        errors["timezone"] = "Choose an IANA timezone such as Europe/Berlin or America/New_York."
    days = sorted({d for d in form.working_days if 0 <= d <= 6})
    if not days:
        errors["working_days"] = "Tick at least one working day."
    region = (form.holiday_region or "").strip().upper() or None
    if region is not None and not is_holiday_region(region):
        errors["holiday_region"] = "Unknown holiday region: use a country code, optionally with a subdivision, e.g. US, DE-BY, GB-ENG."
    if form.sprint_length_weeks is None:
        pass
    elif form.sprint_length_weeks not in SPRINT_LENGTHS:
        errors["sprint_length"] = "Choose a sprint length of 1 to 4 weeks, or no sprints."
    elif form.sprint_length_weeks and form.sprint_first_day is None:
        errors["sprint_first_day"] = "Pick the day the first sprint starts (or choose no sprints)."
    if errors:
        raise FieldErrors(errors)
    return SetupForm(name, leads, form.escalation_channel_id, form.timezone, days, region, form.sprint_length_weeks,
                     form.sprint_first_day)


_REGION = re.compile(r"^([A-Z]{2})(?:-([A-Z0-9]{1,4}))?$")


def is_holiday_region(region: str) -> bool:
    match = _REGION.match(region)
    if not match:
        return False
    country, subdivision = match.groups()
    supported = _supported_holiday_regions()
    if country not in supported:
        return False
    return subdivision is None or subdivision in supported[country]


@lru_cache(maxsize=1)
def _supported_holiday_regions() -> dict[str, frozenset[str]]:
    import holidays

    return {country: frozenset(subdivs) for country, subdivs in holidays.list_supported_countries().items()}


def apply_setup(*, session: Session, program: Program, form: SetupForm, now: datetime) -> Program:
    clean = validate_setup(form)
    program.name = clean.name
    program.leads = clean.leads
    program.escalation_channel_id = clean.escalation_channel_id or program.channel_id
    program.timezone = clean.timezone
    program.working_days = clean.working_days
    program.holiday_region = clean.holiday_region
    program.updated_at = now
    session.add(program)
    if clean.sprint_length_weeks is not None:
        update_settings(session=session, program=program, section="sprints", now=now,
                        length_weeks=clean.sprint_length_weeks, first_day=clean.sprint_first_day)
    return program


def setup_form_of(program: Program) -> SetupForm:
    sprints = settings_of(program).sprints
    return SetupForm(program.name, list(program.leads), program.escalation_channel_id, program.timezone,
                     list(program.working_days), program.holiday_region, sprints.length_weeks, sprints.first_day)


def describe_working_days(days: list[int]) -> str:
    days = sorted(days)
    if days == [0, 1, 2, 3, 4]:
        return "Monday–Friday"
    if days == list(range(7)):
        return "every day"
    return ", ".join(WEEKDAYS[d] for d in days)


def archive(*, session: Session, program: Program, user_id: str, now: datetime) -> Program:
    """Archive the program: its record and items stay and its commands still answer, but none of its
    schedules run (prompts, reminders, digests, reports, agendas, escalations). Leads only."""
    _ensure_lead(program, user_id, "archive it")
    if program.is_archived:
        raise UserError("This program is already archived. `/tpm unarchive` resumes it.", "/tpm unarchive")
    return store.set_archived(session=session, program_id=program.id, archived_at=now, now=now)


def unarchive(*, session: Session, program: Program, user_id: str, now: datetime) -> Program:
    """Resume an archived program's schedules from now on (nothing missed meanwhile is sent). Leads only."""
    _ensure_lead(program, user_id, "unarchive it")
    if not program.is_archived:
        raise UserError("This program isn't archived: its schedules are running.", "/tpm archive")
    return store.set_archived(session=session, program_id=program.id, archived_at=None, now=now)


def _ensure_lead(program: Program, user_id: str, what: str) -> None:
    if program.leads and user_id not in program.leads:
        leads = ", ".join(f"<@{u}>" for u in program.leads)
        raise NotAllowed(f"Only the program's leads ({leads}) can {what}. Ask one of them.")
