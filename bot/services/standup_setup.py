"""The `/standup setup` form's rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.services.errors import FieldErrors

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_QUESTIONS = 3


@dataclass
class StandupForm:
    local_time: str = "09:30"
    days: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])
    questions: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    everyone: bool = False
    mode: str = "dm"
    reminder_minutes: str = "60"
    cutoff: str = "11:30"
    digest_channel_id: str | None = None


def validate_standup_form(form: StandupForm) -> StandupForm:
    errors: dict[str, str] = {}
    if not _HHMM.match(form.local_time or ""):
        errors["time"] = "Pick the time the prompt goes out (each person's own local time)."
    if not _HHMM.match(form.cutoff or ""):
        errors["cutoff"] = "Pick the cutoff: the digest is posted then, in the program's timezone."
    days = sorted({d for d in form.days if 0 <= d <= 6})
    if not days:
        errors["days"] = "Tick at least one day."
    questions = [q.strip() for q in form.questions if q.strip()]
    if not questions:
        errors["questions"] = "Ask at least one question, one per line."
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = f"Ask at most {MAX_QUESTIONS} questions (yesterday, today, blockers), one per line."
    elif any(len(q) > 150 for q in questions):
        errors["questions"] = "Keep each question to 150 characters."
    if not form.everyone and not form.participants:
        errors["participants"] = "Choose who takes part, or tick “everyone in this channel”."
    if form.mode not in ("dm", "thread"):
        errors["mode"] = "Choose DM or channel thread."
    try:
        minutes = int((form.reminder_minutes or "0").strip())
        if not 0 <= minutes <= 480:
            raise ValueError
    except ValueError:
        errors["reminder"] = "Give the reminder delay in minutes, 0 (none) to 480, e.g. 60."
        minutes = 0
    if not form.digest_channel_id:
        errors["digest_channel"] = "Choose where the digest is posted."
    if errors:
        raise FieldErrors(errors)
    return StandupForm(form.local_time, days, questions, list(dict.fromkeys(form.participants)), form.everyone,
                       form.mode, str(minutes), form.cutoff, form.digest_channel_id)
