"""Records under Slack faults (issue: "Item messages posted twice or lost under Slack faults").

Twenty `/blocker` commands over signed HTTP while 30% of chat.postMessage calls go wrong in one way:
Slack posts and then answers 500, Slack posts and the connection drops, 429 bursts with Retry-After,
or Slack posts and answers after the client has given up. Then the outbox is drained (the injected
clock moved past every backoff, never a sleep) and, for every command: its record is stored once, its
canonical message is in the channel once, the record points at that message, the new owner's DM is
there once, and the author was told only what was true when they were told it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.notifier import drain_outbox
from bot.outbound_lookup import METADATA_KEY
from storage.models import OutboundMessage
from storage.raid_models import Item

COMMANDS = 20
LATE_TIMEOUT = 1.0  # the sending client's timeout in the late-answer mode (real seconds, kept short)
LATER = "Slack didn't take its message"  # handlers/records/common.py delivery_note
MODES = {
    "post_then_500": [dict(status=500, applied=True, probability=0.3, seed=11)],
    "dropped_after_post": [dict(status="timeout", applied=True, probability=0.3, seed=12)],
    "429_bursts": [dict(status=429, count=3, retry_after=30),  # a burst first, then 30% of the rest
                   dict(status=429, probability=0.3, seed=13, retry_after=45)],
    "late_answer": [dict(status="late", delay=3 * LATE_TIMEOUT, probability=0.3, seed=14)],
}


def carrying(workspace, channel: str, key: str) -> list[dict]:
    """The messages in ``channel`` that carry outbox key ``key`` in their metadata."""
    return [m for m in workspace.messages(channel)
            if ((m.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY) == key]


def drain_until_done(deps, bot, clock) -> None:
    for _ in range(20):
        with deps.session() as session:
            waiting = session.exec(select(OutboundMessage).where(
                OutboundMessage.status.in_(("pending", "sending")))).all()
        if not waiting:
            return
        clock.advance(timedelta(minutes=10))  # past any backoff, Retry-After and lease
        drain_outbox(deps, bot.app.client)
    raise AssertionError("the outbox never emptied")


@pytest.mark.parametrize("mode", list(MODES))
def test_each_blocker_is_stored_once_posted_once_and_its_author_told_the_truth(
        mode, slack, bot, deps, workspace, sandbox, clock):
    if mode == "late_answer":
        bot.app.client.timeout = LATE_TIMEOUT  # each request's client, and its sender, take this timeout
    for fault in MODES[mode]:
        sandbox.inject_faults(method="chat.postMessage", **fault)
    owners = {}
    for n in range(1, COMMANDS + 1):
        owner = "U0DIETER" if n % 2 else "U0ALICE"  # odd ones name an owner, who gets a DM
        mention = " <@U0DIETER|dieter>" if owner == "U0DIETER" else ""
        assert slack.command("/blocker", f"fault case {n}{mention}", user="U0ALICE").status == 200
        bot.wait_idle()
        owners[f"B-{n}"] = owner
    replies = {}
    for reply in workspace.ephemerals(user="U0ALICE"):
        assert "nothing was changed" not in reply["text"] and "went wrong" not in reply["text"]
        for key in owners:
            if f"*{key}*" in reply["text"]:
                replies.setdefault(key, []).append(reply)
    sandbox.clear_faults()
    drain_until_done(deps, bot, clock)

    with deps.session() as session:
        items = session.exec(select(Item).where(Item.kind == "blocker").order_by(Item.number)).all()
        rows = session.exec(select(OutboundMessage)).all()
    assert [i.key for i in items] == list(owners)  # each stored once, none lost
    assert sorted(i.title for i in items) == sorted(f"fault case {n}" for n in range(1, COMMANDS + 1))
    assert all(r.status == "sent" for r in rows)
    told_later = 0
    for item in items:
        [message] = carrying(workspace, "C0APOLLO", f"record:{item.id}:post")  # posted exactly once
        assert f"*Blocker {item.key}*" in str(message["blocks"])
        assert (item.message_channel, item.message_ts) == ("C0APOLLO", message["ts"])
        if owners[item.key] == "U0DIETER":
            dms = [m for m in workspace.messages("D0DIETER") if f"*{item.key}*" in m["text"] + str(m.get("blocks"))]
            assert len(dms) == 1, [(m["text"], m.get("metadata")) for m in dms]
        [reply] = replies[item.key]  # told once, and only what was true then (ts order is the sandbox's)
        assert f"Logged blocker *{item.key}*" in reply["text"]
        if LATER in reply["text"]:
            told_later += 1
            assert message["ts"] > reply["ts"], f"{item.key}: told it would follow, but it was already posted"
        else:
            assert message["ts"] < reply["ts"]
    texts = [m for m in workspace.messages("C0APOLLO") if "*Blocker B-" in str(m.get("blocks"))]
    assert len(texts) == COMMANDS  # no stray copies without the key either
    lookups = sandbox.calls_to("conversations.history")
    if mode == "429_bursts":
        assert len([c for c in sandbox.calls_to("chat.postMessage") if c.status == 429]) >= 6
        assert told_later >= 3  # the first posts really waited for Retry-After, and their authors were told
        assert not lookups  # a 429 did nothing at Slack: nothing to look for
    else:  # every post Slack took but answered badly was found by its key rather than posted again
        assert len(lookups) >= 4
