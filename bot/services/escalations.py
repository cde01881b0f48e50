"""The escalation ladder: one live escalation per item, climbing owner → leads → escalation channel
while nobody acknowledges, one rung per step of business hours, only inside the program's working
hours. Everything it posts goes through the outbound queue under a key per (escalation, round,
rung), so a sweep repeated by a restart or a second process can never post a rung twice; every
change queues one edit of each posted card, keyed by the escalation's revision.

The communication plan (bot/services/communication_plan.py) may send the escalation-channel card also to
people (a DM) and channels, each its own post (key: the rung's, `:to:` and the target) edited like the
others; or have escalations "off", when the ladder still climbs but posts nothing at the channel rung."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.services.communication_plan import also_to, extra_key, sends
from bot.services.errors import NotAllowed, UserError
from bot.services.escalation_rules import crossed, describe
from bot.services.holidays_calendar import is_holiday
from bot.services.program_settings import CRITICAL_STEPS_HOURS, DEFAULT_STEPS_HOURS, settings_of  # noqa: F401
from bot.services.raid import WORKDAY_END, WORKDAY_START, business_hours_between
from bot.services.timezones import zone
from storage.escalation_models import Escalation
from storage.models import Program
from storage.outbox import by_key, enqueue
from storage.raid_models import Item

OWNER, LEADS, CHANNEL = 1, 2, 3
RUNG_NAMES = {0: "waiting for working hours", OWNER: "owner", LEADS: "leads", CHANNEL: "escalation channel"}
SNOOZE_CHOICES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1),
                  "3d": timedelta(days=3), "1w": timedelta(weeks=1)}


@dataclass
class Card:
    """What a card needs to render: built by bot.blocks.escalations. Composed afresh at every step and
    every button press from the escalation row, the item and the time of composing, never from text kept
    since the escalation opened."""

    escalation: Escalation
    item: Item
    program: Program
    rung: int
    now: datetime

    @property
    def reason(self) -> str:
        return reason_at(self.escalation, self.item, self.program, self.now)


def reason_at(escalation: Escalation, item: Item, program: Program, now: datetime) -> str:
    """Why the item is escalated, in words, as of ``now`` (an ended escalation: as of its end), so an age
    in it is the age now. Falls back to the reason last recorded when the rule no longer holds."""
    at = escalation.ended_at if not escalation.is_live and escalation.ended_at else now
    return describe(escalation.rule, item, program, at) or escalation.reason


def steps_hours(program: Program, rule: str) -> tuple[float, float]:
    section = settings_of(program).escalations
    return section.steps_hours_critical if rule == "critical_blocker" else section.steps_hours


def in_working_hours(program: Program, now: datetime) -> bool:
    local = now.astimezone(zone(program.timezone))
    return (local.weekday() in program.working_days and WORKDAY_START <= local.time() < WORKDAY_END
            and not is_holiday(program.holiday_region, local.date()))


def _touch(escalation: Escalation) -> None:
    escalation.revision += 1


def reconcile(escalation: Escalation | None, *, item: Item, program: Program, now: datetime,
              actor: str | None = None, recheck: bool = True) -> Escalation | None:
    """Bring the item's escalation in line with the rules: open a round, end it, or wake it from a snooze.
    Returns the escalation (new, changed or untouched) or None when there is none.

    ``recheck=False`` (the periodic sweep) trusts a live escalation of an open item to still hold: time
    only pushes an item further past a rule, and every edit of an item reconciles it with ``recheck``."""
    live = escalation is not None and escalation.is_live
    held = item.is_open and item.snoozed_until is not None and item.snoozed_until > now
    if held:  # the item itself is snoozed: its escalation waits with it, and none opens meanwhile
        if live and escalation.status == "open":
            escalation.status, escalation.snoozed_by, escalation.snoozed_until = "snoozed", actor, item.snoozed_until
            _touch(escalation)
        if not live or escalation.status != "acknowledged":
            return escalation
    if live and item.is_open and not recheck:
        if escalation.status == "snoozed" and escalation.snoozed_until and escalation.snoozed_until <= now:
            escalation.status, escalation.level_at = "open", now
            _touch(escalation)
        return escalation
    crossing = crossed(item, program, now)
    if live:
        if not item.is_open:
            escalation.status, escalation.ended_by, escalation.ended_at = "resolved", actor, now
            _touch(escalation)
        elif crossing is None:
            escalation.status, escalation.ended_by, escalation.ended_at = "cleared", actor, now
            _touch(escalation)
        else:
            if escalation.status == "snoozed" and escalation.snoozed_until and escalation.snoozed_until <= now:
                escalation.status, escalation.level_at = "open", now
                _touch(escalation)
            if escalation.rule != crossing[0]:
                _touch(escalation)
            escalation.rule, escalation.reason = crossing  # the reason's age moves on without an edit
        return escalation
    if crossing is None:
        return escalation
    if escalation is None:
        escalation = Escalation(program_id=program.id, item_id=item.id, round=1)
    else:
        escalation.round += 1
    escalation.rule, escalation.reason = crossing
    escalation.status, escalation.level, escalation.opened_at, escalation.level_at = "open", 0, now, now
    escalation.posts = []
    escalation.acknowledged_by = escalation.acknowledged_at = None
    escalation.snoozed_by = escalation.snoozed_until = None
    escalation.ended_by = escalation.ended_at = None
    _touch(escalation)
    return escalation


def next_rung(escalation: Escalation, program: Program, now: datetime) -> int | None:
    """The rung an unacknowledged escalation climbs to now, or None while it waits."""
    if escalation.status != "open" or escalation.level >= CHANNEL or not in_working_hours(program, now):
        return None
    if escalation.level == 0:
        return OWNER
    step = steps_hours(program, escalation.rule)[escalation.level - 1]
    waited = business_hours_between(escalation.level_at, now, program.timezone, program.working_days)
    return escalation.level + 1 if waited >= step else None


def post_key(escalation: Escalation, rung: int) -> str:
    return f"escalation:{escalation.id}:{escalation.round}:{rung}"


def rung_of(key: str) -> int:
    """The rung a card's key names (its own post's, or a copy's: `…:{rung}:to:{target}`)."""
    return int(key.split(":")[3])


def rung_channel(program: Program, item: Item, rung: int) -> str:
    return {OWNER: item.owner_id, LEADS: program.channel_id, CHANNEL: program.escalation_channel_id}[rung]


def climb(session: Session, escalation: Escalation, *, item: Item, program: Program, now: datetime,
          render) -> int | None:
    """Take the next rung if it is due, queueing its card. ``render(card) -> payload`` builds the message."""
    rung = next_rung(escalation, program, now)
    if rung is None:
        return None
    escalation.level, escalation.level_at = rung, now
    _touch(escalation)
    channel = rung_channel(program, item, rung)
    already_there = rung == CHANNEL and channel == program.channel_id and escalation.posts
    silenced = rung == CHANNEL and not sends(program, "escalations")
    key = post_key(escalation, rung)
    targets = [] if already_there or silenced else [(channel, key)]
    if rung == CHANNEL:
        targets += [(t, extra_key(key, t)) for t in also_to(program, "escalations", besides=(channel,))]
    for target, target_key in targets:
        payload = dict(render(Card(escalation, item, program, rung, now)), channel=target)
        enqueue(session=session, key=target_key, team_id=program.team_id, method="chat.postMessage",
                payload=payload, now=now, program_id=program.id)
        escalation.posts = [*escalation.posts, target_key]
    return rung


def queue_card_edits(session: Session, escalation: Escalation, *, item: Item, program: Program, now: datetime,
                     render, posts: list[str] | None = None) -> list[str]:
    """Edit every card of the round in place: a queued one is rewritten, a posted one gets a chat.update
    (keyed by revision, so each change is sent once). Returns the keys to send."""
    keys = []
    for key in escalation.posts if posts is None else posts:
        message = by_key(session=session, key=key)
        if message is None or message.status == "dead":
            continue
        rung = rung_of(key)
        payload = render(Card(escalation, item, program, rung, now))
        if message.status == "pending":
            message.payload = dict(payload, channel=message.payload.get("channel", message.channel))
            session.add(message)
            keys.append(key)
        elif message.result_ts:
            edit_key = f"{key}:edit:{escalation.revision}"
            edit = {k: v for k, v in payload.items() if k not in ("unfurl_links", "unfurl_media")}  # post-only
            enqueue(session=session, key=edit_key, team_id=program.team_id, method="chat.update",
                    payload=dict(edit, channel=message.channel, ts=message.result_ts), now=now,
                    program_id=program.id)
            keys.append(edit_key)
    return keys


# ---- what people do on a card -----------------------------------------------------------------------

def may_acknowledge(item: Item, program: Program, user_id: str) -> bool:
    return user_id == item.owner_id or user_id in program.leads


def _ensure_live(escalation: Escalation, item: Item) -> None:
    if not escalation.is_live:
        raise UserError(f"The escalation of {item.key} has ended ({escalation.status}).", "/tpm escalations")


def _ensure_may_acknowledge(item: Item, program: Program, user_id: str, verb: str) -> None:
    if not may_acknowledge(item, program, user_id):
        names = ", ".join(f"<@{u}>" for u in dict.fromkeys([item.owner_id, *program.leads]))
        raise NotAllowed(f"Only {item.key}'s owner or a program lead can {verb} its escalation: {names}.")


def acknowledge(escalation: Escalation, *, item: Item, program: Program, actor: str, now: datetime) -> None:
    _ensure_live(escalation, item)
    _ensure_may_acknowledge(item, program, actor, "acknowledge")
    if escalation.status == "acknowledged":
        raise UserError(f"<@{escalation.acknowledged_by}> already acknowledged {item.key}.", "/tpm escalations")
    escalation.status, escalation.acknowledged_by, escalation.acknowledged_at = "acknowledged", actor, now
    escalation.snoozed_until = escalation.snoozed_by = None
    _touch(escalation)


def snooze(escalation: Escalation, *, item: Item, program: Program, actor: str, now: datetime, choice: str) -> None:
    _ensure_live(escalation, item)
    _ensure_may_acknowledge(item, program, actor, "snooze")
    if choice not in SNOOZE_CHOICES:
        raise UserError(f"Snooze for {choice!r}? Pick one of {', '.join(SNOOZE_CHOICES)}.", "Snooze for… 4 hours")
    escalation.status, escalation.snoozed_by = "snoozed", actor
    escalation.snoozed_until = now + SNOOZE_CHOICES[choice]
    _touch(escalation)


def restart_ladder(escalation: Escalation, *, now: datetime) -> None:
    """A new owner starts the ladder again from the first rung (their DM), with a fresh clock."""
    if escalation.is_live:
        escalation.round += 1  # new rung keys; the cards already posted stay on the round and keep updating
        escalation.status, escalation.level, escalation.level_at = "open", 0, now
        escalation.acknowledged_by = escalation.acknowledged_at = None
        _touch(escalation)



def step(session: Session, escalation: Escalation | None, *, item: Item, program: Program, now: datetime,
         render, actor: str | None = None, seen_revision: int | None = None,
         recheck: bool = True) -> tuple[Escalation | None, list[str]]:
    """Reconcile an item's escalation with the rules, climb if a rung is due, and edit the round's cards
    when anything changed since ``seen_revision`` (default: since the call). Returns the escalation and
    the outbound keys queued (to send them at once)."""
    revision = seen_revision if seen_revision is not None else (escalation.revision if escalation else None)
    escalation = reconcile(escalation, item=item, program=program, now=now, actor=actor, recheck=recheck)
    if escalation is None:
        return None, []
    if escalation.id is None:
        session.add(escalation)
        session.flush()  # the id names its outbound keys
    posted = list(escalation.posts)
    climb(session, escalation, item=item, program=program, now=now, render=render)
    keys = [key for key in escalation.posts if key not in posted]
    if escalation.revision != revision:
        keys += queue_card_edits(session, escalation, item=item, program=program, now=now, render=render,
                                 posts=posted)
        session.add(escalation)
    return escalation, keys
