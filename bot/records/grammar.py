"""Pieces every kind's one-line grammar shares: the owner mention (kept out of the title), dates,
titles, keys, and the `name: text` options that run to the next option."""

from __future__ import annotations

import re
from datetime import datetime

from bot.services.dates import DATE_EXAMPLE, DateError, When, parse_when
from bot.services.errors import UserError

TITLE_MAX = 500
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# `@nobody`: typed as text, not picked from Slack's list, so Slack sent it as it is.
BARE_AT = re.compile(r"(?<![<\w])@([A-Za-z][\w.\-]{0,79})")
SLACK_TOKEN = re.compile(r"<[@#!][^<>]*>")  # a mention, channel, user group or special mention, with its label
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
DANGLING = re.compile(r"\s+(?:from|for|by|to|with|on|of|cc|owner:?)\s*$", re.I)
KEY = re.compile(r"^\s*([A-Z]{1,4})-(\d{1,9})\s*$", re.I)


def tidy(text: str) -> str:
    return " ".join(text.split())


def has_text(text: str) -> bool:
    """Anything left once mentions, zero-width characters and punctuation are gone."""
    return bool(MENTION.sub("", text).translate(ZERO_WIDTH).strip(" .,;:-–—\t\n"))


def take_owner(text: str, example: str) -> tuple[str, str | None]:
    """The first mention is the owner; it leaves the text. A word like `@nobody` that Slack did not turn
    into a mention names nobody: an error, rather than an owner silently dropped."""
    if bare := BARE_AT.search(SLACK_TOKEN.sub(" ", text)):
        raise UserError(f"`@{bare.group(1)}` isn't someone I can find: pick them from Slack's list as you type "
                        "the @ so it becomes a mention.", example)
    match = MENTION.search(text)
    if match is None:
        return text, None
    before, after = text[: match.start()], text[match.end():]
    if not after.strip():  # "keys from @dana": the title ends where the owner was named
        before = DANGLING.sub("", before)
    return before + " " + after, match.group(1)


def title_of(text: str, example: str, what: str = "the item") -> str:
    title = tidy(MENTION.sub(lambda m: f"<@{m.group(1)}>", text))
    if not has_text(title):
        raise UserError(f"Say what {what} is about — the text is empty.", example)
    if len(title) > TITLE_MAX:
        raise UserError(f"Keep the text to {TITLE_MAX} characters (it has {len(title)}).", example)
    return title


def when(phrase: str, tz: str, now: datetime, example: str) -> When:
    try:
        return parse_when(phrase, tz, now)
    except DateError as exc:
        raise UserError(f"{exc.problem} Dates can be like: {DATE_EXAMPLE}.", example) from exc


def date_option(word: str, stops: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """A `due <date>`-style option: its date runs until the next option or the end of the text."""
    ends = ([r"\s+(?:" + "|".join(stops) + r")\b"] if stops else []) + [r"\s*<@", "$"]
    stop = "(?=" + "|".join(ends) + ")"  # no stops: an empty alternative would end the date at its first space
    return (re.compile(rf"(?<!\S){word}(?:\s+(?:by|on))?\s+(.+?)" + stop, re.I),
            re.compile(rf"(?<!\S){word}\s*$", re.I))


def take_date(text: str, option: tuple[re.Pattern, re.Pattern], word: str, tz: str, now: datetime,
              example: str) -> tuple[str, When | None]:
    pattern, empty = option
    if empty.search(text.strip()):
        raise UserError(f"`{word}` needs a date after it.", example)
    matches = list(pattern.finditer(text))
    if not matches:
        return text, None
    match = matches[-1]
    return text[: match.start()] + " " + text[match.end():], when(match.group(1), tz, now, example)


def parse_key(raw: str, prefix: str, kind: str, example: str) -> int:
    """`B-7` -> 7 for a kind whose keys start with B; a clear error otherwise."""
    match = KEY.match(raw or "")
    if not match or match.group(1).upper() != prefix:
        shown = f", not “{raw}”" if raw else ""
        raise UserError(f"I need a {kind} key like {prefix}-7{shown}.", example)
    return int(match.group(2))


def level(raw: str, name: str, example: str) -> int:
    """A 1–5 level (`p:4`). Only ASCII digits: `isdigit()` would let `²` through to int()."""
    if not re.fullmatch(r"[0-9]{1,2}", raw or "") or not 1 <= int(raw) <= 5:
        raise UserError(f"`{name[0]}:{raw}` is out of range: {name} goes from 1 (low) to 5 (high).", example)
    return int(raw)
