"""`/change`: change requests on the record core, plus what only they have — the new-request modal, the
request sent to each approver by DM with Approve / Reject (a reason) / Ask (posted in the request's
thread), the decision under the program's approval policy, and, approved, what it names applied at once
and the informed told. `list [open|all]` lists them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import change as blocks
from bot.blocks.records import record_list
from bot.deps import Deps
from bot.ids import Action, Callback
from bot.notifier import drain_outbox
from bot.posts import post_message
from bot.records import message, service
from bot.records.kinds.change import _AMOUNT, SPEC
from bot.records.kinds.milestone import MOVE_EXAMPLE, SPEC as MILESTONE, day_of
from bot.records.spec import Draft
from bot.services import change_requests, stakeholders
from bot.services.dates import END_OF_DAY, When
from bot.services.errors import UserError
from bot.services.timezones import zone
from handlers.commands.raid_flow import metadata_of
from handlers.commands.router import CommandCall
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.records.commands import reading_program, recording_program, record_router, reply
from handlers.records.common import follow_escalation, load
from handlers.records.create import create_record
from handlers.records.modal import ensure_member
from handlers.views.values import ViewValues
from storage import outbox
from storage.change_requests import open_milestones
from storage.models import Program
from storage.raid_models import Item

router = record_router(SPEC)
LIST_EXAMPLE = "/change list all"


@router.bare(usage="/change", summary="open the new change request form")
def open_form(call: CommandCall) -> None:
    call.ack()
    program = recording_program(call)
    with call.deps.session() as session:
        plan = open_milestones(session=session, program_id=program.id)
    call.client.views_open(trigger_id=call.trigger_id, view=blocks.new_change_modal(call.channel_id, plan))


@router.free_text(usage=SPEC.usage, summary="ask the program's approvers for a change; approved, it applies itself")
def create(call: CommandCall) -> None:
    call.ack()
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    draft = SPEC.grammar(call.text, tz, call.deps.clock.now())
    program = recording_program(call)
    reply(call, create_change(call.client, call.deps, program, draft, call.user_id, call.inbox_id))


@router.sub("list", usage="/change list [open|all]", summary="open change requests; `all` with the decided ones")
def change_list(call: CommandCall) -> None:
    call.ack()
    word = call.text.strip().lower()
    if word not in ("", "open", "all"):
        raise UserError(f"`{call.text.strip()[:40]}` isn't a list filter: use `open` or `all`.", LIST_EXAMPLE)
    program = reading_program(call, SPEC)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        items = service.listing(session=session, program=program, spec=SPEC, now=now,
                                selection=service.Filter(include_closed=word == "all"))
    heading = "Change requests" if word == "all" else "Open change requests"
    reply(call, heading, record_list(SPEC, items, now, heading))


def create_change(client: WebClient, deps: Deps, program: Program, draft: Draft, author: str,
                  inbox_id: str | None) -> str:
    """Store it (its milestones checked, its approvers fixed), post it, and ask each approver by DM."""
    item, text = create_record(client, deps, program, SPEC, draft, author, inbox_id=inbox_id)
    text_out, dm = blocks.approval_request(item, program)
    for approver in change_requests.approvers_of(item):
        post_message(client, deps, key=f"change:{item.id}:request:{approver}", team_id=program.team_id,
                     channel=approver, text=text_out, blocks=dm, program_id=program.id)
    return text


def request_instead_of_move(call: CommandCall, key: str, when: When, reason: str) -> bool:
    """`/milestone move` past the baseline, where the program says schedule changes need approval: a change
    request for that move is opened instead (True), and the milestone stays where it is until approved."""
    program = recording_program(call)
    if not stakeholders.schedule_needs_approval(program):
        return False
    with call.deps.session() as session:
        milestone = service.find(session=session, program=program, spec=MILESTONE, key=key)
    baseline, day = day_of(milestone, "baseline"), when.local.date()
    if baseline is None or day <= baseline:
        return False
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Say why it moves: add `reason: <text>` (it is kept in the slip history).", MOVE_EXAMPLE)
    draft = Draft(f"Move {milestone.key} {milestone.title}"[:120] + f": {reason}"[:300], None,
                  {"type": "schedule", "moves": [{"key": milestone.key, "to": day.isoformat()}]}, None)
    text = create_change(call.client, call.deps, program, draft, call.user_id, call.inbox_id)
    reply(call, f":hourglass_flowing_sand: {milestone.key} moves past its baseline only with an approved change "
                f"request in this program, so it stays where it is for now. " + text)
    return True


# ---- the new-request modal -------------------------------------------------------------------------

def _read_new(view: dict, tz: str, now: datetime) -> tuple[dict, dict[str, str]]:
    values, b, a = ViewValues(view), blocks.NEW, blocks.NEW_INPUT
    title, cost = " ".join(values.text(b["title"], a).split()), values.text(b["cost"], a)
    key, day = values.selected(b["milestone"], a), values.date(b["date"], a)
    errors = {}
    if not title:
        errors[b["title"]] = "Say what changes, and why."
    if cost and not _AMOUNT.match(cost):
        errors[b["cost"]] = "Write an amount, like 12000, $12k or 4,500EUR."
    if bool(key) != bool(day):
        errors[b["date" if key else "milestone"]] = "Choose both the milestone and its new date."
    elif day and datetime.combine(date.fromisoformat(day), END_OF_DAY, tzinfo=zone(tz)) <= now:
        errors[b["date"]] = "Pick a date in the future."
    return {"title": title, "type": values.selected(b["type"], a) or "scope", "cost": cost,
            "scope": values.text(b["scope"], a), "moves": [{"key": key, "to": day}] if key and day else []}, errors


def on_new_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps = context["deps"]
    user_id, team_id = body["user"]["id"], (body.get("team") or {}).get("id", "")
    tz = user_timezone(client, deps, team_id, user_id)
    read, errors = _read_new(view, tz, deps.clock.now())
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    channel_id = metadata_of(view).get("channel_id", "")
    ensure_member(client, channel_id, user_id)
    program = program_here(client, None, deps, team_id=team_id, channel_id=channel_id, channel_name="",
                           user_id=user_id)
    draft = Draft(read.pop("title"), None, read, None)
    text = create_change(client, deps, program, draft, user_id, context.get("inbox_id"))
    client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)


# ---- Approve / Reject / Ask ---------------------------------------------------------------------

def _item_id(action_or_view: dict) -> int:
    raw = action_or_view.get("value") or metadata_of(action_or_view).get("item_id")
    return int(str(raw).split(":", 1)[0])


def _team(body: dict) -> str:
    return (body.get("team") or {}).get("id", "")


def decide(client: WebClient, deps: Deps, item_id: int, program: Program, actor: str, vote: str, *,
           reason: str = "", inbox_id: str | None = None) -> str:
    """Count the vote; the request's message (and each milestone it moved) synced in the same transaction,
    and, once decided, the requester and the informed told, each once."""
    now = deps.clock.now()
    with deps.session() as session:
        result = change_requests.cast_vote(session=session, program=program, item_id=item_id, actor=actor, now=now,
                                           vote=vote, reason=reason, inbox_id=inbox_id)
        item = result.item
        session.flush()
        queued = message.queue_sync(session=session, program=program, item=item, now=now)
        for milestone in result.moved:
            queued.keys += message.queue_sync(session=session, program=program, item=milestone, now=now).keys
        if result.decided:
            notice = blocks.decided_notice(item)
            for target in stakeholders.decided_notice_targets(program, item.owner_id):
                if target == actor:
                    continue
                key = f"change:{item.id}:decided:{target}"
                outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                               program_id=program.id, payload={"channel": target, "text": notice})
                queued.keys.append(key)
        message.claim(session=session, queued=queued, now=now)
        waiting = change_requests.waiting_on(item)
    message.send(deps, client, item, queued)
    for milestone in result.moved:
        follow_escalation(client, deps, milestone, actor=actor)
    return blocks.vote_reply(item, vote, waiting)


def on_approve(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any],
               respond: Respond) -> None:
    ack()
    deps, actor = context["deps"], body["user"]["id"]
    item, program = load(deps, _item_id(action), _team(body))
    said = decide(client, deps, item.id, program, actor, "approve", inbox_id=context.get("inbox_id"))
    respond(text=said, response_type="ephemeral", replace_original=False)


def _open_text_modal(body: dict, action: dict, client: WebClient, context: dict[str, Any], build) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    item, _ = load(deps, _item_id(action), _team(body))
    change_requests.may_vote(item, actor)
    client.views_open(trigger_id=body["trigger_id"], view=build(item))


def on_reject(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _open_text_modal(body, action, client, context, blocks.reject_modal)


def on_ask(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _open_text_modal(body, action, client, context, blocks.ask_modal)


def _submitted(ack: Ack, body: dict, view: dict, context: dict[str, Any], block: str) -> tuple[Item, Program, str]:
    """The item and the text typed, checked before the ack: what is wrong is shown under the field."""
    deps, actor = context["deps"], body["user"]["id"]
    text = ViewValues(view).text(block, blocks.TEXT_INPUT)
    item, program = load(deps, _item_id(view), _team(body))
    inbox_repeat = _repeated(item, actor, context.get("inbox_id"))
    try:
        if not inbox_repeat and block == blocks.REASON_BLOCK:
            change_requests.may_vote(item, actor)
        elif not inbox_repeat:
            change_requests.ensure_approver(item, actor)
            change_requests.ensure_open(item)
    except UserError as refusal:
        ack(response_action="errors", errors={block: refusal.problem[:150]})
        raise _Answered() from refusal
    if not text.strip() and not inbox_repeat:
        ack(response_action="errors", errors={block: "Write it here: it is what the requester reads."})
        raise _Answered()
    ack()
    return item, program, text


class _Answered(Exception):
    """The modal was answered with its errors; nothing more to do."""


def _repeated(item: Item, actor: str, inbox_id: str | None) -> bool:
    details = item.details or {}
    return inbox_id is not None and any(entry.get("inbox") == inbox_id and entry.get("by") == actor
                                        for entry in [*details.get("votes", []), *details.get("questions", [])])


def on_reject_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    try:
        item, program, reason = _submitted(ack, body, view, context, blocks.REASON_BLOCK)
    except _Answered:
        return
    deps, actor, inbox_id = context["deps"], body["user"]["id"], context.get("inbox_id")
    said = decide(client, deps, item.id, program, actor, "reject", reason=reason, inbox_id=inbox_id)
    post_message(client, deps, key=f"change:{item.id}:reply:{inbox_id}", team_id=program.team_id, channel=actor,
                 text=said, program_id=program.id)


def on_ask_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    try:
        item, program, question = _submitted(ack, body, view, context, blocks.QUESTION_BLOCK)
    except _Answered:
        return
    deps, actor, inbox_id = context["deps"], body["user"]["id"], context.get("inbox_id")
    now = deps.clock.now()
    with deps.session() as session:
        item, new = change_requests.ask(session=session, item_id=item.id, actor=actor, now=now, question=question,
                                        inbox_id=inbox_id)
        number = len((item.details or {}).get("questions") or [])
        key = f"change:{item.id}:question:{number}"
        if new:
            payload = {"channel": item.message_channel or program.channel_id,
                       "text": blocks.question_post(item, actor, question)}
            if item.message_ts:
                payload["thread_ts"] = item.message_ts
            outbox.enqueue(session=session, key=key, team_id=program.team_id, method="chat.postMessage", now=now,
                           program_id=program.id, payload=payload)
    drain_outbox(deps, client, keys=[key], limit=1)


def register(app: App) -> None:
    app.action(Action.CHANGE_APPROVE.value)(guarded(on_approve))
    app.action(Action.CHANGE_REJECT.value)(guarded(on_reject))
    app.action(Action.CHANGE_ASK.value)(guarded(on_ask))
    app.view(Callback.CHANGE_NEW.value)(guarded(on_new_submitted))
    app.view(Callback.CHANGE_REJECT.value)(guarded(on_reject_submitted))
    app.view(Callback.CHANGE_ASK.value)(guarded(on_ask_submitted))

