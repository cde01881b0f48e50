"""What a kind of record is: `KindSpec`, with its fields (`FieldSpec`) and the draft its grammar reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.services.dates import When

OPEN = "open"  # every kind's open status is spelled the same, so "open items" is one query for all


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind: where it lives on the record, and how its modal input looks.

    ``attr`` is an `Item` column, or `details.<name>` for what only this kind has. ``input`` is one of
    text, long_text, user, users, select, date."""

    name: str
    label: str
    attr: str
    input: str = "text"
    optional: bool = True
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for a select
    default: Any = None
    max_length: int = 500
    placeholder: str = ""
    to_value: Callable[[str], Any] | None = None  # a select's value as stored (int("3"))
    in_modal: bool = True  # False: set by a verb only (a pending decision's date)
    editable: bool = True  # False: in the new-record modal only; a verb changes it after (a milestone's date)

    @property
    def block_id(self) -> str:
        return f"raid.modal.{self.name}"  # kept from the first release: modals already open still submit

    def get(self, item: Any) -> Any:
        if self.attr.startswith("details."):
            return (item.details or {}).get(self.attr.split(".", 1)[1], self.default)
        return getattr(item, self.attr)

    def set(self, item: Any, value: Any) -> None:
        if self.attr.startswith("details."):
            item.details = {**(item.details or {}), self.attr.split(".", 1)[1]: value}
        else:
            setattr(item, self.attr, value)


@dataclass(frozen=True)
class Draft:
    """What a one-line command, a modal or a thread reply asked for, before it is stored."""

    title: str
    owner_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # field name -> value (dates as aware UTC)
    when: When | None = None  # the date the author typed, echoed back in their zone
    status: str = OPEN


Grammar = Callable[[str, str, datetime], Draft]  # (text, author's timezone, now) -> Draft, or UserError


@dataclass(frozen=True)
class Closing:
    """A verb that ends a record's open life: `/blocker resolve`, `/risk close`, `/action done`."""

    verb: str
    status: str
    label: str  # the button's text
    past: str  # "resolved", for "B-7 is now resolved"


@dataclass(frozen=True)
class KindSpec:
    name: str  # "blocker": the command, the table's kind and the ids' feature
    prefix: str  # "B": keys read B-7
    label: str  # "Blocker"
    plural: str  # "blockers"
    summary: str  # one line for help
    statuses: type[StrEnum]
    closings: tuple[Closing, ...]
    fields: tuple[FieldSpec, ...]
    grammar: Grammar
    usage: str  # the one-line form, for help
    example: str
    icon: Callable[[Any], str] = lambda item: ":small_blue_diamond:"
    facts: Callable[[Any, str], list[tuple[str, str]]] = lambda item, tz: []  # (label, mrkdwn) on its message
    suffix: Callable[[Any], str] = lambda item: ""  # after the title in lists ("(score 12)")
    understood: Callable[[Any, When | None], str] = lambda item, when: ""  # the reply's details
    list_order: Callable[[Any], Any] | None = None  # default: oldest first
    snoozable: bool = True
    reopenable: bool = True  # False: once closed it stays closed (a decided change request)
    reopened: Callable[[Any, datetime], None] | None = None  # what a kind resets of its own when reopened
    owner_required: bool = False
    owner_label: str = "Owner"
    modal_status: str = OPEN  # what its modal creates (a decision: decided)
    open_label: str = "Open"  # a pending decision reads "Pending"
    thread_prefixes: tuple[str, ...] = ()
    shortcut_name: str = ""  # "Log as blocker"; empty: no message shortcut
    edit_title_label: str = "What is it?"
    escalates: bool = False  # has escalation rules (bot/services/escalation_rules)
    reminds: bool = False  # the owner is reminded on the due morning (their zone) and when it is overdue
    reminded: Callable[[Any], list[str]] | None = None  # who those reminders go to instead of the owner
    overdue_to_leads: bool = False  # overdue, it also goes to the program's escalation channel
    # (session=, program=, item=, actor=, now=, draft=) -> the other records a new one changed
    after_create: tuple[Callable[..., list[Any]], ...] = ()
    # An open record of this kind linked to a milestone: why it puts that milestone at risk, or None.
    # (item, program, now) -> reason; a kind without it never concerns a milestone.
    milestone_concern: Callable[[Any, Any, datetime], str | None] | None = None
    # Escalation rules of the kind, in priority order: (rule name, (item, program, now) -> reason or None).
    escalation_rules: tuple[tuple[str, Callable[[Any, Any, datetime], str | None]], ...] = ()
    slash: str = ""  # its command when not `/<name>` (dependencies answer `/dep`)
    # Other messages that show this record and follow its every change (a dependency's cards at the
    # side it is asked of): (session=, program=, item=, now=) -> the outbox keys queued.
    mirrors: Callable[..., list[str]] | None = None

    @property
    def command(self) -> str:
        return self.slash or f"/{self.name}"

    @property
    def closing_verbs(self) -> dict[str, Closing]:
        return {c.verb: c for c in self.closings}

    @property
    def primary_closing(self) -> Closing:
        return self.closings[0]

    def key(self, number: int) -> str:
        return f"{self.prefix}-{number}"

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def status_label(self, status: str) -> str:
        return status.replace("_", " ")
