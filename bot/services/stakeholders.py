"""A program's stakeholders: its sponsor, who approves its change requests and how many of them must,
who is consulted, and who is informed. Kept as the `stakeholders` section of the program's typed
settings (bot/services/program_settings.py); `/tpm stakeholders` edits it.

`approvers(program)` is the program's leads until a lead names approvers; `informed(program)` the
people and channels told of every decided change request. The same modal edits the communication plan
(bot/services/communication_plan.py): the form carries both, and one save stores both sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.services import communication_plan
from bot.services.communication_plan import Route
from bot.services.errors import NotAllowed
from bot.services.program_settings import StakeholderSettings, settings_of, update_settings
from storage.models import Program

POLICIES = {"all": "every approver", "any": "any one approver", "majority": "a majority of the approvers"}
MAX_PEOPLE = 30


def stakeholders_of(program: Program) -> StakeholderSettings:
    return settings_of(program).stakeholders


def approvers(program: Program) -> list[str]:
    """Who approves the program's change requests: those a lead named, else the program's leads."""
    named = list(stakeholders_of(program).approvers)
    return named or list(program.leads or [])


def informed(program: Program) -> list[str]:
    """People (user ids) and channels (channel ids) told of every decided change request."""
    return list(stakeholders_of(program).informed)


def decided_notice_targets(program: Program, requester: str) -> list[str]:
    """Who is told that a change request was decided: its requester, and unless the communication plan has
    change outcomes off, the informed and the plan's destinations for them."""
    told = ([*informed(program), *communication_plan.also_to(program, "change_outcomes")]
            if communication_plan.sends(program, "change_outcomes") else [])
    return list(dict.fromkeys([requester, *told]))


def schedule_needs_approval(program: Program) -> bool:
    """Moving a milestone past its baseline opens a change request instead of moving it."""
    return stakeholders_of(program).schedule_needs_approval


def approval_policy(program: Program) -> str:
    return stakeholders_of(program).approval


def approvals_needed(policy: str, approver_count: int) -> int:
    """How many approvals decide a request: all of them, any one, or more than half."""
    if approver_count <= 0:
        return 1
    return {"all": approver_count, "any": 1}.get(policy, approver_count // 2 + 1)


@dataclass(frozen=True)
class StakeholderForm:
    sponsor: str | None = None
    approvers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed_people: tuple[str, ...] = ()
    informed_channels: tuple[str, ...] = ()
    approval: str = "all"
    schedule_needs_approval: bool = False
    plan: dict[str, Route] = field(default_factory=dict)  # the communication plan, by output
    errors: dict[str, str] = field(default_factory=dict)


def form_of(program: Program) -> StakeholderForm:
    s = stakeholders_of(program)
    return StakeholderForm(sponsor=s.sponsor, approvers=s.approvers, consulted=s.consulted,
                           informed_people=tuple(c for c in s.informed if c[0] in "UW"),
                           informed_channels=tuple(c for c in s.informed if c[0] not in "UW"), approval=s.approval,
                           schedule_needs_approval=s.schedule_needs_approval,
                           plan=communication_plan.routes_of(program))


def plan_field(output: str, part: str) -> str:
    """The form field name of one part (people, channels, frequency) of one output's row of the plan."""
    return f"plan.{output}.{part}"


def field_errors(form: StakeholderForm) -> dict[str, str]:
    """What the modal shows under its fields (by form field name); empty when it can be saved."""
    errors = {}
    for name in ("approvers", "consulted", "informed_people", "informed_channels"):
        if len(getattr(form, name)) > MAX_PEOPLE:
            errors[name] = f"Choose at most {MAX_PEOPLE} (there are {len(getattr(form, name))})."
    if form.approval not in POLICIES:
        errors["approval"] = "Choose all, any one, or a majority."
    for (output, part), said in communication_plan.route_errors(form.plan).items():
        errors[plan_field(output, part)] = said
    return errors


def ensure_lead(program: Program, user_id: str) -> None:
    if program.leads and user_id not in program.leads:
        leads = ", ".join(f"<@{u}>" for u in program.leads)
        raise NotAllowed(f"Only the program's leads ({leads}) can change its stakeholders. Nothing was saved.")


def save_stakeholders(*, session: Session, program: Program, form: StakeholderForm, actor: str,
                      now: datetime) -> Program:
    ensure_lead(program, actor)
    update_settings(session=session, program=program, section="communication", now=now,
                    **communication_plan.plan_fields(form.plan))
    return update_settings(session=session, program=program, section="stakeholders", now=now,
                           sponsor=form.sponsor, approvers=list(dict.fromkeys(form.approvers)),
                           consulted=list(dict.fromkeys(form.consulted)),
                           informed=list(dict.fromkeys([*form.informed_people, *form.informed_channels])),
                           approval=form.approval, schedule_needs_approval=form.schedule_needs_approval)


def describe(program: Program) -> str:
    """One line per role, mrkdwn with mentions, for the saved note and `/tpm settings`."""
    s = stakeholders_of(program)

    def names(ids) -> str:
        return ", ".join(f"<#{i}>" if i[0] in "CGD" else f"<@{i}>" for i in ids) or "nobody"

    named = "" if s.approvers else " (the leads)"
    return "\n".join([f"*Sponsor*: {names([s.sponsor] if s.sponsor else [])}",
                      f"*Approvers*{named}: {names(approvers(program))} — {POLICIES[s.approval]} must approve",
                      f"*Consulted*: {names(s.consulted)}", f"*Informed*: {names(s.informed)}",
                      "*Schedule changes*: " + ("a move past a milestone's baseline needs an approved change request"
                                                if s.schedule_needs_approval else "leads and owners move milestones"),
                      "*Communication plan*", communication_plan.describe_plan(program)])
