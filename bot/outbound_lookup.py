"""Closing the gap between "Slack accepted the post" and "we recorded its ts".

Every queued ``chat.postMessage`` carries its outbox key in Slack message metadata. When a send's
outcome is unknown (the sender died mid-call, the call timed out, Slack answered 5xx), the next
attempt first looks for a message carrying that key with ``conversations.history`` (or
``conversations.replies`` for a thread reply) and records it instead of posting a second copy."""

from __future__ import annotations

from slack_sdk import WebClient

METADATA_KEY = "tpmbot_outbox"
DEFAULT_EVENT_TYPE = "tpmbot_outbound"
PAGES, PAGE_SIZE = 3, 200  # the newest 600 messages: an unknown outcome is retried within minutes


def with_outbox_key(payload: dict, key: str) -> dict:
    """The payload to send: its own metadata (if any) plus the outbox key."""
    metadata = dict(payload.get("metadata") or {})
    metadata.setdefault("event_type", DEFAULT_EVENT_TYPE)
    metadata["event_payload"] = {**(metadata.get("event_payload") or {}), METADATA_KEY: key}
    return {**payload, "metadata": metadata}


def carries_key(message: dict, key: str) -> bool:
    return ((message.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY) == key


def find_posted(client: WebClient, payload: dict, key: str) -> dict | None:
    """The message an earlier attempt posted for ``key``, as {"channel", "ts"}; None if there is none.
    Slack errors propagate: an unanswered question is not a "no"."""
    channel = str(payload.get("channel") or "")
    if channel[:1] in ("U", "W"):
        channel = client.conversations_open(users=channel)["channel"]["id"]
    cursor = None
    for _ in range(PAGES):
        args = {"channel": channel, "limit": PAGE_SIZE, "include_all_metadata": True}
        if cursor:
            args["cursor"] = cursor
        if payload.get("thread_ts"):
            response = client.conversations_replies(ts=payload["thread_ts"], **args)
        else:
            response = client.conversations_history(**args)
        for message in response.get("messages") or []:
            if carries_key(message, key):
                return {"channel": channel, "ts": message["ts"]}
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
