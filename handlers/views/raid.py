"""Submissions of the blocker and risk modals: new items (bare command or message shortcut) and edits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.raid import build_created_reply
from bot.ids import Action, Callback, RaidBlock
from bot.services import raid
from bot.services.dates import END_OF_DAY, When
from bot.services.raid_grammar import TITLE_MAX, BlockerDraft, RiskDraft
from bot.services.timezones import zone
from handlers.commands.raid_flow import metadata_of
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.raid_common import ensure_user, load_item, post_item_message, refresh_item_message
from handlers.views.values import ViewValues
from storage.raid_models import Item

A = Action.RAID_INPUT


def _date(values: ViewValues, block: RaidBlock, tz: str, now: datetime, errors: dict) -> When | None:
    raw = values.date(block, A)
    if not raw:
        return None
    at = datetime.combine(date.fromisoformat(raw), END_OF_DAY, tzinfo=zone(tz))
    if at <= now:
        errors[block.value] = "Pick a date in the future."
        return None
    return When(at.astimezone(zone("UTC")), tz, False)


def read_form(kind: str, view: dict, tz: str, now: datetime) -> tuple[BlockerDraft | RiskDraft, dict]:
    values = ViewValues(view)
    errors: dict[str, str] = {}
    title = " ".join(values.text(RaidBlock.TITLE, A).split())
    if not title:
        errors[RaidBlock.TITLE.value] = "Say what it is about."
    elif len(title) > TITLE_MAX:
        errors[RaidBlock.TITLE.value] = f"Keep it to {TITLE_MAX} characters."
    owner = values.user(RaidBlock.OWNER, A)
    if kind == "blocker":
        due = _date(values, RaidBlock.DUE, tz, now, errors)
        draft = BlockerDraft(title, owner, values.selected(RaidBlock.SEVERITY, A) or "medium", due)
    else:
        review = _date(values, RaidBlock.REVIEW, tz, now, errors)
        draft = RiskDraft(title, owner, int(values.selected(RaidBlock.PROBABILITY, A) or 3),
                          int(values.selected(RaidBlock.IMPACT, A) or 3), review,
                          values.text(RaidBlock.MITIGATION, A))
    return draft, errors


def on_item_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    kind = "blocker" if view["callback_id"] == Callback.BLOCKER_MODAL.value else "risk"
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    metadata = metadata_of(view)
    # The modal's dates are whole days, read in the program's zone for edits and the author's otherwise;
    # the member row is cached, so this is a database read, not a Slack call, after the first time.
    tz = user_timezone(client, deps, team_id, user_id)
    now = deps.clock.now()
    draft, errors = read_form(kind, view, tz, now)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    ensure_user(client, draft.owner_id, f"/{kind} list")
    if "item_id" in metadata:
        item, program = load_item(deps, int(metadata["item_id"]), team_id)
        fields = {"title": draft.title, "owner_id": draft.owner_id or item.owner_id}
        if kind == "blocker":
            fields.update(severity=draft.severity, due_at=draft.due.at if draft.due else None)
        else:
            fields.update(probability=draft.probability, impact=draft.impact, mitigation=draft.mitigation,
                          review_at=draft.review.at if draft.review else None)
        with deps.session() as session:
            item = session.get(Item, item.id)
            raid.edit(session=session, program=program, item=item, actor=user_id, now=now, **fields)
        refresh_item_message(client, deps, item, program, actor=user_id)
        return
    channel_id = metadata["channel_id"]
    program = program_here(client, None, deps, team_id=team_id, channel_id=channel_id, channel_name="",
                           user_id=user_id)
    with deps.session() as session:
        create = raid.create_blocker if kind == "blocker" else raid.create_risk
        item = create(session=session, program=program, draft=draft, author_id=user_id, now=now,
                      source_link=metadata.get("source_link", ""))
    post_item_message(client, deps, item, program)
    when = draft.due if kind == "blocker" else draft.review
    client.chat_postEphemeral(channel=channel_id, user=user_id,
                              text=build_created_reply(item, tz, when.describe() if when else None))


def register(app: App) -> None:
    app.view(Callback.BLOCKER_MODAL.value)(guarded(on_item_submitted))
    app.view(Callback.RISK_MODAL.value)(guarded(on_item_submitted))
