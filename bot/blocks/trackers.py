"""What tpmbot says about trackers: a program connected to a repository or a project."""

from __future__ import annotations

from bot.blocks.text import mrkdwn
from bot.services.trackers import GITHUB, Connected
from storage.models import Program

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
