"""`/decision`: the decision log on the record core, plus what only decisions have: `pending` questions
with someone to decide them by a date, `decide` to answer one, and `list [words]` to search the log."""

from __future__ import annotations

from bot.blocks.records import changed_reply, record_list
from bot.records import service
from bot.records.kinds.decision import DECIDE_EXAMPLE, SPEC, parse_pending, split_rationale
from bot.services.errors import UserError
from handlers.commands.router import CommandCall
from handlers.members import user_timezone
from handlers.records.commands import key_and_rest, reading_program, recording_program, record_router, reply
from handlers.records.common import change_and_sync, delivery_note, ensure_user
from handlers.records.create import create_record

router = record_router(SPEC)


@router.sub("pending", usage="/decision pending <question> @owner by <date>",
            summary="an open question that ages and escalates until decided")
def pending(call: CommandCall) -> None:
    call.ack()
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    draft = parse_pending(call.text, tz, call.deps.clock.now())
    ensure_user(call.client, draft.owner_id, SPEC.example)
    program = recording_program(call)
    _, text = create_record(call.client, call.deps, program, SPEC, draft, call.user_id, inbox_id=call.inbox_id)
    reply(call, text)


@router.sub("decide", usage="/decision decide <DEC-n> <outcome> [why: <rationale>]", summary="decide a pending one")
def decide(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "decide")
    outcome, rationale = split_rationale(rest, DECIDE_EXAMPLE)
    outcome = " ".join(outcome.split())
    if not outcome:
        raise UserError("Say what was decided.", DECIDE_EXAMPLE)
    program = recording_program(call)
    with call.deps.session() as session:
        item_id = service.find(session=session, program=program, spec=SPEC, key=key).id
    details = {"outcome": outcome, **({"rationale": rationale} if rationale else {}),
               "deciders": [call.user_id]}
    item, posted = change_and_sync(call.client, call.deps, item_id, program, lambda s, item, now: service.close(
        session=s, program=program, item=item, actor=call.user_id, now=now, verb="decide", details=details), actor=call.user_id)
    reply(call, changed_reply(item, f"is decided: {outcome}") + delivery_note(posted, program))


@router.sub("list", usage="/decision list [words]", summary="the decision log, newest last; words search it")
def decision_list(call: CommandCall) -> None:
    call.ack()
    words = tuple(w for w in call.text.split() if w)
    program = reading_program(call, SPEC)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        items = service.listing(session=session, program=program, spec=SPEC, now=now,
                                selection=service.Filter(words=words, include_closed=True))
    heading = f"Decisions matching “{' '.join(words)}”" if words else "Decision log"
    reply(call, heading, record_list(SPEC, items, now, heading))
