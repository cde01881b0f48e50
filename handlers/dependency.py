"""`/dep`: dependencies on the record core, plus their handshake — the one-line request (asked of a
person, or of the program whose home a channel is), `list [in|out|all]`, `deliver`, and the cards'
buttons and modals on both sides (Accept / Propose another date / Decline / Delivered at the side it is
asked of; Accept / Decline of a proposed date at the side that asked). `cancel`, `show`, `assign`,
`reopen` and `snooze` are the record core's, for the side that asked."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.dependencies import (
    ASK_ACCEPT, ASK_DECLINE, BY_BLOCK, BY_INPUT, CARD_ACCEPT, CARD_COUNTER, CARD_DECLINE, CARD_DELIVER, CHANNEL_BLOCK,
    CHANNEL_INPUT, COUNTER_MODAL, DATE_BLOCK, DATE_INPUT, DECLINE_MODAL, MILESTONE_BLOCK, MILESTONE_INPUT,
    NOTE_BLOCK, NOTE_INPUT, PERSON_BLOCK, PERSON_INPUT, REASON_BLOCK, REASON_INPUT, REQUEST_MODAL, WHAT_BLOCK,
    WHAT_INPUT, counter_modal, decline_modal, dependency_list, request_modal,
)
from bot.blocks.records import changed_reply
from bot.records import service
from bot.records.kinds.dependency import EXAMPLE, PERSON_EXAMPLE, SPEC, State, state_of
from bot.records.kinds.milestone import SPEC as MILESTONE
from bot.services import dependencies as dep
from bot.records.spec import Draft
from bot.services.dates import When
from bot.services.errors import UserError
from handlers.commands.router import CommandCall
from handlers.guard import guarded
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.records.commands import key_and_rest, metadata_of, record_router, recording_program, reply
from handlers.records.common import change_and_sync, delivery_note, ensure_user, load
from handlers.records.create import create_record
from handlers.records.modal import ensure_member
from handlers.views.values import ViewValues
from storage import raid as raid_store
from storage.models import Program
from storage.programs import program_for_channel
from storage.raid_models import Item

router = record_router(SPEC)


def _program_at(call: CommandCall):
    with call.deps.session() as session:
        return program_for_channel(session=session, team_id=call.team_id, channel_id=call.channel_id)


@router.bare(usage="/dep", summary="open the form to ask for a dependency")
def open_form(call: CommandCall) -> None:
    call.ack()
    call.client.views_open(trigger_id=call.trigger_id, view=request_modal(call.channel_id))


def _provider(client: WebClient, deps, team_id: str, user_id: str, draft) -> Program | None:
    """Who it is asked of, checked: a person who is not the asker, or a channel that is a program's home."""
    person, channel = draft.values.get("provider_user"), draft.values.get("provider_channel")
    if person:
        ensure_user(client, person, PERSON_EXAMPLE)
        if person == user_id:
            raise UserError("That's you: ask someone else, or another program's channel.", PERSON_EXAMPLE)
        return None
    with deps.session() as session:
        provider = program_for_channel(session=session, team_id=team_id, channel_id=channel)
    if provider is None or not provider.leads:
        raise UserError(f"<#{channel}> is no program's home, so nobody there could answer it. Ask its lead "
                        "by name, or ask in a channel that has a program (`/tpm setup` there makes one).",
                        PERSON_EXAMPLE)
    return provider


def _checked(deps, program: Program | None, provider: Program | None, key: str | None) -> Item | None:
    """This program is not the one asked; the milestone named is this program's, and open."""
    if provider is not None and program is not None and provider.id == program.id:
        raise UserError("That's this program's own channel: ask another program's channel, or a person.", EXAMPLE)
    if not key:
        return None
    if program is None:
        raise UserError(f"There is no {key} here: this channel has no program yet.", "/milestone list")
    with deps.session() as session:
        milestone = service.find(session=session, program=program, spec=MILESTONE, key=key)
    if milestone.status != "open":
        raise UserError(f"{milestone.key} is {milestone.status}: link a dependency to an open milestone.",
                        "/milestone list")
    return milestone


def _ask(client: WebClient, deps, program: Program, provider: Program | None, milestone, draft, user_id: str,
         inbox_id: str | None) -> str:
    details = dep.new_details(draft_values=draft.values, provider=provider, now=deps.clock.now(),
                              milestone=milestone)
    _, text = create_record(client, deps, program, SPEC, draft, user_id, inbox_id=inbox_id, details=details)
    return text


@router.free_text(usage=SPEC.usage, summary="ask a person or another program for something by a date")
def ask(call: CommandCall) -> None:
    call.ack()
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    draft = SPEC.grammar(call.text, tz, call.deps.clock.now())
    provider = _provider(call.client, call.deps, call.team_id, call.user_id, draft)
    program = recording_program(call)
    milestone = _checked(call.deps, program, provider, draft.values.get("milestone"))
    reply(call, _ask(call.client, call.deps, program, provider, milestone, draft, call.user_id, call.inbox_id))


def _read_request(view: dict, tz: str, now) -> tuple[Draft | None, dict[str, str]]:
    from bot.records.grammar import KEY, has_text, tidy
    from bot.services.dates import end_of_day

    values = ViewValues(view)
    title, person = tidy(values.text(WHAT_BLOCK, WHAT_INPUT)), values.user(PERSON_BLOCK, PERSON_INPUT)
    channel, raw, key = (values.conversation(CHANNEL_BLOCK, CHANNEL_INPUT), values.date(BY_BLOCK, BY_INPUT),
                         values.text(MILESTONE_BLOCK, MILESTONE_INPUT))
    errors = {}
    if not has_text(title):
        errors[WHAT_BLOCK] = "Say what you need."
    if bool(person) == bool(channel):
        errors[PERSON_BLOCK] = "Pick a person, or a program's channel below (one of them)."
    at = end_of_day(date.fromisoformat(raw), tz) if raw else None
    if at is None or at <= now:
        errors[BY_BLOCK] = "Pick a date in the future."
    match = KEY.match(key) if key else None
    if key and (match is None or match.group(1).upper() != "M"):
        errors[MILESTONE_BLOCK] = "A milestone key, like M-2."
    if errors:
        return None, errors
    milestone = f"M-{int(match.group(2))}" if match else None
    asked = {"provider_user": person} if person else {"provider_channel": channel, "provider_channel_name": ""}
    return Draft(title, None, {"due": at, "milestone": milestone, **asked}, When(at, tz, False)), {}


def on_request_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps, user_id, team_id = context["deps"], body["user"]["id"], _team(body)
    tz = user_timezone(client, deps, team_id, user_id)
    draft, errors = _read_request(view, tz, deps.clock.now())
    channel_id = metadata_of(view).get("channel_id", "")
    if draft is not None:
        try:
            provider = _provider(client, deps, team_id, user_id, draft)
            with deps.session() as session:
                here = program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
            _checked(deps, here, provider, draft.values.get("milestone"))
        except UserError as problem:
            block = MILESTONE_BLOCK if "M-" in problem.problem else \
                PERSON_BLOCK if draft.values.get("provider_user") else CHANNEL_BLOCK
            errors = {block: problem.problem[:150]}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    ensure_member(client, channel_id, user_id)
    program = program_here(client, None, deps, team_id=team_id, channel_id=channel_id, channel_name="",
                           user_id=user_id)
    milestone = _checked(deps, program, provider, draft.values.get("milestone"))
    text = _ask(client, deps, program, provider, milestone, draft, user_id, context.get("inbox_id"))
    client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)


@router.sub("list", usage="/dep list [in|out|all]",
            summary="open dependencies: asked of us (in), we asked (out), or both")
def dep_list(call: CommandCall) -> None:
    call.ack()
    word = call.text.strip().lower() or "all"
    if word not in ("in", "out", "all"):
        raise UserError(f"`{call.text.strip()}` isn't a list filter: use in, out or all.", "/dep list in")
    program = _program_at(call)
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    with call.deps.session() as session:
        incoming = [(item, requester) for item, _, requester in dep.asked_of_me(
            session=session, team_id=call.team_id, program=program, user_id=call.user_id)]
        outgoing = [] if program is None else [(item, program) for item in raid_store.records(
            session=session, program_id=program.id, kind=SPEC.name)]
    heading = {"in": "Dependencies asked of us", "out": "Dependencies we asked for", "all": "Dependencies"}[word]
    reply(call, heading, dependency_list(incoming, outgoing, tz, word != "out", word != "in"))


@router.sub("deliver", usage="/dep deliver <D-n> [note]", summary="the side it is asked of: it is delivered")
def dep_deliver(call: CommandCall) -> None:
    call.ack()
    key, note = key_and_rest(call, SPEC, "deliver")
    program = _program_at(call)
    with call.deps.session() as session:
        item, requester = dep.find_incoming(session=session, team_id=call.team_id, program=program,
                                            user_id=call.user_id, key=key)
    item, posted = change_and_sync(call.client, call.deps, item.id, requester, lambda s, stored, now: dep.deliver(
        session=s, program=requester, item=stored, actor=call.user_id, now=now, note=note, inbox_id=call.inbox_id),
        actor=call.user_id)
    reply(call, changed_reply(item, "is delivered") + delivery_note(posted, requester))


# ---- the cards' buttons and modals -------------------------------------------------------------------

def _team(body: dict) -> str:
    return (body.get("team") or {}).get("id", "")


def _step(body: dict, item_id: int, client: WebClient, context: dict[str, Any], respond: Respond | None, step,
          what: str) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    item, program = load(deps, item_id, _team(body))
    item, _ = change_and_sync(client, deps, item.id, program, lambda s, stored, now: step(
        session=s, program=program, item=stored, actor=actor, now=now, inbox_id=context.get("inbox_id")),
        actor=actor)
    if respond is not None:
        respond(text=changed_reply(item, what(item, program)), response_type="ephemeral", replace_original=False)


def _committed(item, program) -> str:
    return f"is accepted, committed for {dep.describe(item.due_at, program.timezone)}"


def on_accept(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _step(body, int(action["value"]), client, context, respond, dep.accept, _committed)


def on_deliver(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any],
               respond: Respond) -> None:
    ack()
    _step(body, int(action["value"]), client, context, respond, dep.deliver, lambda item, program: "is delivered")


def on_accept_counter(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any],
                      respond: Respond) -> None:
    ack()
    _step(body, int(action["value"]), client, context, respond, dep.accept_counter, _committed)


def on_decline_counter(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any],
                       respond: Respond) -> None:
    ack()
    _step(body, int(action["value"]), client, context, respond, dep.decline_counter,
          lambda item, program: "keeps the date asked; the other side answers again")


def _open_modal(body: dict, action: dict, client: WebClient, context: dict[str, Any], verb: str, allowed, build) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    item, _ = load(deps, int(action["value"]), _team(body))
    with deps.session() as session:
        dep.ensure_provider(session, item, actor, verb)
    if state_of(item) not in allowed:
        raise UserError(f"{item.key} is {state_of(item).value}: it can't be {verb}d now.", "/dep list in")
    tz = user_timezone(client, deps, _team(body), actor)
    client.views_open(trigger_id=body["trigger_id"], view=build(item, tz))


def on_counter(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _open_modal(body, action, client, context, "propose another date for", (State.REQUESTED, State.ACCEPTED),
                counter_modal)


def on_decline(ack: Ack, body: dict, action: dict, client: WebClient, context: dict[str, Any]) -> None:
    ack()
    _open_modal(body, action, client, context, "decline", (State.REQUESTED, State.COUNTERED, State.ACCEPTED),
                lambda item, tz: decline_modal(item))


def on_counter_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    values = ViewValues(view)
    raw = values.date(DATE_BLOCK, DATE_INPUT)
    tz = user_timezone(client, deps, _team(body), actor)
    day = date.fromisoformat(raw) if raw else None
    from bot.services.timezones import zone

    today = deps.clock.now().astimezone(zone(tz)).date()
    if day is None or day < today:
        ack(response_action="errors", errors={DATE_BLOCK: "Pick today or a later date."})
        return
    ack()
    note = " ".join(values.text(NOTE_BLOCK, NOTE_INPUT).split())
    item, program = load(deps, int(metadata_of(view)["item_id"]), _team(body))
    change_and_sync(client, deps, item.id, program, lambda s, stored, now: dep.counter(
        session=s, program=program, item=stored, actor=actor, now=now, day=day, tz=tz, note=note,
        inbox_id=context.get("inbox_id")), actor=actor)


def on_decline_submitted(ack: Ack, body: dict, view: dict, client: WebClient, context: dict[str, Any]) -> None:
    deps, actor = context["deps"], body["user"]["id"]
    reason = " ".join(ViewValues(view).text(REASON_BLOCK, REASON_INPUT).split())
    if not reason:
        ack(response_action="errors", errors={REASON_BLOCK: "Say why: the side that asked needs the reason."})
        return
    ack()
    item, program = load(deps, int(metadata_of(view)["item_id"]), _team(body))
    change_and_sync(client, deps, item.id, program, lambda s, stored, now: dep.decline(
        session=s, program=program, item=stored, actor=actor, now=now, reason=reason,
        inbox_id=context.get("inbox_id")), actor=actor)


def register(app: App) -> None:
    app.action(CARD_ACCEPT)(guarded(on_accept))
    app.action(CARD_DELIVER)(guarded(on_deliver))
    app.action(CARD_COUNTER)(guarded(on_counter))
    app.action(CARD_DECLINE)(guarded(on_decline))
    app.action(ASK_ACCEPT)(guarded(on_accept_counter))
    app.action(ASK_DECLINE)(guarded(on_decline_counter))
    app.view(COUNTER_MODAL)(guarded(on_counter_submitted))
    app.view(DECLINE_MODAL)(guarded(on_decline_submitted))
    app.view(REQUEST_MODAL)(guarded(on_request_submitted))
