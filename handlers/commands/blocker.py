"""`/blocker`: capture, list and lifecycle of blockers."""

from __future__ import annotations

from bot.blocks.raid import build_blocker_list
from bot.services import raid
from bot.services.errors import UserError
from bot.services.raid_grammar import BLOCKER_EXAMPLE, MENTION, parse_severity
from handlers.commands.raid_flow import capture, change, open_modal, program_of, reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.raid_common import ensure_user, refresh_item_message
from storage import raid as store

router = CommandRouter("/blocker", "blockers: what stops work now", BLOCKER_EXAMPLE)


@router.bare(usage="/blocker", summary="open the new-blocker form")
def blocker_modal(call: CommandCall) -> None:
    open_modal(call, "blocker")


@router.free_text(usage="/blocker <text> [@owner] [due <date>] [sev:<low|medium|high|critical>]",
                  summary="log a blocker (owner defaults to you, severity to medium)")
def blocker_capture(call: CommandCall) -> None:
    capture(call, "blocker", BLOCKER_EXAMPLE)


@router.sub("list", usage="/blocker list [mine|all|@user|sev:<level>]", summary="open blockers, oldest first, with age")
def blocker_list(call: CommandCall) -> None:
    call.ack()
    words = call.text.split()
    owner, severity, heading = None, None, "Open blockers"
    for word in words:
        lowered = word.lower()
        if lowered == "mine":
            owner, heading = call.user_id, "Your open blockers"
        elif lowered == "all":
            continue
        elif match := MENTION.fullmatch(word):
            owner, heading = match.group(1), f"Open blockers owned by <@{match.group(1)}>"
        elif lowered.startswith(("sev:", "severity:")):
            severity = parse_severity(word.split(":", 1)[1])
            heading += f" (severity {severity})"
        else:
            raise UserError(f"`{word}` isn't a list filter: use mine, all, @someone or sev:<level>.",
                            "/blocker list sev:high")
    program = program_of(call)
    with call.deps.session() as session:
        items = store.open_items(session=session, program_id=program.id, kind="blocker", owner_id=owner,
                                 severity=severity)
    reply(call, heading, build_blocker_list(items, call.deps.clock.now(), heading))


@router.sub("resolve", usage="/blocker resolve <B-n> [note]", summary="mark a blocker resolved")
def blocker_resolve(call: CommandCall) -> None:
    change(call, "blocker", "resolve")


@router.sub("reopen", usage="/blocker reopen <B-n>", summary="reopen a resolved blocker")
def blocker_reopen(call: CommandCall) -> None:
    change(call, "blocker", "reopen")


@router.sub("assign", usage="/blocker assign <B-n> @user", summary="give a blocker a new owner")
def blocker_assign(call: CommandCall) -> None:
    call.ack()
    key, _, rest = call.text.partition(" ")
    match = MENTION.search(rest)
    if match is None:
        raise UserError("Say who should own it.", "/blocker assign B-7 @dana")
    ensure_user(call.client, match.group(1), "/blocker assign B-7 @dana")
    program = program_of(call)
    with call.deps.session() as session:
        item = raid.find_item(session=session, program=program, kind="blocker", key=key)
        raid.assign(session=session, program=program, item=item, actor=call.user_id, owner_id=match.group(1),
                    now=call.deps.clock.now())
    refresh_item_message(call.client, call.deps, item, program, actor=call.user_id)
    reply(call, f":white_check_mark: {item.key} is now owned by <@{item.owner_id}>.")
