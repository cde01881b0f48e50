"""The communication plan: which of the program's outputs goes where, and how often. Kept as the
`communication` section of the program's typed settings (bot/services/program_settings.py
`CommunicationPlan`); `/tpm stakeholders` edits it next to the stakeholders.

Each output keeps its usual destination (``Output.usual``) and is also sent to the plan's ``also_to``
people (a DM) and channels, each under its own outbox key (``extra_key``), so a retried or overlapping
tick sends each copy once. How often (``frequency``):

- stand-up digest, change outcomes, escalations: ``each`` (every time, as before) or ``off`` (the
  output's broadcast stops: no digest; a decided change tells only its requester; an escalation still
  climbs owner → leads but posts nothing in the escalation channel), and ``also_to`` gets nothing;
- status report, portfolio digest: on their own schedule's day and time, ``weekly`` (as before),
  ``biweekly`` (``on_schedule``: the even weeks counted from Monday 5 January 1970, by the program's local
  date, so every process and every restart agrees which weeks), ``monthly`` (the first such weekday of
  the month: its local date is one of the month's first seven) or ``off``.

Nothing set is exactly the behaviour before the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.program_settings import CommunicationPlan, settings_of
from storage.models import Program

ANCHOR_MONDAY = date(1970, 1, 5)  # the first Monday of the epoch: week 0 of "biweekly"
MAX_DESTINATIONS = 20
EACH = {"each": "Every time", "off": "Off"}
SCHEDULED = {"weekly": "Every week", "biweekly": "Every two weeks", "monthly": "Monthly (first such weekday)",
             "off": "Off"}


@dataclass(frozen=True)
class Output:
    name: str  # the field of CommunicationPlan
    label: str
    what: str  # the words of the destination rule (bot/services/destinations.py) for its errors
    usual: str  # where it goes without the plan
    frequencies: dict[str, str]  # value → label, the first the default


OUTPUTS = (
    Output("digest", "Stand-up digest", "digest", "the digest channel of /standup setup",
           {"each": "After each stand-up", "off": "Off"}),
    Output("status_report", "Status report", "status", "the status report's channel (/status schedule)", SCHEDULED),
    Output("portfolio", "Portfolio digest", "portfolio", "the channel of /tpm portfolio digest", SCHEDULED),
    Output("change_outcomes", "Change outcomes", "change-request notices", "the requester and the informed",
           {"each": "Each decided change", "off": "Off (the requester only)"}),
    Output("escalations", "Escalations", "escalations", "owner → leads → the escalation channel",
           {"each": "Each one that reaches the escalation channel", "off": "Off (owner and leads only)"}),
)
BY_NAME = {output.name: output for output in OUTPUTS}


def plan_of(program: Program) -> CommunicationPlan:
    return settings_of(program).communication


def frequency(program: Program, output: str) -> str:
    return getattr(plan_of(program), output).frequency


def sends(program: Program, output: str) -> bool:
    """Does the output go out at all (its frequency is not ``off``)?"""
    return frequency(program, output) != "off"


def also_to(program: Program, output: str, *, besides: tuple[str, ...] = ()) -> list[str]:
    """The people and channels the plan also sends ``output`` to (none when it is off), without ``besides``
    (where it goes anyway)."""
    if not sends(program, output):
        return []
    return [t for t in dict.fromkeys(getattr(plan_of(program), output).also_to) if t not in besides]


def on_schedule(program: Program, output: str, local_day: date) -> bool:
    """Is the scheduled ``output``, due on the program's local ``local_day`` (already its weekday), sent
    that week? Weekly: yes; biweekly: in the even weeks from ANCHOR_MONDAY; monthly: in the month's first
    seven days; off: never."""
    rules = {"weekly": lambda: True, "off": lambda: False,
             "biweekly": lambda: ((local_day - ANCHOR_MONDAY).days // 7) % 2 == 0,
             "monthly": lambda: local_day.day <= 7}
    return rules[frequency(program, output)]()


def extra_key(key: str, target: str) -> str:
    """The outbox key of the copy of the message keyed ``key`` that goes to ``target``."""
    return f"{key}:to:{target}"


def is_person(target: str) -> bool:
    return target[:1] in ("U", "W")


# ---- the form ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """One output's row of the modal: the people and channels it also goes to, and how often."""

    people: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    frequency: str = ""


def routes_of(program: Program) -> dict[str, Route]:
    plan = plan_of(program)
    out = {}
    for output in OUTPUTS:
        row = getattr(plan, output.name)
        out[output.name] = Route(people=tuple(t for t in row.also_to if is_person(t)),
                                 channels=tuple(t for t in row.also_to if not is_person(t)),
                                 frequency=row.frequency)
    return out


def route_errors(routes: dict[str, Route]) -> dict[tuple[str, str], str]:
    """What the modal shows under the plan's fields, by (output, part): part is people, channels or
    frequency. Empty when the plan can be saved."""
    errors = {}
    for output in OUTPUTS:
        route = routes.get(output.name, Route())
        chosen = len(set(route.people) | set(route.channels))
        if chosen > MAX_DESTINATIONS:
            errors[(output.name, "channels")] = f"Choose at most {MAX_DESTINATIONS} people and channels (there are {chosen})."
        if route.frequency and route.frequency not in output.frequencies:
            errors[(output.name, "frequency")] = "Choose one of: " + ", ".join(output.frequencies.values()) + "."
    return errors


def plan_fields(routes: dict[str, Route]) -> dict[str, dict]:
    """The `communication` section's fields for ``update_settings``: every output, whole."""
    fields = {}
    for output in OUTPUTS:
        route = routes.get(output.name, Route())
        fields[output.name] = {"also_to": list(dict.fromkeys([*route.people, *route.channels])),
                               "frequency": route.frequency or next(iter(output.frequencies))}
    return fields


def describe_plan(program: Program) -> str:
    """One line per output, mrkdwn with mentions: where it goes and how often."""
    plan = plan_of(program)
    lines = []
    for output in OUTPUTS:
        row = getattr(plan, output.name)
        if row.frequency == "off":
            lines.append(f"*{output.label}*: off")
            continue
        extra = ", ".join(f"<@{t}>" if is_person(t) else f"<#{t}>" for t in row.also_to)
        where = output.usual + (f", and {extra}" if extra else "")
        lines.append(f"*{output.label}* ({output.frequencies[row.frequency].lower()}): {where}")
    return "\n".join(lines)
