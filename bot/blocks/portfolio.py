"""The portfolio as lines: `/tpm portfolio` (ephemeral), the weekly portfolio digest and App Home's
Portfolio section. One line per program — RAG by icon and by word, the next milestone with its slip and
status, the open critical items, the last status report's date — capped to Slack's limits (3000
characters a section, 50 blocks a message) with "…and N more"."""

from __future__ import annotations


from bot.blocks.kit import context, header, section
from bot.blocks.milestones import track_label
from bot.blocks.text import channel, mrkdwn
from bot.services.milestones import describe_day
from bot.services.portfolio import PortfolioLine
from bot.services.timezones import zone

RAG_ICON = {"green": ":large_green_circle:", "amber": ":large_yellow_circle:", "red": ":red_circle:"}
SORTED_BY = {"rag": "red first", "name": "by name", "next": "soonest next milestone first"}
NAME_MAX = 120
MILESTONE_MAX = 80
MAX_CRITICAL_KEYS = 5
SECTION_MAX = 3000
MAX_LINES = 100  # a message: at most this many programs, in sections of whole lines
HOME_LINES = 10  # App Home: compact


def report_day(line: PortfolioLine) -> str:
    if line.last_report_at is None:
        return "no status report yet"
    return f"last report {describe_day(line.last_report_at.astimezone(zone(line.program.timezone)).date())}"


def portfolio_line(line: PortfolioLine, *, compact: bool = False) -> str:
    """One program in mrkdwn: every user text clipped and escaped once."""
    rag = f"{RAG_ICON[line.rag]} *{line.rag.upper()}*"
    head = f"{rag} *{mrkdwn(line.program.name, NAME_MAX)}* {channel(line.program.channel_id)}"
    milestone = line.next_milestone
    if milestone is None:
        nxt = "no open milestone"
    else:
        slip = (f", slipped {line.slip_days} working day{'s' if line.slip_days != 1 else ''}"
                if line.slip_days else ", on its baseline")
        status = f" ({track_label(line.next_assessment)})" if line.next_assessment is not None else ""
        forecast = describe_day(milestone.due_at.astimezone(zone(line.program.timezone)).date()) \
            if milestone.due_at else "no date"
        nxt = f"next *{milestone.key}* {mrkdwn(milestone.title, MILESTONE_MAX)} — {forecast}{slip}{status}"
    keys = ", ".join(i.key for i in line.critical[:MAX_CRITICAL_KEYS])
    more = f" +{len(line.critical) - MAX_CRITICAL_KEYS}" if len(line.critical) > MAX_CRITICAL_KEYS else ""
    critical = f"{len(line.critical)} critical open: {keys}{more}" if line.critical else "nothing critical open"
    parts = [nxt, critical] if compact else [nxt, critical, report_day(line)]
    return f"{head}\n      {' · '.join(parts)}"


def _sections(lines: list[str], total: int, limit_lines: int) -> list[dict]:
    """Whole lines in sections of at most 3000 characters, then "…and N more" for what was left out."""
    shown = lines[:limit_lines]
    blocks, chunk = [], ""
    for line in shown:
        if chunk and len(chunk) + 1 + len(line) > SECTION_MAX:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line[:SECTION_MAX]
    if chunk:
        blocks.append(section(chunk))
    if total > len(shown):
        blocks.append(context(f"…and {total - len(shown)} more."))
    return blocks


def counts(lines: list[PortfolioLine]) -> str:
    tally = {rag: sum(1 for line in lines if line.rag == rag) for rag in ("red", "amber", "green")}
    return ", ".join(f"{n} {rag}" for rag, n in tally.items() if n) or "none"


def portfolio_text(lines: list[PortfolioLine], title: str = "Portfolio") -> str:
    """The message's `text` (notifications, screen readers): short, escaped."""
    return f"{title}: {len(lines)} program{'s' if len(lines) != 1 else ''} ({counts(lines)})"


def build_portfolio(lines: list[PortfolioLine], *, sort: str = "rag", title: str = "Portfolio",
                    note: str = "") -> list[dict]:
    """`/tpm portfolio` and the digest: a header, the tally, one line per program (capped), ``note``."""
    blocks = [header(title), context(f"{len(lines)} program{'s' if len(lines) != 1 else ''}: {counts(lines)} · "
                                     f"sorted {SORTED_BY.get(sort, sort)}")]
    if not lines:
        blocks.append(section("No program to show. A channel becomes a program's home with `/tpm setup`."))
    else:
        blocks += _sections([portfolio_line(line) for line in lines], len(lines), MAX_LINES)
    if note:
        blocks.append(context(note))
    blocks.append(context("RAG and milestone status follow the status report's rules; critical: critical blockers "
                          "and risks scoring 20+. `/tpm portfolio name` or `next` sorts otherwise."))
    return blocks


def home_portfolio(lines: list[PortfolioLine]) -> list[dict]:
    """App Home's Portfolio section: the first lines, red first, compact."""
    if not lines:
        return []
    blocks = [section(f"*Portfolio* — {len(lines)} program{'s' if len(lines) != 1 else ''}: {counts(lines)}")]
    blocks += _sections([portfolio_line(line, compact=True) for line in lines], len(lines), HOME_LINES)
    if len(lines) > HOME_LINES:
        blocks[-1] = context(f"…and {len(lines) - HOME_LINES} more: `/tpm portfolio` lists them all.")
    return blocks
