"""Block Kit validation the way Slack does it, as lists of Slack-style error strings.

Every block and view is rendered through ``slack_sdk.models`` (which raises
``SlackObjectFormationError`` on many violations); the limits it lets through (message block
count, message text length, section field length and count, option counts, modal title, ...)
are checked against ``data/blockkit-limits.json``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
TEXT_TOO_LONG = "msg_too_long"
VIEW_TYPES = ("modal", "home")

_DATA = Path(__file__).with_name("data") / "blockkit-limits.json"


@lru_cache(maxsize=1)
def limits() -> dict:
    """The limits table; ``TPMBOT_BLOCKKIT_LIMITS`` may point at another copy of the file."""
    path = Path(os.environ.get("TPMBOT_BLOCKKIT_LIMITS") or _DATA)
    return json.loads(path.read_text(encoding="utf-8"))


def _rules_for(node_type: str) -> dict:
    table = limits()
    if node_type.endswith("_select"):
        return table.get("select", {})
    return table.get(node_type, {}) if isinstance(table.get(node_type), dict) else {}


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return value["text"]
    return None


def _check_length(value: Any, rule: dict, path: str, errors: list[str]) -> None:
    text = _text_of(value)
    if text is None:
        return
    if "max_length" in rule and len(text) > rule["max_length"]:
        errors.append(f"must be less than {rule['max_length'] + 1} characters "
                      f"[json-pointer:{path}]")
    if "min_length" in rule and len(text) < rule["min_length"]:
        errors.append(f"must be more than {rule['min_length'] - 1} characters "
                      f"[json-pointer:{path}]")


def _check_items(value: Any, rule: dict, path: str, errors: list[str]) -> None:
    if not isinstance(value, list):
        return
    if "max_items" in rule and len(value) > rule["max_items"]:
        errors.append(f"must provide an array of no more than {rule['max_items']} items "
                      f"[json-pointer:{path}]")
    if "min_items" in rule and len(value) < rule["min_items"]:
        errors.append(f"must provide an array of at least {rule['min_items']} items "
                      f"[json-pointer:{path}]")
    if "item_max_length" in rule:
        for i, item in enumerate(value):
            _check_length(item, {"max_length": rule["item_max_length"]}, f"{path}/{i}/text",
                          errors)


SLACK_FILE_ID = re.compile(r"^[F][A-Z0-9]{8,}$")


def _check_image_source(node: dict, path: str, errors: list[str]) -> None:
    """An image (block or element) names its picture one way: ``image_url`` or ``slack_file``, never both
    nor neither; a ``slack_file`` by ``id`` (``F…``) or by ``url``, exactly one of them."""
    sources = [key for key in ("image_url", "slack_file") if node.get(key) not in (None, "")]
    if len(sources) != 1:
        errors.append(f"must provide exactly one of image_url or slack_file [json-pointer:{path}]")
        return
    if sources == ["slack_file"]:
        slack_file = node["slack_file"]
        if not isinstance(slack_file, dict) or len([k for k in ("id", "url") if slack_file.get(k)]) != 1:
            errors.append(f"must provide exactly one of id or url [json-pointer:{path}/slack_file]")
        elif "id" in slack_file and not SLACK_FILE_ID.match(str(slack_file["id"])):
            errors.append(f"input must match regex pattern: ^[F][A-Z0-9]{{8,}}$ [json-pointer:{path}/slack_file/id]")
    title = node.get("title")
    if title is not None and not (isinstance(title, dict) and title.get("type") == "plain_text"):
        errors.append(f"must be a plain_text text object [json-pointer:{path}/title]")


def _walk(node: Any, path: str, errors: list[str]) -> None:
    """Check ``node`` and everything under it against the limits table."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{path}/{i}", errors)
        return
    if not isinstance(node, dict):
        return
    node_type = node.get("type")
    if node_type in ("plain_text", "mrkdwn"):
        _check_length(node, limits()["text"], f"{path}/text", errors)
        return
    if node_type == "image":
        _check_image_source(node, path, errors)
    if isinstance(node_type, str):
        for field, rule in _rules_for(node_type).items():
            if field not in node or not isinstance(rule, dict):
                continue
            _check_items(node[field], rule, f"{path}/{field}", errors)
            if not isinstance(node[field], list):
                _check_length(node[field], rule, f"{path}/{field}", errors)
    for key in ("action_id", "block_id"):
        if isinstance(node.get(key), str):
            _check_length(node[key], limits()[key], f"{path}/{key}", errors)
    if "value" in node and "text" in node and "type" not in node:  # an option object
        for field, rule in limits()["option"].items():
            if field in node:
                _check_length(node[field], rule, f"{path}/{field}", errors)
    for key, child in node.items():
        if isinstance(child, (dict, list)) and key != "state":
            _walk(child, f"{path}/{key}", errors)


def _render_blocks(blocks: list, errors: list[str]) -> None:
    block_ids: set[str] = set()
    for i, raw in enumerate(blocks):
        path = f"/blocks/{i}"
        if not isinstance(raw, dict) or "type" not in raw:
            errors.append(f"missing required field: type [json-pointer:{path}]")
            continue
        block_id = raw.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                errors.append(f"duplicate block_id [json-pointer:{path}/block_id]")
            block_ids.add(block_id)
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                errors.append(f"unsupported type: {raw['type']} [json-pointer:{path}/type]")
                continue
            parsed.to_dict()
        except Exception as exc:  # SlackObjectFormationError, TypeError, KeyError, ...
            errors.append(f"{exc} [json-pointer:{path}]")


def _quietly(fn, *args) -> None:
    logger = logging.getLogger("slack_sdk.models")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        fn(*args)
    finally:
        logger.setLevel(level)


def validate_message(blocks: list | None, text: str | None) -> list[str]:
    """Errors Slack would report for a message; empty when it would be accepted.

    A text past 40,000 characters yields an error starting with ``msg_too_long``.
    """
    errors: list[str] = []
    if text is not None and len(text) > MAX_MESSAGE_TEXT:
        errors.append(f"{TEXT_TOO_LONG}: text must be at most {MAX_MESSAGE_TEXT} characters")
    if blocks is None:
        return errors
    if not isinstance(blocks, list):
        return errors + ["must provide an array [json-pointer:/blocks]"]
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        errors.append(f"must provide an array of no more than {MAX_MESSAGE_BLOCKS} items "
                      "[json-pointer:/blocks]")
    _walk(blocks, "/blocks", errors)
    _quietly(_render_blocks, blocks, errors)
    return errors


def validate_view(view: Any, expected_type: str | None = None) -> list[str]:
    """Errors Slack would report for a modal or Home tab view."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    errors: list[str] = []
    view_type = view.get("type")
    if view_type not in VIEW_TYPES:
        errors.append(f"must be one of {list(VIEW_TYPES)} [json-pointer:/view/type]")
    elif expected_type and view_type != expected_type:
        errors.append(f"must be {expected_type} [json-pointer:/view/type]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        errors.append("missing required field: blocks [json-pointer:/view/blocks]")
        blocks = []
    elif len(blocks) > MAX_VIEW_BLOCKS:
        errors.append(f"must provide an array of no more than {MAX_VIEW_BLOCKS} items "
                      "[json-pointer:/view/blocks]")
    if view_type == "modal":
        if not view.get("title"):
            errors.append("missing required field: title [json-pointer:/view/title]")
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and not view.get("submit"):
            errors.append("must provide submit when using input blocks "
                          "[json-pointer:/view/submit]")
    for field, rule in limits()["view"].items():
        if field != "blocks" and field in view:
            _check_length(view[field], rule, f"/view/{field}", errors)
    _walk(blocks, "/view/blocks", errors)
    _quietly(_render_blocks, blocks, block_errors := [])
    errors += [e.replace("[json-pointer:/blocks", "[json-pointer:/view/blocks")
               for e in block_errors]
    if not errors:
        try:
            View(**{k: v for k, v in view.items() if k != "state"}).to_dict()
        except Exception as exc:
            errors.append(f"{exc} [json-pointer:/view]")
    return errors
