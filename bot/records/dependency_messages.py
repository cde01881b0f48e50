"""A dependency's messages besides its canonical one, kept in step with it through the outbox (the
kind's `mirrors` hook, so every change — a button, a command, an edit — reaches them): the card at
each person it is asked of, the card at the requester once the other side has answered, and a word
to the milestone's owner when a date committed (or proposed) lands after the milestone's forecast.

Each card is posted once (`dependency:<id>:card:<user>`) and edited after every change
(`…:v<version>`, older unsent edits dropped), as the canonical message is."""

from __future__ import annotations

from bot.blocks.dependencies import notice, provider_card, requester_card
from bot.blocks.text import mrkdwn
from bot.records.kinds.dependency import SPEC, date_in_question, state_of
from storage import outbox
from storage import raid as raid_store
from storage.models import Program
from storage.raid_models import Item


def card_key(item: Item, user: str, side: str = "card") -> str:
    return f"dependency:{item.id}:{side}:{user}"


def _post_or_edit(session, program: Program, item: Item, key: str, channel: str, text: str, blocks: list,
                  now) -> str:
    posted = outbox.by_key(session=session, key=key)
    if posted is not None and posted.result_ts:
        edit = f"{key}:v{item.version}"
        outbox.enqueue(session=session, key=edit, team_id=program.team_id, method="chat.update", now=now,
                       program_id=program.id, payload={"channel": posted.channel, "ts": posted.result_ts,
                                                       "text": text, "blocks": blocks})
        outbox.drop_older_edits(session=session, prefix=f"{key}:v", keep=edit)
        return edit
    payload = {"channel": channel, "text": text, "blocks": blocks, "unfurl_links": False}
    if posted is None:
        outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                       program_id=program.id, payload=payload)
    else:
        outbox.refresh_unsent(session=session, key=key, payload=payload)
    return key


def queue_cards(*, session, program: Program, item: Item, now, **_) -> list[str]:
    details = item.details or {}
    keys = []
    text, blocks = provider_card(item, program, program.timezone)
    for user in details.get("card_to") or []:
        keys.append(_post_or_edit(session, program, item, card_key(item, user), user, text, blocks, now))
    if details.get("answered"):
        text, blocks = requester_card(item, program, program.timezone)
        keys.append(_post_or_edit(session, program, item, card_key(item, item.owner_id, "ask"), item.owner_id,
                                  text, blocks, now))
    keys += _tell_milestone_owner(session, program, item, now)
    return keys


def _tell_milestone_owner(session, program: Program, item: Item, now) -> list[str]:
    key_of_milestone = (item.details or {}).get("milestone")
    at = date_in_question(item)
    if not key_of_milestone or at is None or item.status != "open":
        return []
    reason = SPEC.milestone_concern(item, program, now)
    if not reason:
        return []
    number = int(key_of_milestone.split("-", 1)[1])
    milestone = raid_store.item_by_number(session=session, program_id=program.id, kind="milestone", number=number)
    if milestone is None or milestone.status != "open":
        return []
    key = f"dependency:{item.id}:milestone:{state_of(item).value}:{at.isoformat()}"
    text = mrkdwn(f"Milestone {milestone.key} ({milestone.title}) is at risk: dependency {item.key} "
                  f"({item.title}) {reason}.", 2900)
    if outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                      program_id=program.id, payload={"channel": milestone.owner_id, "text": text,
                                                      "blocks": notice(":warning: " + text)}) is None:
        return []
    return [key]
