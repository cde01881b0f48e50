"""Text that always fits and never surprises: plain text in, Slack-escaped mrkdwn out.

Storage holds what a person typed, unescaped (handlers unescape Slack's `&amp;` `&lt;` `&gt;` once on the
way in). Everything that goes out is escaped here, once: in blocks *and* in a message's top-level
`text`, which Slack parses too. Text is clipped *before* it is escaped, so an entity is never cut in
half, and clipped so that the escaped result still fits the limit. User mentions (`<@U123>`,
`<@U123|name>`) and channel mentions (`<#C123>`, `<#C123|name>`) stay live; special mentions
(`<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`) and links typed as text never do.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

# A mention a person made by picking someone (Slack sends it as `<@U…>` with should_escape): kept live.
LIVE_MENTION = re.compile(r"<(@[UW][A-Z0-9]+|#C[A-Z0-9]+)(?:\|[^<>&]{0,80})?>")


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, an ellipsis marking a cut. For plain text, before any escaping."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's escaping undone, once: what the person typed. `&amp;lt;` becomes `&lt;`, not `<`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape_keeping(text: str) -> str:
    out, last = [], 0
    for match in LIVE_MENTION.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(f"<{match.group(1)}>")  # the id alone: Slack shows the current name
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def escape_keeping_mentions(text: str) -> str:
    """Escape like ``escape`` but keep user and channel mentions live (names dropped: Slack shows the
    current one). Special mentions such as `<!channel>` are always escaped."""
    return _escape_keeping(text)


def mrkdwn(text: str, limit: int = 3000) -> str:
    """Plain user text as mrkdwn that fits ``limit`` once escaped: mentions live, everything else inert,
    clipped on a character boundary of the plain text (never inside an entity)."""
    escaped = _escape_keeping(text)
    if len(escaped) <= limit:
        return escaped
    lo, hi = 0, len(text)
    while lo < hi:  # the longest plain prefix whose escaped form, plus the ellipsis, fits
        mid = (lo + hi + 1) // 2
        if len(_escape_keeping(_cut(text, mid))) + 1 <= limit:
            lo = mid
        else:
            hi = mid - 1
    return _escape_keeping(_cut(text, lo)) + ELLIPSIS


def _cut(text: str, length: int) -> str:
    """The first ``length`` characters, not ending inside a live mention (it would no longer be one)."""
    for match in LIVE_MENTION.finditer(text):
        if match.start() < length < match.end():
            return text[: match.start()]
    return text[:length]


def message_text(text: str, limit: int = 3000) -> str:
    """A message's top-level `text` (the notification and fallback), escaped like blocks are."""
    return mrkdwn(text, limit)


def user(user_id: str) -> str:
    return f"<@{user_id}>"


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


def deadline(at, tz: str, days: dict | None = None) -> str:
    """A due date. A date typed without a time is stored as an instant of that day in the author's zone (the
    working day's end, 17:00, or 23:59:59); shown as `<!date^…>` it would read as the next day to everyone far
    enough east of them ("by Dec 10" from Los Angeles is Dec 11 in London). So it is written as that calendar
    day, the day the author meant, for every reader: when ``days`` (the record's ``details.days``, instant ->
    the day typed) names ``at``, or ``at`` is the end of a day in ``tz``. Any other instant as ``slack_date``."""
    from datetime import date

    from bot.services.timezones import zone

    if days and (typed := days.get(at.isoformat())):
        day = date.fromisoformat(typed)
        return f"{day:%a} {day.day} {day:%b %Y}"
    local = at.astimezone(zone(tz))
    if (local.hour, local.minute, local.second) == (23, 59, 59):
        return f"{local:%a} {local.day} {local:%b %Y}"
    return slack_date(at, tz)


def slack_date(at, tz: str) -> str:
    """A date each reader sees in their own zone (`<!date^…>`), with the fallback written in ``tz``."""
    from bot.services.timezones import zone

    local = at.astimezone(zone(tz))
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}}|{local:%a} {local.day} {local:%b %Y}>"
