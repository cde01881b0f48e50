"""COMMANDS.md, generated from the routing table (the same one help and the manifest read), so the
reference in the repository cannot drift from what the app answers.

    python -m bot.command_reference > COMMANDS.md   (make manifest does it too)"""

from __future__ import annotations


def command_reference() -> str:
    from handlers.commands import routers
    from handlers.shortcuts import SHORTCUTS

    lines = ["# tpmbot commands", "",
             "Generated from the routing table by `python -m bot.command_reference`; `/tpm help` in Slack "
             "shows the same.", ""]
    for router in routers():
        section = router.help_section()
        lines += [f"## `{router.command}` — {section.summary}", "", "| usage | does |", "|---|---|"]
        lines += [f"| `{line.usage.replace('|', chr(92) + '|')}` | {line.summary} |" for line in section.lines]
        lines.append("")
    lines += ["## Message shortcuts", ""]
    lines += [f"- **{s.name}** — {s.description}" for s in SHORTCUTS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(command_reference(), end="")
