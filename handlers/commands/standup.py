"""`/standup`: today's update in one line or a form, skip, out of office, status, set-up."""

from __future__ import annotations

from bot.blocks.standups import build_answer_modal, build_status, build_week
from bot.services.dates import DATE_EXAMPLE, DateError, due_at, parse_when, slack_date
from bot.services.errors import UserError
from bot.services.standups import (
    UPDATE_EXAMPLE, check_skip_reason, config_of, current_answers, end_out_of_office, ensure_run, parse_update,
    program_day, record_skip, run_state, set_out_of_office, week_participation,
)
from handlers.commands.raid_flow import program_of, reply
from handlers.programs import existing_program_here
from handlers.commands.router import CommandCall, CommandRouter
from handlers.members import user_timezone
from handlers.standup_flow import answer, refresh_digest
from handlers.views.standup_setup import open_standup_setup

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
    reason = check_skip_reason(call.text)  # before ack: too long a reason is answered in the ack itself
    call.ack()
    program = program_of(call)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        run = ensure_run(session=session, program=program, day=program_day(program, now), now=now)
        record_skip(session=session, run=run, user_id=call.user_id, reason=reason, now=now)
    refresh_digest(call.client, call.deps, program, run)
    reply(call, f":white_check_mark: Skipped today's stand-up ({run.day}). No reminder will come.")


OOO_EXAMPLE = "/standup ooo until dec 2"


@router.sub("ooo", usage="/standup ooo until <date>", summary="out of office: no prompts, shown as away in digests")
def standup_ooo(call: CommandCall) -> None:
    call.ack()
    words = call.text.split(None, 1)
    if not words or words[0].lower() not in ("until", "till", "til") or len(words) < 2:
        raise UserError("Say until when you are out.", OOO_EXAMPLE)
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    now = call.deps.clock.now()
    try:
        when = parse_when(words[1], tz, now)
    except DateError as exc:
        if exc.example and exc.example != DATE_EXAMPLE:  # a specific correction, like the year to add
            raise UserError(exc.problem, f"/standup ooo until {exc.example}") from exc
        raise UserError(f"{exc.problem} Dates can be like: {DATE_EXAMPLE}.", OOO_EXAMPLE) from exc
    until = due_at(when)  # a day without a time: out through the end of that day
    with call.deps.session() as session:
        set_out_of_office(session=session, team_id=call.team_id, user_id=call.user_id, tz=tz, until=until, now=now)
    at = f", {when.local:%H:%M}" if when.has_time else ""
    reply(call, f":palm_tree: You're out of office through {slack_date(until, tz)}{at} ({tz}): no stand-up prompts "
                "until then, and digests show you as away, not missing. Back early? `/standup back`.")


@router.sub("back", usage="/standup back", summary="back early: end your out of office from today")
def standup_back(call: CommandCall) -> None:
    call.ack()
    tz = user_timezone(call.client, call.deps, call.team_id, call.user_id)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        was = end_out_of_office(session=session, team_id=call.team_id, user_id=call.user_id, tz=tz, now=now)
    if was is None:
        reply(call, "You weren't out of office, so nothing changed. To be out: `/standup ooo until dec 2`.")
        return
    reply(call, f":wave: Welcome back! Your out of office (through {slack_date(was, tz)}) has ended: "
                "today's stand-up counts again, and prompts resume with the next one.")


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
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)  # reads only
    now = call.deps.clock.now()
    with call.deps.session() as session:
        if scope == "week":
            text = build_week(week_participation(session=session, program=program, today=program_day(program, now)))
        else:
            run = ensure_run(session=session, program=program, day=program_day(program, now), now=now,
                             config=config_of(session=session, program=program))
            text = build_status(run_state(session=session, run=run, team_id=program.team_id, at=now,
                                          program=program))
    reply(call, text)


