"""`/risk`: the risk register on the record core, plus what only risks have: `list top` with the 5×5
matrix, and `update` to rescore a risk or change its mitigation."""

from __future__ import annotations

from bot.blocks.records import changed_reply
from bot.blocks.risk import risk_list
from bot.records import service
from bot.records.kinds.risk import SPEC, split_options
from bot.services.errors import UserError
from bot.services.raid import top_risks
from handlers.commands.router import CommandCall
from handlers.records.commands import key_and_rest, reading_program, recording_program, record_router, reply
from handlers.records.common import change_and_sync, delivery_note

router = record_router(SPEC)


@router.sub("list", usage="/risk list [mine|all|top]", summary="open risks; top: the ten highest with a 5×5 matrix")
def risk_list_command(call: CommandCall) -> None:
    call.ack()
    word = call.text.strip().lower() or "all"
    if word not in ("mine", "all", "top"):
        raise UserError(f"`{call.text.strip()}` isn't a list filter: use mine, all or top.", "/risk list top")
    program = reading_program(call, SPEC)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        items = service.listing(session=session, program=program, spec=SPEC, now=now, selection=service.Filter(
            owner_id=call.user_id if word == "mine" else None))
    items = top_risks(items, limit=10 if word == "top" else len(items))
    heading = {"mine": "Your open risks", "all": "Open risks", "top": "Top risks"}[word]
    reply(call, heading, risk_list(items, heading, with_matrix=word == "top"))


@router.sub("update", usage="/risk update <R-n> [p:] [i:] [mitigation:]",
            summary="rescore a risk or change its mitigation")
def risk_update(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "update")
    leftover, options = split_options(rest)
    if leftover.strip():
        raise UserError(f"`{leftover.strip()}` isn't something I can update: give p:, i: or mitigation:.",
                        "/risk update R-3 p:2 mitigation: second vendor")
    if not options:
        raise UserError("Nothing to change: give p:, i: or mitigation:.", "/risk update R-3 p:2 mitigation: second vendor")
    program = recording_program(call)
    with call.deps.session() as session:
        item_id = service.find(session=session, program=program, spec=SPEC, key=key).id
    item, posted = change_and_sync(call.client, call.deps, item_id, program, lambda s, item, now: service.edit(
        session=s, program=program, item=item, actor=call.user_id, now=now, values=options), actor=call.user_id)
    reply(call, changed_reply(item, f"now scores {item.score} (P{item.probability} × I{item.impact})")
          + delivery_note(posted, program))



