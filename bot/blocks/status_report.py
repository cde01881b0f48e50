"""The status report message: RAG up top, then KPIs, highlights, top risks with trend, ageing blockers,
the week's decisions, overdue action items by owner, and the week's new and closed items. Every list is capped ("…and N more") and every text clipped, so
the message fits Slack's limits however large the program is."""

from __future__ import annotations

from bot.blocks import kit
from bot.blocks.charter import status_line
from bot.blocks.home import RAG_ICON
from bot.blocks.raid import SEVERITY_ICON, local_date
from bot.blocks.text import clip, message_text, mrkdwn
from bot.services.raid import describe_age
from bot.blocks.dependencies import dependency_line
from bot.blocks.milestones import done_line, milestone_line, slip_line
from bot.services.status_report import NEXT_MILESTONES, StatusReport
from bot.services.status_report import StatusReport
from storage.charter_models import Charter

MAX_LINES = 8
KEYS_PER_OWNER = 5
TITLE_MAX = 120
HIGHLIGHT_MAX = 200
SECTION_MAX = 3000
FIELD_MAX = 2000
MILESTONES_BLOCK = "status.milestones"  # the roadmap picture goes in right after it


def _capped(lines: list[str], total: int | None = None, limit: int = SECTION_MAX) -> str:
    """At most MAX_LINES whole lines (mrkdwn, each built short) within ``limit``, then "…and N more"."""
    total = len(lines) if total is None else total
    shown, length = [], 0
    for line in lines[:MAX_LINES]:
        if length + len(line) + 1 + len(f"\n_…and {total} more_") > limit:
            break
        shown.append(line)
        length += len(line) + 1
    if total > len(shown):
        shown.append(f"_…and {total - len(shown)} more_")
    return "\n".join(shown)


def _trend(report_risk) -> str:
    before, now = report_risk.score_week_ago, report_risk.item.score or 0
    if before is None:
        return "new"
    if now > before:
        return f":arrow_up: from {before}"
    if now < before:
        return f":arrow_down: from {before}"
    return "→ unchanged"


def _section(title: str, body: str) -> kit.Block:
    return kit.section(f"*{title}*\n{body}")  # bodies come from _capped, which leaves room for the title


def report_text(report: StatusReport) -> str:
    return message_text(f"Status of {clip(report.program.name, 200)}: {report.rag.upper()}")


def build_status_report(report: StatusReport, charter: Charter | None = None) -> list[dict]:
    """``charter``: the program's charter, linked under the RAG line (who updated it, when)."""
    program, now = report.program, report.now
    blocks: list[kit.Block] = [
        kit.header(clip(f"Status · {program.name} · week to {local_date(now, program.timezone)}", 150)),
        kit.section(f"{RAG_ICON[report.rag]} *{report.rag.upper()}* — "
                    + mrkdwn("; ".join(report.reasons), SECTION_MAX - 40)),
    ]
    if charter is not None:
        blocks.append(kit.context(status_line(charter, program.timezone)))
    participation = f"{report.participation:.0%}" if report.participation is not None else "no stand-ups"
    mttr = (f"{report.blocker_mttr_hours / 24:.1f} days" if (report.blocker_mttr_hours or 0) >= 48
            else f"{report.blocker_mttr_hours:.1f} h" if report.blocker_mttr_hours is not None else "none resolved")
    exposure_change = report.risk_exposure - report.risk_exposure_week_ago
    arrow = ":arrow_up:" if exposure_change > 0 else ":arrow_down:" if exposure_change < 0 else "→"
    blocks.append(kit.section(fields=[
        f"*Stand-up participation (7 days)*\n{participation}",
        f"*Blocker mean time to resolve (30 days)*\n{mttr}",
        f"*Risk exposure (sum of scores)*\n{report.risk_exposure} {arrow} "
        f"{'+' if exposure_change > 0 else ''}{exposure_change} this week",
        f"*Open*\n{len(report.open_blockers)} blocker(s), {report.open_risks} risk(s)",
    ]))
    blocks.append(kit.section(fields=_coordination_kpis(report)))
    blocks.append(_milestones(report))
    blocks.append(_dependencies(report))
    blocks.append(kit.divider())
    if report.highlights:
        blocks.append(_section("Highlights from stand-ups",
                               _capped([f"• <@{u}>: {mrkdwn(t, HIGHLIGHT_MAX)}" for u, t in report.highlights],
                                       limit=SECTION_MAX - 40)))
    risks = [f"• *{r.item.key}* {mrkdwn(r.item.title, TITLE_MAX)} — score {r.item.score} ({_trend(r)}), "
             f"owner <@{r.item.owner_id}>" for r in report.top_risks]
    blocks.append(_section("Top risks", _capped(risks, limit=SECTION_MAX - 40) if risks else "No open risks."))
    ageing = [f"• {SEVERITY_ICON.get(b.severity or '', '')} *{b.key}* {mrkdwn(b.title, TITLE_MAX)} — open "
              f"{describe_age(b.created_at, now)}, <@{b.owner_id}>{' · *past SLA*' if b.id in report.past_sla_ids else ''}"
              for b in report.ageing_blockers[:MAX_LINES]]
    blocks.append(_section("Ageing blockers", _capped(ageing, len(report.ageing_blockers), SECTION_MAX - 40) if ageing
                           else "No open blockers."))
    blocks.append(_section(f"Decisions this week ({len(report.decisions)})", _capped(
        [decision_line(d) for d in report.decisions[:MAX_LINES]], len(report.decisions), SECTION_MAX - 40)
        if report.decisions else "None recorded."))
    overdue = sum(len(items) for _, items in report.overdue_actions)
    blocks.append(_section(f"Overdue actions ({overdue})", _capped(
        [overdue_line(owner, items, program.timezone) for owner, items in report.overdue_actions[:MAX_LINES]],
        len(report.overdue_actions), SECTION_MAX - 40) if overdue else "None overdue."))
    new = [f"• *{i.key}* {mrkdwn(i.title, TITLE_MAX)}" for i in report.new_items[:MAX_LINES]]
    closed = [f"• *{i.key}* {mrkdwn(i.title, TITLE_MAX)} ({i.status})" for i in report.closed_items[:MAX_LINES]]
    blocks.append(kit.section(fields=[
        f"*New this week ({len(report.new_items)})*\n"
        + (_capped(new, len(report.new_items), FIELD_MAX - 40) if new else "none"),
        f"*Closed this week ({len(report.closed_items)})*\n"
        + (_capped(closed, len(report.closed_items), FIELD_MAX - 40) if closed else "none"),
    ]))
    blocks.append(kit.context(
        "RAG: red = a critical blocker, 3+ blockers past SLA, a risk scoring 20+ or a milestone off track; amber = "
        "a blocker past SLA, a risk at or above the threshold, an overdue review or a milestone at risk. Details: "
        "`/blocker list all`, `/risk list top`, `/milestone list`."))
    return blocks


def _milestones(report: StatusReport) -> kit.Block:
    """Next three milestones with their status, the week's slips with their reasons, what was done."""
    program = report.program
    lines = [f"• {milestone_line(m, report.assessed[m.id], program)}"
             for m in report.milestones[:NEXT_MILESTONES]]
    if len(report.milestones) > NEXT_MILESTONES:
        lines.append(f"_…and {len(report.milestones) - NEXT_MILESTONES} more: `/milestone list`_")
    if report.slips:
        lines.append(f"*Slips this week ({len(report.slips)})*")
        lines += [f"• {slip_line(m, slip)}" for m, slip in report.slips[:MAX_LINES]]
    if report.milestones_done:
        lines.append(f"*Done this week ({len(report.milestones_done)})*")
        lines += [f"• {done_line(m)}" for m in report.milestones_done[:MAX_LINES]]
    body = _clip_lines(lines, SECTION_MAX - 40) if lines else "No milestones yet: `/milestone <name> due <date>` adds one."
    return {**_section("Milestones", body), "block_id": MILESTONES_BLOCK}


def _hours(hours: float | None, none: str) -> str:
    if hours is None:
        return none
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"


def _coordination_kpis(report: StatusReport) -> list[str]:
    """The handshake's KPIs over 30 days: dependencies answered, delivered on time; change requests decided."""
    c = report.coordination
    on_time = f"{c.on_time}/{c.delivered} ({c.on_time / c.delivered:.0%})" if c.delivered else "none delivered"
    return [
        f"*Dependency turnaround (30 days)*\n{_hours(c.turnaround_hours, 'none answered')}"
        + (f" over {c.answered}" if c.answered else ""),
        f"*Dependencies delivered on time (30 days)*\n{on_time}",
        f"*Change request cycle time (30 days)*\n{_hours(c.changes.cycle_hours, 'none decided')}"
        + (f" over {c.changes.decided}" if c.changes.decided else ""),
        f"*Changes approved this week*\n{c.changes.approved_this_week}",
    ]


def _dependencies(report: StatusReport) -> kit.Block:
    """What we wait on from others, and what others asked of us, open ones only. What another program
    asked shows only what its requester wrote (never its other records)."""
    c, tz = report.coordination, report.program.timezone
    lines = []
    if c.waiting_on:
        lines.append(f"*We wait on ({len(c.waiting_on)})*")
        lines += [f"• {dependency_line(i, report.program, tz, False)}" for i in c.waiting_on[:MAX_LINES]]
    if c.asked_of_us:
        lines.append(f"*Asked of us ({len(c.asked_of_us)})*")
        lines += [f"• {dependency_line(i, asker, tz, True)}" for i, asker in c.asked_of_us[:MAX_LINES]]
    body = _clip_lines(lines, SECTION_MAX - 40) if lines else "No open dependencies: `/dep <what> from #team by <date>`."
    return _section("Dependencies", body)


def _clip_lines(lines: list[str], limit: int) -> str:
    """Whole lines up to ``limit`` characters (the milestones section has its own sub-headings)."""
    out, length = [], 0
    for line in lines:
        if length + len(line) + 1 > limit - 30:
            out.append(f"_…and {len(lines) - len(out)} more lines_")
            break
        out.append(line)
        length += len(line) + 1
    return "\n".join(out)


def decision_line(item) -> str:
    deciders = (item.details or {}).get("deciders") or [item.owner_id]
    later = f" ({item.status})" if item.status != "decided" else ""  # superseded since
    return (f"• *{item.key}* {mrkdwn(item.title, TITLE_MAX)} — "
            + ", ".join(f"<@{u}>" for u in deciders) + later)


def overdue_line(owner: str, items: list, tz: str) -> str:
    keys = [f"*{i.key}* {mrkdwn(i.title, 60)} (due {local_date(i.due_at, tz)})" for i in items[:KEYS_PER_OWNER]]
    more = f", +{len(items) - KEYS_PER_OWNER} more" if len(items) > KEYS_PER_OWNER else ""
    return f"• <@{owner}> ({len(items)}): " + ", ".join(keys) + more  # whole keys: each title clipped alone
