"""What tpmbot says about trackers: a program connected to a repository or a project."""

from __future__ import annotations

from bot.blocks.text import mrkdwn
from bot.services.trackers import CONNECT_USAGE, GITHUB, Connected
from storage.models import Program
from storage.tracker_models import TrackerConnection

_NEXT = {
    GITHUB: "Send its webhook (events: Workflow runs) to `/integrations/github` with GITHUB_WEBHOOK_SECRET: "
            "a failing build on {branch} opens a blocker here, the next green one resolves it.",
    "jira": "Send its webhook to `/integrations/jira` with JIRA_WEBHOOK_SECRET.",
}


def connected_text(program: Program, connected: Connected, user_id: str) -> str:
    row = connected.connection
    query = f" (JQL: `{mrkdwn(row.query, 500).replace('`', 'ʼ')}`)" if row.query else ""
    replaced = f", instead of {mrkdwn(connected.replaced, 200)}" if connected.replaced else ""
    link = f"<{connected.link}|{mrkdwn(row.display, 200)}>" if connected.link.startswith("http") else mrkdwn(row.display, 200)
    follow = _NEXT[row.tracker].format(branch=mrkdwn(row.default_branch or "the default branch", 100))
    return (f":link: <@{user_id}> connected *{mrkdwn(program.name, 200)}* to {link}{query}{replaced}. {follow}")


_NAMES = {GITHUB: "GitHub", "jira": "Jira"}


def connections_text(program: Program, rows: list[TrackerConnection]) -> str:
    if not rows:
        return (f"*{mrkdwn(program.name, 200)}* is connected to no tracker yet. A lead connects one: "
                f"`{CONNECT_USAGE}`.")
    lines = [f"• {_NAMES[row.tracker]}: {mrkdwn(row.display or row.target, 200)}"
             + (f" (JQL: {mrkdwn(row.query, 500)})" if row.query else "")
             + (f", default branch {mrkdwn(row.default_branch, 100)}" if row.default_branch else "")
             + f" — connected by <@{row.connected_by}>" for row in rows]
    return f"*{mrkdwn(program.name, 200)}* is connected to:\n" + "\n".join(lines)
