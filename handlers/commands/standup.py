"""`/standup`: today's update in one line or a form, skip, out of office, status, set-up."""

from __future__ import annotations



from bot.blocks.standups import build_answer_modal, build_status, build_week
from bot.services.dates import DATE_EXAMPLE, DateError, parse_when
from bot.services.errors import UserError
from bot.services.standups import (
    UPDATE_EXAMPLE, config_of, current_answers, ensure_run, parse_update, program_day, record_skip, run_state,
    week_participation,
)
from handlers.commands.raid_flow import program_of, reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.members import user_timezone
from handlers.standup_flow import answer, refresh_digest
from handlers.views.standup_setup import open_standup_setup
from storage.programs import ensure_workspace, get_member, upsert_member

router = CommandRouter("/standup", "daily stand-ups", UPDATE_EXAMPLE)


@router.bare(usage="/standup", summary="open today's stand-up questions")
def standup_modal(call: CommandCall) -> None:
    call.ack()
    program = program_of(call)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        run = ensure_run(session=session, program=program, day=program_day(program, now), now=now)
        previous = current_answers(session=session, run=run).get(call.user_id)
    view = build_answer_modal(run.questions, {"program_id": program.id, "run_id": run.id}, previous)
    call.client.views_open(trigger_id=call.trigger_id, view=view)


@router.free_text(usage="/standup <text>", summary="today's update; sections y: t: b: separated by ; or new lines")
def standup_update(call: CommandCall) -> None:
    update = parse_update(call.text)  # before ack: a mistake is answered in the ack itself
    call.ack()
    program = program_of(call)
    run, late = answer(call.client, call.deps, program, call.user_id, update, "command")
    note = " (after the cutoff, so it's marked late)" if late else ""
    reply(call, f":white_check_mark: Got your stand-up for {run.day}{note}. Send another to replace it.")


@router.sub("skip", usage="/standup skip [reason]", summary="skip today")
def standup_skip(call: CommandCall) -> None:
    call.ack()
    program = program_of(call)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        run = ensure_run(session=session, program=program, day=program_day(program, now), now=now)
        record_skip(session=session, run=run, user_id=call.user_id, reason=call.text, now=now)
    refresh_digest(call.client, call.deps, program, run)
    reply(call, f":white_check_mark: Skipped today's stand-up ({run.day}). No reminder will come.")


@router.sub("ooo", usage="/standup ooo until <date>", summary="out of office: no prompts, shown in digests")
def standup_ooo(call: CommandCall) -> None:
    call.ack()
    words = call.text.split(None, 1)
    if not words or words[0].lower() not in ("until", "till", "til") or len(words) < 2:
        raise UserError("Say until when you are out.", "/standup ooo until dec 2")
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    now = call.deps.clock.now()
    try:
        when = parse_when(words[1], tz, now)
    except DateError as exc:
        raise UserError(f"{exc.problem} Dates can be like: {DATE_EXAMPLE}.", "/standup ooo until dec 2") from exc
    until = when.local.replace(hour=23, minute=59) if not when.has_time else when.local
    with call.deps.session() as session:
        ensure_workspace(session=session, team_id=call.team_id, now=now)
        member = get_member(session=session, team_id=call.team_id, user_id=call.user_id) or upsert_member(
            session=session, team_id=call.team_id, user_id=call.user_id, timezone=tz, display_name="", now=now)
        member.ooo_until = until
        session.add(member)
    reply(call, f":palm_tree: You're out until {when.describe()}: no stand-up prompts until then.")


@router.sub("setup", usage="/standup setup", summary="schedule: time, days, questions, people, DM or thread, reminder, digest")
def standup_setup(call: CommandCall) -> None:
    call.ack()
    open_standup_setup(call.client, call.deps, call.trigger_id, program_of(call), call.user_id)


@router.sub("status", usage="/standup status [week]", summary="who has answered today; week: participation over 7 days")
def standup_status(call: CommandCall) -> None:
    call.ack()
    scope = call.text.strip().lower()
    if scope not in ("", "week", "today"):
        raise UserError(f"`{scope}` isn't a status view: use `/standup status` or `/standup status week`.",
                        "/standup status week")
    program = program_of(call)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        if scope == "week":
            text = build_week(week_participation(session=session, program=program, today=program_day(program, now)))
        else:
            run = ensure_run(session=session, program=program, day=program_day(program, now), now=now,
                             config=config_of(session=session, program=program))
            text = build_status(run_state(session=session, run=run, team_id=program.team_id, at=now))
    reply(call, text)


