"""`/<kind>`: every record kind's slash command, built from its spec — the bare modal, the one-line
create, `list`, `show`, `assign`, `reopen`, `snooze` and the kind's closing verbs. A kind adds its own
verbs with `extend` (see handlers/risk.py, handlers/decision.py)."""

from __future__ import annotations

import json

from bot.blocks.records import changed_reply, record_list, record_modal, record_show
from bot.records import service
from bot.records.grammar import MENTION
from bot.records.service import Filter
from bot.records.spec import KindSpec
from bot.services.errors import UserError
from bot.services.escalations import SNOOZE_CHOICES
from handlers.commands.router import CommandCall, CommandRouter
from handlers.members import user_timezone
from handlers.programs import program_here
from handlers.programs import existing_program_here
from handlers.records.common import change_and_sync, delivery_note, ensure_user
from handlers.records.create import create_record
from storage.models import Program


def reply(call: CommandCall, text: str, blocks: list[dict] | None = None) -> None:
    call.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def recording_program(call: CommandCall) -> Program:
    """The channel's program; a command that records something binds the channel on first use."""
    return program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                        channel_name=call.channel_name, user_id=call.user_id)


def reading_program(call: CommandCall, spec: KindSpec) -> Program:
    return existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)


def parse_filter(spec: KindSpec, call: CommandCall, words: list[str]) -> tuple[Filter, str]:
    from bot.records.kinds.blocker import parse_severity

    selection, heading = Filter(), f"Open {spec.plural}"
    has_severity = any(f.name == "severity" for f in spec.fields)
    for word in words:
        lowered = word.lower()
        if lowered == "mine":
            selection, heading = Filter(owner_id=call.user_id, severity=selection.severity), f"Your open {spec.plural}"
        elif lowered == "all":
            continue
        elif lowered == "overdue":
            selection = Filter(owner_id=selection.owner_id, overdue=True, severity=selection.severity)
            heading = f"Overdue {spec.plural}"
        elif match := MENTION.fullmatch(word):
            selection = Filter(owner_id=match.group(1), overdue=selection.overdue, severity=selection.severity)
            heading = f"Open {spec.plural} owned by <@{match.group(1)}>"
        elif has_severity and lowered.startswith(("sev:", "severity:")):
            severity = parse_severity(word.split(":", 1)[1], f"{spec.command} list sev:high")
            selection = Filter(owner_id=selection.owner_id, overdue=selection.overdue, severity=severity)
            heading += f" (severity {severity})"
        else:
            extra = ", sev:<level>" if has_severity else ""
            raise UserError(f"`{word}` isn't a list filter: use mine, all, @someone, overdue{extra}.",
                            f"{spec.command} list mine")
    return selection, heading


def key_and_rest(call: CommandCall, spec: KindSpec, verb: str) -> tuple[str, str]:
    key, _, rest = call.text.strip().partition(" ")
    if not key:
        raise UserError(f"Say which {spec.label.lower()}.", f"{spec.command} {verb} {spec.key(7)}")
    return key, rest.strip()


def record_router(spec: KindSpec) -> CommandRouter:
    router = CommandRouter(spec.command, spec.summary, spec.example)

    @router.bare(usage=spec.command, summary=f"open the new-{spec.label.lower()} form")
    def open_form(call: CommandCall) -> None:
        call.ack()
        tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
        view = record_modal(spec, {"channel_id": call.channel_id}, tz)
        call.client.views_open(trigger_id=call.trigger_id, view=view)

    @router.free_text(usage=spec.usage, summary=f"log a {spec.label.lower()}")
    def create(call: CommandCall) -> None:
        call.ack()
        tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
        draft = spec.grammar(call.text, tz, call.deps.clock.now())
        ensure_user(call.client, draft.owner_id, spec.example)
        program = recording_program(call)
        _, text = create_record(call.client, call.deps, program, spec, draft, call.user_id,
                                inbox_id=call.inbox_id)
        reply(call, text)

    severity = "|sev:<level>" if any(f.name == "severity" for f in spec.fields) else ""

    @router.sub("list", usage=f"{spec.command} list [mine|all|@user|overdue{severity}]",
                summary=f"open {spec.plural}, with age")
    def list_records(call: CommandCall) -> None:
        call.ack()
        selection, heading = parse_filter(spec, call, call.text.split())
        program = reading_program(call, spec)
        now = call.deps.clock.now()
        with call.deps.session() as session:
            items = service.listing(session=session, program=program, spec=spec, selection=selection, now=now)
        reply(call, heading, record_list(spec, items, now, heading))

    @router.sub("show", usage=f"{spec.command} show <{spec.prefix}-n>", summary="the record and its history")
    def show(call: CommandCall) -> None:
        call.ack()
        key, _ = key_and_rest(call, spec, "show")
        program = reading_program(call, spec)
        tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
        with call.deps.session() as session:
            item = service.find(session=session, program=program, spec=spec, key=key)
            events = service.history(session=session, item=item)
        reply(call, f"{spec.label} {item.key}", record_show(item, events, tz))

    @router.sub("assign", usage=f"{spec.command} assign <{spec.prefix}-n> @user", summary="give it a new owner")
    def assign(call: CommandCall) -> None:
        call.ack()
        example = f"{spec.command} assign {spec.key(7)} @dana"
        key, rest = key_and_rest(call, spec, "assign")
        match = MENTION.search(rest)
        if match is None:
            raise UserError("Say who should own it.", example)
        ensure_user(call.client, match.group(1), example)
        program = recording_program(call)
        with call.deps.session() as session:
            item_id = service.find(session=session, program=program, spec=spec, key=key).id
        item, posted = change_and_sync(call.client, call.deps, item_id, program, lambda s, item, now: service.assign(
            session=s, program=program, item=item, actor=call.user_id, owner_id=match.group(1), now=now),
            actor=call.user_id, new_owner=True)
        reply(call, changed_reply(item, f"is now owned by <@{item.owner_id}>") + delivery_note(posted, program))

    if spec.reopenable:
        @router.sub("reopen", usage=f"{spec.command} reopen <{spec.prefix}-n>", summary="open it again")
        def reopen(call: CommandCall) -> None:
            call.ack()
            key, _ = key_and_rest(call, spec, "reopen")
            program = recording_program(call)
            with call.deps.session() as session:
                item_id = service.find(session=session, program=program, spec=spec, key=key).id
            item, posted = change_and_sync(call.client, call.deps, item_id, program, lambda s, item, now: service.reopen(
                session=s, program=program, item=item, actor=call.user_id, now=now), actor=call.user_id)
            reply(call, changed_reply(item, "is open again") + delivery_note(posted, program))

    if spec.snoozable:
        @router.sub("snooze", usage=f"{spec.command} snooze <{spec.prefix}-n> 1d|3d|1w",
                    summary="hold its escalation and reminders")
        def snooze(call: CommandCall) -> None:
            call.ack()
            key, rest = key_and_rest(call, spec, "snooze")
            choice = rest.lower() or "1d"
            if choice not in SNOOZE_CHOICES:
                raise UserError(f"Snooze for `{rest}`? Use 1d, 3d or 1w.", f"{spec.command} snooze {spec.key(7)} 3d")
            program = recording_program(call)
            with call.deps.session() as session:
                item_id = service.find(session=session, program=program, spec=spec, key=key).id
            item, posted = change_and_sync(
                call.client, call.deps, item_id, program, lambda s, item, now: service.snooze(
                    session=s, program=program, item=item, actor=call.user_id, now=now,
                    until=now + SNOOZE_CHOICES[choice]), actor=call.user_id)
            reply(call, changed_reply(item, f"is snoozed for {choice}") + delivery_note(posted, program))

    for closing in spec.closings:
        _closing_route(router, spec, closing)
    return router


def _closing_route(router: CommandRouter, spec: KindSpec, closing) -> None:
    @router.sub(closing.verb, usage=f"{spec.command} {closing.verb} <{spec.prefix}-n> [note]",
                summary=f"mark it {closing.past}")
    def close(call: CommandCall) -> None:
        call.ack()
        key, note = key_and_rest(call, spec, closing.verb)
        program = recording_program(call)
        with call.deps.session() as session:
            item_id = service.find(session=session, program=program, spec=spec, key=key).id
        item, posted = change_and_sync(call.client, call.deps, item_id, program, lambda s, item, now: service.close(
            session=s, program=program, item=item, actor=call.user_id, now=now, verb=closing.verb, note=note), actor=call.user_id)
        reply(call, changed_reply(item, f"is now {spec.status_label(item.status)}") + delivery_note(posted, program))


def metadata_of(view: dict) -> dict:
    return json.loads(view.get("private_metadata") or "{}")
