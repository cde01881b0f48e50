"""Block Kit as plain dicts, for the messages composed in bulk: every program's stand-up digest, status
report and agenda can fall due in the same tick.

Each function returns exactly what the slack_sdk model of the same name gives from ``to_dict()``: the
same keys in the same (sorted) order, empty values left out. It only skips building and validating a
model object per block and per text, which was a sizeable share of composing those messages. The limits
the models would check stay the callers' business, as they were: they clip every text they put in.
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def plain_text(text: str) -> Block:
    return {"emoji": True, "text": text, "type": "plain_text"} if text else {"emoji": True, "type": "plain_text"}


def mrkdwn(text: str) -> Block:
    return {"text": text, "type": "mrkdwn"} if text else {"type": "mrkdwn"}


def header(text: str) -> Block:
    if not text:  # as slack_sdk's HeaderBlock: Slack refuses a header without text
        raise ValueError("a header needs text")
    return {"text": plain_text(text), "type": "header"}


def section(text: str | None = None, *, fields: list[str] | None = None, accessory: Block | None = None) -> Block:
    block: Block = {}
    if accessory is not None:
        block["accessory"] = accessory
    if fields:
        block["fields"] = [mrkdwn(field) for field in fields]
    if text is not None:
        block["text"] = mrkdwn(text)
    block["type"] = "section"
    return block


def context(*texts: str) -> Block:
    return {"elements": [mrkdwn(text) for text in texts], "type": "context"} if texts else {"type": "context"}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str) -> Block:
    block: Block = {"action_id": action_id, "text": plain_text(text), "type": "button", "value": value}
    return {key: item for key, item in block.items() if item != ""}
