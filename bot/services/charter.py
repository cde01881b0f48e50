"""The program charter: what the program is for, in five sections (scope, goals, deliverables, out of
scope, success measures). Every save is a new version (storage/charters.py); the newest is the charter,
and the versions are its history: who changed it, when, and which sections.

Sections are stored as typed (plain text, mentions as `<@U…>`), and escaped once on the way out
(bot/blocks/charter.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlmodel import Session

from bot.services.errors import FieldErrors, NotAllowed
from storage import charters as store
from storage.charter_models import SECTION_MAX, Charter
from storage.models import Program


@dataclass(frozen=True)
class Section:
    name: str  # the Charter column and the form field
    label: str
    placeholder: str
    limit: int = SECTION_MAX


SECTIONS = (
    Section("scope", "Scope", "What the program covers: the problem, the teams, the systems"),
    Section("goals", "Goals", "What it must achieve, and by when"),
    Section("deliverables", "Deliverables", "What it hands over: features, services, documents"),
    Section("out_of_scope", "Out of scope", "What it deliberately does not do"),
    Section("success_measures", "Success measures", "How we will know it worked: metrics and targets"),
)
LABELS = {s.name: s.label for s in SECTIONS}
EXAMPLE = "/tpm charter"


@dataclass(frozen=True)
class CharterForm:
    """The charter modal's fields, as typed."""

    scope: str = ""
    goals: str = ""
    deliverables: str = ""
    out_of_scope: str = ""
    success_measures: str = ""

    def values(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Saved:
    charter: Charter
    changed: tuple[str, ...]  # the sections' labels that differ from the previous version
    new: bool  # False: nothing differed from the current charter, so nothing was stored


def _tidy(text: str) -> str:
    """Trailing spaces and blank lines at either end dropped; the lines themselves kept as typed."""
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")).strip("\n")


def validate_charter(form: CharterForm) -> CharterForm:
    """The cleaned form, or FieldErrors keyed by section name: each within its limit, not all empty."""
    clean = CharterForm(**{name: _tidy(value) for name, value in form.values().items()})
    errors = {s.name: f"Keep it to {s.limit:,} characters (it has {len(getattr(clean, s.name)):,}); link a doc "
                      "for the rest." for s in SECTIONS if len(getattr(clean, s.name)) > s.limit}
    if not errors and not any(v.strip() for v in clean.values().values()):
        errors["scope"] = "Write at least the scope: what this program covers."
    if errors:
        raise FieldErrors(errors)
    return clean


def is_lead(program: Program, user_id: str) -> bool:
    return not program.leads or user_id in program.leads


def ensure_may_edit(program: Program, user_id: str) -> None:
    if not is_lead(program, user_id):
        leads = ", ".join(f"<@{u}>" for u in program.leads)
        raise NotAllowed(f"Only the program's leads ({leads}) can change its charter. Ask one of them; anyone "
                         "can read it with `/tpm charter show`.")


def form_of(charter: Charter | None) -> CharterForm:
    if charter is None:
        return CharterForm()
    return CharterForm(**{s.name: getattr(charter, s.name) for s in SECTIONS})


def current_charter(session: Session, program: Program) -> Charter | None:
    """The program's charter: its newest version, or None if none was ever saved."""
    return store.latest(session=session, program_id=program.id)


def changed_sections(before: Charter | CharterForm | None, after: Charter | CharterForm) -> tuple[str, ...]:
    """The labels of the sections ``after`` changed (of those it set, for a first version)."""
    return tuple(s.label for s in SECTIONS
                 if getattr(after, s.name) != (getattr(before, s.name) if before is not None else ""))


def save_charter(*, session: Session, program: Program, form: CharterForm, author_id: str, now: datetime,
                 inbox_id: str | None = None) -> Saved:
    """Save ``form`` as the program's next charter version (leads only; validated; nothing stored when
    nothing changed). ``inbox_id``: the request saving it, so a request handled again saves once."""
    ensure_may_edit(program, author_id)
    clean = validate_charter(form)
    store.lock_program(session=session, program_id=program.id)  # one save at a time per program
    if inbox_id and (done := store.by_inbox(session=session, inbox_id=inbox_id)) is not None:
        return Saved(done, changed_sections(_version_before(session, done), done), True)
    current = current_charter(session, program)
    changed = changed_sections(current, clean)
    if current is not None and not changed:
        return Saved(current, (), False)
    charter = store.add_version(session=session, charter=Charter(
        program_id=program.id, version=0, author_id=author_id, at=now, inbox_id=inbox_id, **clean.values()))
    return Saved(charter, changed, True)


def _version_before(session: Session, charter: Charter) -> Charter | None:
    older = [v for v in store.versions(session=session, program_id=charter.program_id) if v.version < charter.version]
    return older[0] if older else None


@dataclass(frozen=True)
class Change:
    """One line of the charter's history."""

    version: int
    author_id: str
    at: datetime
    sections: tuple[str, ...]


def charter_history(session: Session, program: Program, limit: int = 50) -> tuple[list[Change], int]:
    """The newest ``limit`` changes, newest first (each with the sections it changed), and how many in all."""
    versions = store.versions(session=session, program_id=program.id, limit=limit + 1)
    total = versions[0].version if versions else 0
    changes = [Change(v.version, v.author_id, v.at,
                      changed_sections(versions[i + 1] if i + 1 < len(versions) else None, v))
               for i, v in enumerate(versions[:limit])]
    return changes, total  # one more than shown is read: the oldest shown is compared with the one before it
