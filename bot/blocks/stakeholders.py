"""The `/tpm stakeholders` modal: sponsor, approvers and how many must approve, consulted, informed
(people and channels), and the communication plan — per output, who else gets it (people, channels)
and how often — prefilled with what is saved."""

from __future__ import annotations

from bot.blocks.kit import context, divider, header, plain_text
from bot.blocks.text import channel, mrkdwn
from bot.ids import Callback
from bot.services.communication_plan import OUTPUTS, Route
from bot.services.stakeholders import POLICIES, StakeholderForm, plan_field
from storage.models import Program

INPUT = "tpm.stakeholders.input"
FIELDS = ("sponsor", "approvers", "approval", "consulted", "informed_people", "informed_channels", "schedule")
SCHEDULE_OPTION = "needs_approval"
PLAN_PARTS = ("people", "channels", "frequency")
PLAN_FIELDS = tuple(plan_field(output.name, part) for output in OUTPUTS for part in PLAN_PARTS)
BLOCK_FOR_FIELD = {name: f"tpm.stakeholders.{name}" for name in (*FIELDS, *PLAN_FIELDS)}
_POLICY_LABELS = {"all": "All approvers", "any": "Any one approver", "majority": "A majority of approvers"}


def _option(value: str) -> dict:
    return {"text": plain_text(_POLICY_LABELS[value]), "value": value}


def _input(name: str, label: str, element: dict, hint: str = "") -> dict:
    block = {"type": "input", "block_id": BLOCK_FOR_FIELD[name], "optional": True, "label": plain_text(label),
             "element": {"action_id": INPUT, **element}}
    if hint:
        block["hint"] = plain_text(hint)
    return block


def _people(kind: str, chosen: tuple[str, ...]) -> dict:
    element = {"type": kind}
    if chosen:
        element["initial_users"] = list(chosen)
    return element


def _channels(chosen: tuple[str, ...]) -> dict:
    element = {"type": "multi_conversations_select", "filter": {"include": ["public", "private"],
                                                                "exclude_bot_users": True}}
    if chosen:
        element["initial_conversations"] = list(chosen)
    return element


def _plan_rows(plan: dict[str, Route]) -> list[dict]:
    """Per output: the people and the channels it also goes to, and how often (three inputs)."""
    blocks = [divider(), header("Communication plan"),
              context("Each output still goes where it goes today; choose who else gets it and how often. "
                      "Every two weeks: the even weeks counted from Monday 5 January 1970.")]
    for output in OUTPUTS:
        route = plan.get(output.name, Route())
        options = [{"text": plain_text(label), "value": value} for value, label in output.frequencies.items()]
        chosen = route.frequency if route.frequency in output.frequencies else options[0]["value"]
        how = {"type": "static_select", "options": options,
               "initial_option": next(o for o in options if o["value"] == chosen)}
        blocks += [
            _input(plan_field(output.name, "frequency"), f"{output.label}: how often", how,
                   f"Today it goes to {output.usual}."),
            _input(plan_field(output.name, "people"), f"{output.label}: also to people",
                   _people("multi_users_select", route.people), "Each gets a direct message."),
            _input(plan_field(output.name, "channels"), f"{output.label}: also to channels",
                   _channels(route.channels)),
        ]
    return blocks


def stakeholders_modal(program: Program, form: StakeholderForm, private_metadata: str, *, may_edit: bool) -> dict:
    sponsor = {"type": "users_select", **({"initial_user": form.sponsor} if form.sponsor else {})}
    channels = _channels(form.informed_channels)
    policy = {"type": "static_select", "options": [_option(v) for v in POLICIES],
              "initial_option": _option(form.approval if form.approval in POLICIES else "all")}
    needs = {"text": plain_text("Moving a milestone past its baseline needs an approved change request"),
             "value": SCHEDULE_OPTION}
    schedule = {"type": "checkboxes", "options": [needs], **({"initial_options": [needs]}
                                                              if form.schedule_needs_approval else {})}
    blocks = [
        _input("sponsor", "Sponsor", sponsor),
        _input("approvers", "Approvers", _people("multi_users_select", form.approvers),
               "They approve change requests. None chosen: the program's leads."),
        _input("approval", "Who must approve a change", policy),
        _input("consulted", "Consulted", _people("multi_users_select", form.consulted)),
        _input("informed_people", "Informed (people)", _people("multi_users_select", form.informed_people),
               "Told of every approved or rejected change."),
        _input("informed_channels", "Informed (channels)", channels, "Invite @tpmbot to each channel first."),
        _input("schedule", "Schedule changes", schedule),
        *_plan_rows(form.plan),
    ]
    notes = [f"Program: {mrkdwn(program.name, 200)} in {channel(program.channel_id)}"]
    if not may_edit:
        notes.append("Only the program's leads can save changes.")
    blocks.append(context(" · ".join(notes)))
    return {"type": "modal", "callback_id": Callback.STAKEHOLDERS.value, "title": plain_text("Stakeholders"),
            "submit": plain_text("Save"), "close": plain_text("Cancel"), "private_metadata": private_metadata,
            "blocks": blocks}
