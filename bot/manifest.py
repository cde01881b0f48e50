"""The Slack app manifest, generated from the same registries that route commands.

`tpmbot manifest` prints it; `manifest.json` at the repository root is its committed copy
(a test keeps the two equal).
"""

from __future__ import annotations

import json

USAGE_HINT_LIMIT = 1000  # Slack's limit for a slash command's usage_hint
BOT_SCOPES = [  # no app_mentions:read: no listener takes app_mention events
    "channels:history", "channels:read", "chat:write", "chat:write.public", "commands",
    "files:read", "files:write",  # the roadmap picture: uploaded (files.getUploadURLExternal …) and checked (files.info)
    "groups:history", "groups:read", "im:history", "im:read", "im:write", "reactions:write", "users:read",
    "users:read.email",  # a failing build's blocker is owned by whoever triggered it (users.lookupByEmail)
]


def build_manifest(request_url: str | None = None) -> dict:
    from handlers.commands import routers
    from handlers.events import EVENTS, MESSAGE_SUBSCRIPTIONS
    from handlers.shortcuts import SHORTCUTS

    commands = []
    for router in routers():
        section = router.help_section()
        command = {"command": router.command, "description": section.summary[:100],
                   "usage_hint": usage_hint(router.command, [line.usage for line in section.lines[:4]]),
                   "should_escape": True}
        if request_url:
            command["url"] = request_url
        commands.append(command)
    interactivity = {"is_enabled": True}
    events = {"bot_events": sorted((set(EVENTS) - {"message"}) | set(MESSAGE_SUBSCRIPTIONS))}
    if request_url:
        interactivity["request_url"] = request_url
        events["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "tpmbot",
            "description": "Stand-ups, blockers, risks, escalations and status reports for programs.",
            "background_color": "#2c2d30",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "tpmbot", "always_online": True},
            "shortcuts": [s.manifest_entry() for s in SHORTCUTS],
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": sorted(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def usage_hint(command: str, usages: list[str]) -> str:
    """The usages after the command's name, joined by " | ", as many whole ones as Slack's limit takes."""
    hint = ""
    for usage in usages:
        part = usage.removeprefix(command).strip()
        if not part:
            continue
        joined = f"{hint} | {part}" if hint else part
        if len(joined) > USAGE_HINT_LIMIT:
            break
        hint = joined
    return hint


def manifest_json(request_url: str | None = None) -> str:
    return json.dumps(build_manifest(request_url), indent=2) + "\n"
