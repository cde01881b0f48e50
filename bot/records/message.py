"""Each record's one canonical message, kept in sync through the outbox.

A record's message is posted once (outbox key `record:<id>:post`, found again by its key in message
metadata if Slack answered badly after posting) and edited after every change (`record:<id>:v<version>`;
an edit not yet sent when a newer one is queued is dropped, so an older text never lands last). A new
owner's DM goes the same way. Everything is queued in the caller's transaction with the change itself,
then sent at once; what Slack refuses for now is retried by the outbox's drain, so nothing the user was
told about is lost, and nothing is posted twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.blocks.records import owner_notice, record_message, record_text
from bot.deps import Deps
from bot.notifier import LEASE, drain_outbox, send_claimed
from bot.records.registry import spec_of
from storage import outbox
from storage import raid as store
from storage.models import Program
from storage.raid import RECORD_EVENT
from storage.raid_models import Item



def post_key(item: Item) -> str:
    return f"record:{item.id}:post"


@dataclass
class Queued:
    """What a change queued (and claimed, to send once the transaction commits); after `send`, whether
    the record's message is in Slack yet."""

    keys: list[str]
    posted: bool = True
    claimed: list = field(default_factory=list)
    home: str | None = None


def queue_sync(*, session, program: Program, item: Item, now, new_owner_by: str | None = None) -> Queued:
    """Queue the record's message (post or edit) and, for a new owner, their DM, in this transaction."""
    keys: list[str] = []
    blocks, text = record_message(item, program.timezone), record_text(item)
    if not item.message_ts:
        sent = outbox.by_key(session=session, key=post_key(item))
        if sent is not None and sent.result_ts:
            item.message_channel, item.message_ts = sent.channel, sent.result_ts
            session.add(item)
    if item.message_ts:
        key = f"record:{item.id}:v{item.version}"
        outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.update", now=now,
                       program_id=program.id, payload={"channel": item.message_channel, "ts": item.message_ts,
                                                       "text": text, "blocks": blocks})
        outbox.drop_older_edits(session=session, prefix=f"record:{item.id}:v", keep=key)
        keys.append(key)
    else:
        payload = {"channel": program.channel_id, "text": text, "blocks": blocks, "unfurl_links": False,
                   "metadata": {"event_type": RECORD_EVENT, "event_payload": {"record_id": item.id}}}
        if outbox.enqueue(session=session, key=post_key(item), team_id=program.team_id, method="chat.postMessage",
                          now=now, program_id=program.id, payload=payload) is None:
            outbox.refresh_unsent(session=session, key=post_key(item), payload=payload)
        keys.append(post_key(item))
    if new_owner_by is not None and item.owner_id != new_owner_by:
        text, blocks = owner_notice(item, program.timezone, new_owner_by)
        key = f"record:{item.id}:owner:{item.version}"
        outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                       program_id=program.id, payload={"channel": item.owner_id, "text": text, "blocks": blocks})
        keys.append(key)
    if (mirrors := spec_of(item).mirrors) is not None:
        keys += mirrors(session=session, program=program, item=item, now=now)
    return Queued(keys, home=program.channel_id)


def claim(*, session, queued: Queued, now) -> Queued:
    """Claim what was queued, in the same transaction, so `send` needs no claim of its own."""
    queued.claimed = outbox.claim_keys(session=session, keys=queued.keys, now=now, lease=LEASE)
    return queued


def send(deps: Deps, client: WebClient, item: Item, queued: Queued) -> Queued:
    """Send what `queue_sync` queued (claimed with it, or else through a drain of its keys), now; note where
    the message landed."""
    if queued.claimed:
        for message, outcome in send_claimed(deps, client, queued.claimed, home=queued.home):
            if message.idempotency_key == post_key(item) and outcome.result == "sent" and outcome.ts:
                item.message_channel, item.message_ts = outcome.channel or message.channel, outcome.ts
        queued.posted = bool(item.message_ts)
        return queued
    drain_outbox(deps, client, keys=queued.keys, limit=len(queued.keys))  # each once; no empty claim after
    with deps.session() as session:
        stored = session.get(Item, item.id)
        if stored is not None and not stored.message_ts:
            posted = outbox.by_key(session=session, key=post_key(item))
            if posted is not None and posted.result_ts:
                store.set_message(session=session, item_id=item.id, channel=posted.channel, ts=posted.result_ts)
                stored.message_channel, stored.message_ts = posted.channel, posted.result_ts
        if stored is not None:
            item.message_channel, item.message_ts = stored.message_channel, stored.message_ts
    queued.posted = bool(item.message_ts)
    return queued
