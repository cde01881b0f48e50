"""The agenda message (one per occurrence, edited in place) and the `/agenda list` text. However large
the program, every section fits Slack's limits: lines are clipped, a section stops short of 3,000
characters with "…and N more", and at most a fixed number of action rows carry buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks import kit
from bot.blocks import home
from bot.blocks.dependencies import open_dependencies_text
from bot.blocks.home import item_line
from bot.blocks.milestones import milestone_line
from bot.blocks.raid import local_date
from bot.blocks.text import clip, message_text, mrkdwn
from bot.ids import Action
from bot.services.raid import describe_age
from bot.services.timezones import zone

if TYPE_CHECKING:
    from bot.services.agendas import AgendaContent
    from storage.raid_models import Item

SECTION_LIMIT = 3000
LINE_LIMIT = 300
ACTION_ROWS = {"last": 8, "carry": 8, "recorded": 12}
CARRIED = " ↻"
REPLY_HINT = "Reply in this thread: `action: @who what by friday` · `decision: …` · `blocker: …` · `risk: …`"


def fit_lines(heading: str, lines: list[str], empty: str) -> str:
    """A heading and as many whole lines (mrkdwn, each built to fit ``LINE_LIMIT``) as fit in one
    section's text, then "…and N more"."""
    return home.fit_lines(heading, lines, empty, SECTION_LIMIT)


def _line(before: str, text: str, after: str = "") -> str:
    """``before`` + the typed ``text`` escaped once (clipped before escaping) + ``after``, within LINE_LIMIT."""
    return f"{before}{mrkdwn(text, max(1, LINE_LIMIT - len(before) - len(after)))}{after}"


def _section(text: str, accessory: kit.Block | None = None) -> kit.Block:
    return kit.section(text, accessory=accessory)  # every text here is built to fit


def _day(at, tz: str) -> str:
    return local_date(at, tz)


def action_line(action: Item, tz: str) -> str:
    mark = "~" if not action.is_open else ""
    due = f", due {_day(action.due_at, tz)}" if action.due_at else ""
    done = " :white_check_mark:" if action.status == "done" else f" ({action.status})" if not action.is_open else ""
    return _line(f"{mark}*{action.key}* ", action.title, f"{mark} — <@{action.owner_id}>{due}{done}")


def done_value(action: Item) -> str:
    """The Done button's value: the record's id, prefixed so that a button on an agenda posted before action
    items were records (its value the old action item's id) is never read as a record id."""
    return f"record:{action.id}"


def _action_rows(heading: str, actions: list[Item], tz: str, budget: int, empty: str) -> list[kit.Block]:
    if not actions:
        return [_section(f"{heading}\n{empty}")]
    rows = [_section(heading)]
    for action in actions[:budget]:
        done = (kit.button("Done", action_id=Action.AGENDA_ACTION_DONE.value, value=done_value(action))
                if action.is_open else None)
        rows.append(_section(action_line(action, tz), done))
    if len(actions) > budget:
        rest = [action_line(a, tz) for a in actions[budget:]]
        rows.append(_section(fit_lines(f"…and {len(rest)} more:", rest, "")))
    return rows


def build_agenda(content: AgendaContent) -> list[dict]:
    tz, now = content.timezone, content.now
    local = content.occurs_at.astimezone(zone(tz))
    when = f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({tz})"
    carried = content.carried_items

    def mark(item_id: int) -> str:
        return CARRIED if item_id in carried else ""

    blockers = [f"{item_line(b)} — <@{b.owner_id}>, open {describe_age(b.created_at, now)}{mark(b.id)}"
                for b in content.blockers]
    risks = [f"{item_line(r)} — <@{r.owner_id}>{mark(r.id)}" for r in content.risks]
    due = []
    for line in content.due:
        state = "overdue since" if line.due_at < content.occurs_at else line.what
        due.append(_line(f"*{line.key}* ", line.text, f" — <@{line.owner_id}>, {state} {_day(line.due_at, tz)}"))
    risk_heading = (f"*Top risks* ({len(content.risks)} of {content.open_risks} open)" if content.open_risks
                    else "*Top risks*")
    blocks = [
        kit.header(clip(f"Agenda · {content.meeting_name}", 150)),
        kit.context(f"*{mrkdwn(content.program_name, 200)}* · {when}", REPLY_HINT),
        *_sprint_sections(content),
        _section(fit_lines(f"*Open blockers* ({len(blockers)}, oldest first)", blockers, "None open. :tada:")),
        _section(fit_lines(risk_heading, risks, "None open.")),
        _section(fit_lines("*Due or overdue* (before the next meeting)", due, "Nothing due.")),
        _section(fit_lines("*Milestones* (due in the next two weeks, or slipping)",
                           [milestone_line(m, content.assessed[m.id], content.program) for m in content.milestones],
                           "None due or slipping.")),
        *_dependencies(content),
        *_action_rows("*Action items from last meeting*", content.last_actions, tz, ACTION_ROWS["last"],
                      "None recorded."),
        *_action_rows("*Carry-over* (still open from earlier meetings)", content.carry_over, tz,
                      ACTION_ROWS["carry"], "Nothing carried over."),
    ]
    if carried:
        blocks.append(kit.context(
            f"{CARRIED.strip()} {len(carried)} blocker(s) and risk(s) listed last time are still open."))
    blocks.append(kit.divider())
    blocks += _action_rows("*Actions recorded in this meeting*", content.actions, tz, ACTION_ROWS["recorded"],
                           "None yet: reply `action: …` in the thread.")
    decisions = [_line(f"*{d.key}* ", d.title, " — " + ", ".join(
        f"<@{u}>" for u in ((d.details or {}).get("deciders") or [d.owner_id]))) for d in content.decisions]
    blocks.append(_section(fit_lines("*Decisions*", decisions, "None yet: reply `decision: …` in the thread.")))
    return blocks


def _dependencies(content: AgendaContent) -> list[kit.Block]:
    """The program's open dependencies both ways, when it has any (one section)."""
    found = content.dependencies
    if not found:
        return []
    return [_section(open_dependencies_text(found.waiting_on, found.asked_of_us, content.program, content.timezone,
                                            SECTION_LIMIT))]


def _sprint_sections(content: AgendaContent) -> list[kit.Block]:
    """A planning or retro agenda's sprint: what ended in it, what is due in it."""
    sprint, tz = content.sprint, content.timezone
    if sprint is None:
        return []
    ended = [f"{item_line(i)} — <@{i.owner_id}>, {i.status} {_day(i.closed_at, tz)}" for i in content.sprint_ended]
    due = [f"{item_line(i)} — <@{i.owner_id}>, due {_day(i.due_at, tz)}" for i in content.sprint_due]
    title = f"Sprint {sprint.number} ({sprint.start:%a} {sprint.start.day} {sprint.start:%b} – " \
            f"{sprint.end:%a} {sprint.end.day} {sprint.end:%b})"
    return [_section(fit_lines(f"*{title}: ended in the sprint* ({len(ended)})", ended, "Nothing closed yet.")),
            _section(fit_lines(f"*Due in the sprint* ({len(due)})", due, "Nothing due in it."))]


def agenda_text(content: AgendaContent) -> str:
    local = content.occurs_at.astimezone(zone(content.timezone))
    return message_text(f"Agenda for {clip(content.meeting_name, 200)} ({clip(content.program_name, 200)}), "
                        f"{local:%a} {local.day} {local:%b} {local:%H:%M}: {len(content.blockers)} open blockers, "
                        f"{content.open_risks} open risks, {len(content.due)} due")
