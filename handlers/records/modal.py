"""A kind's modal, submitted: a new record (bare command or message shortcut) or an edit. Read from the
kind's field specs; what is wrong is shown under the field and nothing is stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.records import changed_reply
from bot.ids import Action
from bot.records import service
from bot.records.grammar import TITLE_MAX, has_text, tidy
from bot.records.registry import KINDS
from bot.records.spec import Draft, KindSpec
from bot.services.dates import END_OF_DAY, When
from bot.services.errors import UserError
from bot.services.timezones import zone
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.records.commands import metadata_of
from handlers.records.common import change_and_sync, delivery_note, ensure_user, load
from handlers.records.create import create_record
from handlers.views.values import ViewValues

A = Action.RAID_INPUT


def _end_of_day(raw: str, tz: str) -> datetime:
    """A due *date* is the end of that day in the author's zone."""
    day = date.fromisoformat(raw)
    return datetime.combine(day, END_OF_DAY, tzinfo=zone(tz)).astimezone(zone("UTC"))


def read_form(spec: KindSpec, view: dict, tz: str, now: datetime, *, editing: bool = False) -> tuple[Draft, dict[str, str]]:
    values, errors, read = ViewValues(view), {}, {}
    when = None
    for field in (f for f in spec.fields if f.in_modal and (f.editable or not editing)):
        if field.input in ("text", "long_text"):
            text = values.text(field.block_id, A)
            value = tidy(text) if field.name == "title" else text.strip()
            if field.name == "title" and not has_text(value):
                errors[field.block_id] = "Say what it is about."
            elif len(value) > (TITLE_MAX if field.name == "title" else field.max_length):
                errors[field.block_id] = f"Keep it to {field.max_length} characters (it has {len(value)})."
            read[field.name] = value
        elif field.input == "user":
            read[field.name] = values.user(field.block_id, A)
        elif field.input == "select":
            raw = values.selected(field.block_id, A)
            raw = raw if raw is not None else field.default
            read[field.name] = field.to_value(raw) if (field.to_value and raw is not None) else raw
        else:
            raw = values.date(field.block_id, A)
            at = _end_of_day(raw, tz) if raw else None
            if at is not None and at <= now:
                errors[field.block_id] = "Pick a date in the future."
            read[field.name] = at
            if at is not None and when is None:
                when = When(at, tz, False)
    title, owner = read.pop("title", ""), read.pop("owner", None)
    return Draft(title, owner, read, when, status=spec.modal_status), errors


def on_record_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    spec = next(s for s in KINDS if f"{s.name}.modal" == view["callback_id"])
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    metadata = metadata_of(view)
    tz = user_timezone(client, deps, team_id, user_id)
    now = deps.clock.now()
    draft, errors = read_form(spec, view, tz, now, editing="item_id" in metadata)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    ensure_user(client, draft.owner_id, f"{spec.command} list")
    if "item_id" in metadata:
        item, program = load(deps, int(metadata["item_id"]), team_id)
        values = {"title": draft.title, "owner": draft.owner_id, **draft.values}
        before = item.owner_id
        item, posted = change_and_sync(client, deps, item.id, program, lambda s, stored, now: service.edit(
            session=s, program=program, item=stored, actor=user_id, now=now, values=values, when=draft.when),
            actor=user_id, new_owner=bool(draft.owner_id and draft.owner_id != before))
        _tell(client, program.channel_id, user_id, changed_reply(item, "is saved") + delivery_note(posted, program))
        return
    channel_id = metadata.get("channel_id", "")
    ensure_member(client, channel_id, user_id)
    program = program_here(client, None, deps, team_id=team_id, channel_id=channel_id, channel_name="",
                           user_id=user_id)
    _, text = create_record(client, deps, program, spec, draft, user_id, source_link=metadata.get("source_link", ""),
                            inbox_id=context.get("inbox_id"))
    _tell(client, channel_id, user_id, text)


def ensure_member(client: WebClient, channel_id: str, user_id: str) -> None:
    """A modal's channel comes from the client: a person logs into a private channel only if they are in it."""
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
        if not (info.get("is_private") or info.get("is_group")):
            return
        members = client.conversations_members(channel=channel_id, limit=1000).get("members") or []
    except SlackApiError as exc:
        raise UserError("I can't see that channel, so nothing was logged there. Invite me with `/invite @tpmbot`.",
                        "/blocker list") from exc
    if user_id not in members:
        raise UserError("You can only log items in a private channel you are a member of.", "/blocker list")


def _tell(client: WebClient, channel_id: str, user_id: str, text: str) -> None:
    client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)


def register(app: App) -> None:
    for spec in KINDS:
        app.view(f"{spec.name}.modal")(guarded(on_record_submitted))


