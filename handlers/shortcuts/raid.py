"""Message shortcuts "Log as blocker" and "Log as risk": the modal, prefilled with the message and its link."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.raid import build_item_modal


def _open_prefilled(kind: str, ack: Ack, body: dict, client: WebClient) -> None:
    ack()
    channel = (body.get("channel") or {}).get("id", "")
    message = body.get("message") or {}
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=message.get("ts", ""))["permalink"]
    except SlackApiError:
        link = ""
    view = build_item_modal(kind, {"channel_id": channel, "source_link": link}, title=message.get("text", ""))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_log_blocker(ack: Ack, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    _open_prefilled("blocker", ack, body, client)


def on_log_risk(ack: Ack, body: dict, client: WebClient, context: dict[str, Any]) -> None:
    _open_prefilled("risk", ack, body, client)
