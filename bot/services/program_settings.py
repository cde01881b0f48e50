"""A program's settings, typed: one section per feature, each with its defaults.

`Program.settings` stores the sections a lead has set (only the fields set; the rest are defaults,
so changing a default here changes it for every program that never set it):

    {"blockers": {"sla_hours": {"high": 4}},
     "escalations": {"risk_threshold": 12, "steps_hours": [2, 6]},
     "status_report": {"enabled": true, "day": 4, "time": "16:00", "channel": ""},
     "sprints": {"length_weeks": 2, "first_day": "2026-12-07"}}

Read with ``settings_of(program)``; write with ``update_settings(...)``, the one way to write, which
validates the whole document before anything is stored. Unknown sections or fields are refused
(``extra="forbid"``), so a typo can never be saved and silently ignored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import Session

from storage.models import Program

Hours = Annotated[float, Field(gt=0, le=24 * 365)]
StepHours = Annotated[float, Field(ge=0.5, le=40)]

DEFAULT_RISK_THRESHOLD = 15
DEFAULT_STEPS_HOURS = (4.0, 4.0)  # business hours: owner → leads, leads → escalation channel
CRITICAL_STEPS_HOURS = (1.0, 1.0)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlaHours(Section):
    """How long a blocker of each severity may stay open: wall-clock hours for critical, business
    hours (8 a working day) for the others."""

    critical: Hours = 4
    high: Hours = 8
    medium: Hours = 24
    low: Hours = 40

    def for_severity(self, severity: str) -> float:
        return float(getattr(self, severity))


class BlockerSettings(Section):
    sla_hours: SlaHours = SlaHours()


class EscalationSettings(Section):
    risk_threshold: Annotated[int, Field(ge=1, le=25)] = DEFAULT_RISK_THRESHOLD
    steps_hours: tuple[StepHours, StepHours] = DEFAULT_STEPS_HOURS
    steps_hours_critical: tuple[StepHours, StepHours] = CRITICAL_STEPS_HOURS


class StatusReportSettings(Section):
    """The weekly status report: on ``day`` (0 = Monday) at ``time`` in the program's timezone."""

    enabled: bool = True
    day: Annotated[int, Field(ge=0, le=6)] = 4
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "16:00"
    channel: Annotated[str, Field(max_length=32)] = ""  # "" = the program's channel


class MilestoneSettings(Section):
    """A milestone slipped past its baseline by more than ``slip_tolerance_days`` working days is off track."""

    slip_tolerance_days: Annotated[int, Field(ge=0, le=250)] = 5
SPRINT_LENGTHS = (0, 1, 2, 3, 4)  # weeks; 0 = the program has no sprints


class SprintSettings(Section):
    """The program's sprints: ``length_weeks`` long (0 = none), back to back from ``first_day``, the first
    day of the first sprint (bot/services/sprints.py does the arithmetic)."""

    length_weeks: Annotated[int, Field(ge=0, le=4)] = 0
    first_day: date | None = None

    @model_validator(mode="after")
    def _first_day_with_a_length(self) -> "SprintSettings":
        if self.length_weeks and self.first_day is None:
            raise ValueError("sprints with a length need their first day")
        return self


class PortfolioSettings(Section):
    """The weekly portfolio digest a lead of this program chose: on ``day`` (0 = Monday) at ``time`` in the
    program's timezone, to ``channel`` ("" with ``enabled`` False: none)."""

    enabled: bool = False
    day: Annotated[int, Field(ge=0, le=6)] = 0
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "09:00"
    channel: Annotated[str, Field(max_length=32)] = ""


UserId = Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{1,20}$")]
ConversationId = Annotated[str, Field(pattern=r"^[UWCGD][A-Z0-9]{1,20}$")]  # a person or a channel
People = Annotated[tuple[UserId, ...], Field(max_length=30)]


class StakeholderSettings(Section):
    """Who the program answers to (bot/services/stakeholders.py reads it): its sponsor, who approves its
    change requests (none set: its leads) and how many of them must (``approval``: all, any one, or a
    majority), who is consulted, who is informed of decided changes (people or channels), and whether moving a
    milestone past its baseline needs an approved change request."""

    sponsor: UserId | None = None
    approvers: People = ()
    consulted: People = ()
    informed: Annotated[tuple[ConversationId, ...], Field(max_length=30)] = ()
    approval: Literal["all", "any", "majority"] = "all"
    schedule_needs_approval: bool = False  # `/milestone move` past the baseline opens a change request instead


Destinations = Annotated[tuple[ConversationId, ...], Field(max_length=20)]
Scheduled = Literal["weekly", "biweekly", "monthly", "off"]
EachOrOff = Literal["each", "off"]


class EachTime(Section):
    """An output sent as things happen (after each stand-up, each decided change, each escalation that
    reaches the escalation channel): ``also_to`` people or channels besides its usual destination, and
    ``frequency`` "each" (every time, today's behaviour) or "off": the output's broadcast stops — no stand-up
    digest; a decided change tells only its requester (not the informed); an escalation still climbs owner →
    leads but posts nothing in the escalation channel — and ``also_to`` gets nothing either."""

    also_to: Destinations = ()
    frequency: EachOrOff = "each"


class OnSchedule(Section):
    """A scheduled report (the status report, the portfolio digest), on its own schedule's day and time:
    ``also_to`` people or channels besides its channel, and ``frequency``: "weekly" (today's behaviour),
    "biweekly" (the even weeks counted from Monday 5 January 1970 in the program's timezone, so every
    process agrees which weeks), "monthly" (the first such weekday of each month) or "off"."""

    also_to: Destinations = ()
    frequency: Scheduled = "weekly"


class CommunicationPlan(Section):
    """Which output goes where and how often (bot/services/communication_plan.py reads it; `/tpm stakeholders`
    edits it). Each output still goes to its usual destination — the digest channel of `/standup setup`, the
    status report's channel, the portfolio digest's channel, the escalation channel, the informed — and
    also to ``also_to``. Nothing set: exactly what each output did before the plan."""

    digest: EachTime = EachTime()
    status_report: OnSchedule = OnSchedule()
    portfolio: OnSchedule = OnSchedule()
    change_outcomes: EachTime = EachTime()
    escalations: EachTime = EachTime()


class ProgramSettings(Section):
    blockers: BlockerSettings = BlockerSettings()
    escalations: EscalationSettings = EscalationSettings()
    status_report: StatusReportSettings = StatusReportSettings()
    milestones: MilestoneSettings = MilestoneSettings()
    sprints: SprintSettings = SprintSettings()
    portfolio: PortfolioSettings = PortfolioSettings()
    stakeholders: StakeholderSettings = StakeholderSettings()
    communication: CommunicationPlan = CommunicationPlan()


SECTIONS = tuple(ProgramSettings.model_fields)
_CACHE = "_tpm_settings_cache"


class SettingsError(ValueError):
    """Settings that the model refuses: an unknown section or field, or a value out of range."""


def settings_of(program: Program) -> ProgramSettings:
    """The program's settings, defaults filled in. Parsed once per loaded row: the parse is kept on
    the object for as long as its ``settings`` document is the same object."""
    doc = program.settings  # the stored document itself (None for a program never configured): `or {}` here
    cached = program.__dict__.get(_CACHE)  # would be a new dict each call, and the cache would never hit
    if cached is not None and cached[0] is doc:
        return cached[1]
    parsed = ProgramSettings.model_validate(doc or {})
    object.__setattr__(program, _CACHE, (doc, parsed))
    return parsed


def merged_settings(doc: dict[str, Any] | None, section: str, **fields: Any) -> dict[str, Any]:
    """``doc`` with ``fields`` set in ``section``, validated; the stored shape (only fields ever set)."""
    if section not in SECTIONS:
        raise SettingsError(f"unknown settings section {section!r}")
    doc = dict(doc or {})
    doc[section] = {**(doc.get(section) or {}), **fields}
    try:
        parsed = ProgramSettings.model_validate(doc)
    except ValidationError as exc:
        raise SettingsError(str(exc)) from exc
    return parsed.model_dump(mode="json", exclude_unset=True)


def update_settings(*, session: Session, program: Program, section: str, now: datetime,
                    **fields: Any) -> Program:
    """Set ``fields`` of one section of the stored program (read again in ``session``), all or nothing;
    returns the stored program."""
    stored = session.get(Program, program.id)
    stored.settings = merged_settings(stored.settings, section, **fields)
    stored.updated_at = now
    session.add(stored)
    return stored
