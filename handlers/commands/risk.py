"""`/risk`: the risk register."""

from __future__ import annotations

from bot.blocks.raid import build_risk_list
from bot.services import raid
from bot.services.errors import UserError
from bot.services.raid_grammar import RISK_EXAMPLE, parse_risk
from handlers.commands.raid_flow import capture, change, open_modal, program_of, reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.raid_common import refresh_item_message
from storage import raid as store

router = CommandRouter("/risk", "risks: what may go wrong, scored probability × impact", RISK_EXAMPLE)


@router.bare(usage="/risk", summary="open the new-risk form")
def risk_modal(call: CommandCall) -> None:
    open_modal(call, "risk")


@router.free_text(usage="/risk <text> [p:<1-5>] [i:<1-5>] [@owner] [review <date>] [mitigation: <text>]",
                  summary="log a risk, score P×I (defaults p:3 i:3)")
def risk_capture(call: CommandCall) -> None:
    capture(call, "risk", RISK_EXAMPLE)


@router.sub("list", usage="/risk list [mine|all|top]", summary="open risks; top: the ten highest with a 5×5 matrix")
def risk_list(call: CommandCall) -> None:
    call.ack()
    word = call.text.strip().lower() or "all"
    if word not in ("mine", "all", "top"):
        raise UserError(f"`{call.text.strip()}` isn't a list filter: use mine, all or top.", "/risk list top")
    program = program_of(call)
    with call.deps.session() as session:
        items = store.open_items(session=session, program_id=program.id, kind="risk",
                                 owner_id=call.user_id if word == "mine" else None)
    items = raid.top_risks(items, limit=10 if word == "top" else len(items))
    heading = {"mine": "Your open risks", "all": "Open risks", "top": "Top risks"}[word]
    reply(call, heading, build_risk_list(items, heading, with_matrix=word == "top"))


@router.sub("update", usage="/risk update <R-n> [p:] [i:] [mitigation:]", summary="rescore a risk or change its mitigation")
def risk_update(call: CommandCall) -> None:
    call.ack()
    key, _, rest = call.text.partition(" ")
    now = call.deps.clock.now()
    draft = parse_risk("update " + rest, "UTC", now)  # reuse the grammar for p:, i: and mitigation:
    given = {word.split(":")[0].lower() for word in rest.split() if ":" in word}
    program = program_of(call)
    with call.deps.session() as session:
        item = raid.find_item(session=session, program=program, kind="risk", key=key)
        raid.update_risk(session=session, program=program, item=item, actor=call.user_id, now=now,
                         probability=draft.probability if given & {"p", "prob", "probability"} else None,
                         impact=draft.impact if given & {"i", "impact"} else None,
                         mitigation=draft.mitigation or None)
    refresh_item_message(call.client, call.deps, item, program, actor=call.user_id)
    reply(call, f":white_check_mark: {item.key} now scores {item.score} (P{item.probability} × I{item.impact}).")


@router.sub("close", usage="/risk close <R-n> [note]", summary="close a risk")
def risk_close(call: CommandCall) -> None:
    change(call, "risk", "close")
