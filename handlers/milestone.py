"""`/milestone`: milestones on the record core, plus what only they have: `move` (a new forecast with
its reason, kept as slip history), `status` (a lead's status, which wins for a week), `link`/`unlink`
(what is tied to it), `after` (the order milestones come in), and `list`, the roadmap in text."""

from __future__ import annotations

import re

from bot.blocks.milestones import milestone_list
from bot.blocks.records import changed_reply
from bot.records import grammar as g
from bot.records import service
from bot.records.kinds.milestone import LINK_EXAMPLE, MOVE_EXAMPLE, SPEC, STATUS_EXAMPLE, Track
from bot.services import milestones
from bot.services.errors import UserError
from handlers.change import request_instead_of_move
from handlers.commands.router import CommandCall
from handlers.members import user_timezone
from handlers.records.commands import key_and_rest, reading_program, recording_program, record_router, reply
from handlers.records.common import change_and_sync, delivery_note
from storage import raid as store

router = record_router(SPEC)
_REASON = re.compile(r"(?<!\S)(?:reason|why|because):\s*", re.I)
_TRACKS = {"on track": Track.ON_TRACK, "on-track": Track.ON_TRACK, "at risk": Track.AT_RISK,
           "at-risk": Track.AT_RISK, "off track": Track.OFF_TRACK, "off-track": Track.OFF_TRACK}


def _change(call: CommandCall, key: str, change, what) -> None:
    program = recording_program(call)
    with call.deps.session() as session:
        item_id = service.find(session=session, program=program, spec=SPEC, key=key).id
    item, posted = change_and_sync(call.client, call.deps, item_id, program,
                                   lambda s, item, now: change(s, program, item, now), actor=call.user_id)
    reply(call, changed_reply(item, what(item)) + delivery_note(posted, program))


@router.sub("list", usage="/milestone list [all]",
            summary="the roadmap in text: baseline, forecast, slip, status and links of each")
def milestone_list_command(call: CommandCall) -> None:
    call.ack()
    word = call.text.strip().lower()
    if word not in ("", "all"):
        raise UserError(f"`{call.text.strip()}` isn't a list filter: `/milestone list` shows the open ones, "
                        "`/milestone list all` the done ones too.", "/milestone list all")
    program = reading_program(call, SPEC)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        plan = store.records(session=session, program_id=program.id, kind=SPEC.name, include_closed=word == "all")
        open_items = store.open_items_of(session=session, program_ids=[program.id])
    plan.sort(key=lambda m: (m.due_at, m.number))
    assessed = milestones.assess(program, plan, open_items, now)
    heading = "Milestones" if word == "all" else "Open milestones"
    reply(call, heading, milestone_list(program, plan, assessed, heading))


@router.sub("move", usage="/milestone move <M-n> <date> reason: <text>",
            summary="a new forecast date, with its reason (kept as slip history)")
def move(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "move")
    match = _REASON.search(rest)
    if match is None:
        raise UserError("Say why it moves: add `reason: <text>` (it is kept in the slip history).", MOVE_EXAMPLE)
    phrase, reason = rest[: match.start()].strip(), rest[match.end():]
    if not phrase:
        raise UserError("Say the new date.", MOVE_EXAMPLE)
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    when = g.when(phrase, tz, call.deps.clock.now(), MOVE_EXAMPLE)
    if request_instead_of_move(call, key, when, reason):
        return
    _change(call, key, lambda s, program, item, now: milestones.move(
        session=s, program=program, item=item, actor=call.user_id, now=now, when=when, reason=reason),
        lambda item: f"is now forecast for {when.describe()}")


@router.sub("status", usage="/milestone status <M-n> on track|at risk|off track [note]",
            summary="leads: set its status (it wins over the rules for a week)")
def status(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "status")
    lowered = rest.lower()
    found = next(((words, track) for words, track in _TRACKS.items() if lowered.startswith(words)), None)
    if found is None:
        raise UserError("Say the status: on track, at risk or off track, then a note if you like.", STATUS_EXAMPLE)
    words, track = found
    note = rest[len(words):].strip(" -—:")
    _change(call, key, lambda s, program, item, now: milestones.set_status(
        session=s, program=program, item=item, actor=call.user_id, now=now, track=track, note=note),
        lambda item: f"is set {track.label} for the next seven days")


def _keys(rest: str) -> list[str]:
    return [k for k in re.split(r"[\s,]+", rest) if k]


@router.sub("link", usage="/milestone link <M-n> <KEY> [<KEY> …]",
            summary="tie blockers, risks, actions, decisions (and tracker issues: jira:KEY, github:milestone/n) to it")
def link(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "link")
    keys = _keys(rest)
    if not keys:
        raise UserError("Say what to link.", LINK_EXAMPLE)
    _change(call, key, lambda s, program, item, now: milestones.link(
        session=s, program=program, item=item, actor=call.user_id, now=now, raw_keys=keys),
        lambda item: f"is linked to {', '.join(item.details.get('links') or [])}")


@router.sub("unlink", usage="/milestone unlink <M-n> <KEY> [<KEY> …]", summary="untie something from it")
def unlink(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "unlink")
    keys = _keys(rest)
    _change(call, key, lambda s, program, item, now: milestones.unlink(
        session=s, program=program, item=item, actor=call.user_id, now=now, raw_keys=keys),
        lambda item: "is unlinked")


@router.sub("after", usage="/milestone after <M-n> <M-m> [<M-m> …]", summary="it comes after those milestones")
def after(call: CommandCall) -> None:
    call.ack()
    key, rest = key_and_rest(call, SPEC, "after")
    example = f"/milestone after {key or 'M-4'} M-2"
    keys = [f"M-{g.parse_key(k, 'M', 'milestone', example)}" for k in _keys(rest)]
    if not keys:
        raise UserError("Say which milestones it comes after.", example)
    _change(call, key, lambda s, program, item, now: milestones.set_after(
        session=s, program=program, item=item, actor=call.user_id, now=now, keys=keys),
        lambda item: f"comes after {', '.join(item.details.get('after') or [])}")
