"""What Slack does to the text a person types before an app sees it.

Slack HTML-escapes the text of slash commands, of messages (the ``text`` of ``message`` and
``app_mention`` events, of ``conversations.history``, of a message shortcut's ``message``): ``&``
becomes ``&amp;``, ``<`` ``&lt;`` and ``>`` ``&gt;``. The only angle brackets left are the control
sequences the composer made itself: the user and channel mentions a person picked from its
autocomplete (``<@U…>``, ``<@U…|name>``, ``<#C…|name>``; see ``sandbox.ui_driver.link_names``). So
text a person typed that merely looks like ``<!channel>`` or ``<https://…|label>`` arrives inert.

In the sandbox, text handed to ``SlackPayloadClient.command``/``message`` and typed in the browser UI
is what the person typed; mention tokens in it stand for mentions they picked.
"""

from __future__ import annotations

import re

# A mention the composer made: a user (U…/W…) or a channel (C…/G…), with an optional name label.
PICKED_MENTION = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+)(?:\|[^<>&|\n]{0,80})?>")


def escape_entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_typed(text: str) -> str:
    """``text`` as Slack delivers it: escaped, except the user/channel mentions that stay tokens."""
    out, last = [], 0
    for match in PICKED_MENTION.finditer(text):
        out.append(escape_entities(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(escape_entities(text[last:]))
    return "".join(out)


def unescape_entities(text: str) -> str:
    """Slack's escaping undone once (the inverse of ``escape_typed``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def rich_text_elements(typed: str) -> list[dict]:
    """The ``rich_text_section`` elements Slack puts in a message's ``blocks`` for what was typed: plain
    (unescaped) text runs, picked mentions as ``user``/``channel`` elements."""
    elements: list[dict] = []
    last = 0
    for match in PICKED_MENTION.finditer(typed):
        if match.start() > last:
            elements.append({"type": "text", "text": typed[last:match.start()]})
        target = match.group(0)[1:-1].split("|", 1)[0]
        if target.startswith("@"):
            elements.append({"type": "user", "user_id": target[1:]})
        else:
            elements.append({"type": "channel", "channel_id": target[1:]})
        last = match.end()
    if last < len(typed) or not elements:
        elements.append({"type": "text", "text": typed[last:]})
    return elements
