"""`/tpm`: help, settings, set-up, archiving of the channel's program."""

from __future__ import annotations

from bot.blocks.help import build_help, help_fallback_text
from bot.blocks.escalations import build_escalation_list
from bot.blocks.portfolio import build_portfolio, portfolio_text
from bot.blocks.programs import build_settings, describe_ladder, settings_text
from bot.channel_lookup import lookup
from bot.services.destinations import Channel, problem
from bot.services.portfolio import DIGEST_EXAMPLE, parse_digest, parse_sort, sort_lines
from bot.blocks.text import mrkdwn
from bot.services import programs
from bot.services.errors import UserError
from bot.services.program_settings import update_settings
from bot.services.timezones import zone
from handlers.charter_flow import charter_command
from handlers.commands.router import CommandCall, CommandRouter
from handlers.escalation_sync import recheck_program
from handlers.portfolio import unchecked_note, visible_portfolio
from handlers.programs import NoProgramHere, existing_program_here, program_here
from handlers.setup_modal import ensure_lead, open_setup_modal
from handlers.stakeholders import stakeholders_command
from handlers.trackers import connect_command
from storage.escalations import live as live_escalations
from storage.models import Program

router = CommandRouter("/tpm", "the program this channel is home to", "/tpm setup")


def _program(call: CommandCall) -> Program:
    """For a subcommand that records something: binds the channel on first use."""
    return program_here(call.client, call.respond, call.deps, team_id=call.team_id, channel_id=call.channel_id,
                        channel_name=call.channel_name, user_id=call.user_id)


def _existing(call: CommandCall) -> Program:
    """For a subcommand that only reads: the channel's program, or a reply saying how to start one."""
    return existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)


def _reply(call: CommandCall, text: str, blocks: list[dict] | None = None, *, in_channel: bool = False) -> None:
    call.respond(text=text, blocks=blocks, response_type="in_channel" if in_channel else "ephemeral",
                 replace_original=False)


@router.sub("help", usage="/tpm help", summary="what tpmbot does and every command")
def tpm_help(call: CommandCall) -> None:
    from handlers.commands import help_sections

    sections = help_sections()
    call.ack(text=help_fallback_text(sections), blocks=build_help(sections))
    try:
        _existing(call)
    except NoProgramHere as missing:
        _reply(call, missing.problem)  # help is read-only: it says how to start, and stores nothing


@router.bare(usage="/tpm", summary="same as /tpm help")
def tpm_bare(call: CommandCall) -> None:
    tpm_help(call)


@router.sub("setup", usage="/tpm setup", summary="set up this channel's program: name, leads, escalations, timezone, days")
def tpm_setup(call: CommandCall) -> None:
    call.ack()
    program = _program(call)
    ensure_lead(program, call.user_id)
    open_setup_modal(call.client, call.trigger_id, program)


@router.sub("settings", usage="/tpm settings", summary="show this program's settings")
def tpm_settings(call: CommandCall) -> None:
    call.ack()
    program = _existing(call)
    today = call.deps.clock.now().astimezone(zone(program.timezone)).date()
    _reply(call, settings_text(program), build_settings(program, today))


@router.sub("charter", usage="/tpm charter [show|history]",
            summary="the program's charter: leads edit it in a modal; `show` posts it here; `history` lists its changes")
def tpm_charter(call: CommandCall) -> None:
    charter_command(call)


@router.sub("stakeholders", usage="/tpm stakeholders",
            summary="sponsor, approvers of change requests (all, any or a majority), consulted, informed, and the "
                    "communication plan (which output goes where, how often); leads edit")
def tpm_stakeholders(call: CommandCall) -> None:
    stakeholders_command(call)


@router.sub("connect", usage="/tpm connect [github <owner/repo> | jira <PROJECT-KEY> [jql: <query>]]",
            summary="what the program is connected to; leads link it to where its work lives (credentials from "
                    "the environment): a failing build on the default branch then opens a blocker")
def tpm_connect(call: CommandCall) -> None:
    connect_command(call)


@router.sub("archive", usage="/tpm archive",
            summary="leads: stop this program's schedules (prompts, digests, reports, agendas, escalations); "
                    "its record stays")
def tpm_archive(call: CommandCall) -> None:
    call.ack()
    program = _existing(call)
    with call.deps.session() as session:
        programs.archive(session=session, program=program, user_id=call.user_id, now=call.deps.clock.now())
    _reply(call, f":file_cabinet: <@{call.user_id}> archived *{mrkdwn(program.name, 200)}*: no more stand-up "
                 "prompts, digests, status reports, agendas or escalations for it. Its items stay and its "
                 "commands still show them; `/tpm unarchive` resumes it.", in_channel=True)


@router.sub("unarchive", usage="/tpm unarchive", summary="leads: resume an archived program's schedules")
def tpm_unarchive(call: CommandCall) -> None:
    call.ack()
    program = _existing(call)
    with call.deps.session() as session:
        programs.unarchive(session=session, program=program, user_id=call.user_id, now=call.deps.clock.now())
    _reply(call, f":arrow_forward: <@{call.user_id}> resumed *{mrkdwn(program.name, 200)}*: its schedules run "
                 "again from now on.", in_channel=True)


ESCALATIONS_EXAMPLE = "/tpm escalations ladder 4 8"


@router.sub("escalations", usage="/tpm escalations [ladder <hours> <hours>] [threshold <score>]",
            summary="live escalations; leads set the ladder's steps (business hours) and the risk threshold")
def tpm_escalations(call: CommandCall) -> None:
    words = call.text.lower().split()
    updates = _escalation_settings(words) if words else {}
    call.ack()
    if updates:
        program = _program(call)
        ensure_lead(program, call.user_id)
        with call.deps.session() as session:
            stored = update_settings(session=session, program=program, section="escalations",
                                     now=call.deps.clock.now(), **updates)
            said = describe_ladder(stored)
        if "risk_threshold" in updates:
            opened, cleared = recheck_program(call.client, call.deps, program.id, actor=call.user_id)
            said += _rechecked(opened, cleared)
        call.respond(text=f":white_check_mark: Escalations of {program.name}: {said}.", response_type="ephemeral",
                     replace_original=False)
        return
    program = _existing(call)
    with call.deps.session() as session:
        rows = live_escalations(session=session, program_id=program.id)
    call.respond(text=f"{len(rows)} live escalation(s) in {program.name}", response_type="ephemeral",
                 blocks=build_escalation_list(rows, call.deps.clock.now(), program), replace_original=False)


def _rechecked(opened: int, cleared: int) -> str:
    changes = [f"{n} risk escalation{'s' if n != 1 else ''} {verb}"
               for n, verb in ((opened, "opened"), (cleared, "cleared")) if n]
    return f"; under the new threshold {' and '.join(changes)}" if changes else ""


def _escalation_settings(words: list[str]) -> dict:
    """`ladder 4 8` and/or `threshold 12`, checked before anything is acked or stored."""
    updates: dict = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "ladder" and len(rest) >= 2 and all(_hours(w) is not None for w in rest[:2]):
            updates["steps_hours"] = [_hours(rest.pop(0)), _hours(rest.pop(0))]
        elif word == "threshold" and rest and rest[0].isdigit() and 1 <= int(rest[0]) <= 25:
            updates["risk_threshold"] = int(rest.pop(0))
        else:
            raise UserError("Give `ladder` two step lengths in business hours (0.5–40), and/or `threshold` "
                            "a risk score from 1 to 25.", ESCALATIONS_EXAMPLE)
    return updates


def _hours(word: str) -> float | None:
    try:
        value = float(word.removesuffix("h"))
    except ValueError:
        return None
    return value if 0.5 <= value <= 40 else None


@router.sub("portfolio", usage="/tpm portfolio [rag|name|next] | digest #channel [day HH:MM] | digest off",
            summary="every program you may see, one line each: RAG, next milestone and its slip, critical items, "
                    "last report; leads choose a weekly digest's channel")
def tpm_portfolio(call: CommandCall) -> None:
    word, _, rest = call.text.strip().partition(" ")
    if word.lower() == "digest":
        _portfolio_digest(call, rest)
        return
    sort = parse_sort(call.text)  # before the ack: a wrong word is answered at once, nothing read
    call.ack()
    lines, unchecked = visible_portfolio(call.client, call.deps, call.team_id, call.user_id)
    lines = sort_lines(lines, sort)
    _reply(call, portfolio_text(lines), build_portfolio(lines, sort=sort, note=unchecked_note(unchecked)))


def _portfolio_digest(call: CommandCall, text: str) -> None:
    """`digest #channel [day HH:MM]` or `digest off`, checked before anything is acked or stored."""
    schedule = parse_digest(text)
    call.ack()
    program = _program(call)
    ensure_lead(program, call.user_id)
    said = ""
    if schedule.enabled:
        target = lookup(call.client, schedule.channel)
        # Any program's lines may go to a channel the bot is in: the digest itself leaves out the private
        # programs that channel's members may not read (bot/services/portfolio.py), so no home is leaked.
        refused = problem(Channel("", is_private=False), target, "portfolio")
        if refused:
            raise UserError(refused, DIGEST_EXAMPLE)
        said = (" It is public, so private programs are left out." if not target.is_private else
                " A private program is listed only while every member of that channel is a member of its channel.")
    with call.deps.session() as session:
        update_settings(session=session, program=program, section="portfolio", now=call.deps.clock.now(),
                        **schedule.__dict__)
    _reply(call, f":white_check_mark: The weekly portfolio digest set from {mrkdwn(program.name, 200)}: "
                 f"{schedule.describe(program)}.{said}")
