"""The program of the channel a command was typed in.

Two ways to ask, by what the command does:

- ``existing_program_here`` for commands that only read or show (list, show, status, help, digest,
  settings, posting a report or an agenda now): the channel's program, or ``NoProgramHere`` saying how to
  start one. It never creates anything.
- ``program_here`` for commands that record something: the first such command in a channel binds it to
  a new program (zero set-up) and says so; an archived program refuses with ``ProgramArchived``.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.programs import build_bound_notice
from bot.blocks.text import mrkdwn
from bot.deps import Deps
from bot.services.errors import UserError
from bot.services.program_settings import SprintSettings, settings_of
from bot.services.programs import bind_channel
from handlers.members import user_timezone
from storage.models import Program
from storage.programs import program_for_channel


class NoProgramHere(UserError):
    """A read-only command in a channel that is no program's home: nothing was stored."""

    def __init__(self, channel_id: str) -> None:
        super().__init__(no_program_text(channel_id))
        self.channel_id = channel_id


class ProgramArchived(UserError):
    """A recording command in an archived program's channel: nothing was recorded."""

    def __init__(self, program: Program) -> None:
        super().__init__(f"This program ({mrkdwn(program.name, 200)}) is archived — nothing was recorded. "
                         "A lead can resume it with `/tpm unarchive`.")
        self.program = program


def no_program_text(channel_id: str) -> str:
    return (f"<#{channel_id}> has no program yet. Start one with `/tpm setup`, or log the first item "
            "with `/blocker …`")


def refuse_if_archived(program: Program) -> Program:
    """For a recording path that found its program another way (a button, a thread reply, a modal)."""
    if program.is_archived:
        raise ProgramArchived(program)
    return program


def existing_program_here(deps: Deps, *, team_id: str, channel_id: str) -> Program:
    """The channel's program, archived or not; ``NoProgramHere`` if the channel has none (nothing is stored)."""
    with deps.session() as session:
        program = program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
    if program is None:
        raise NoProgramHere(channel_id)
    return program


def program_here(
    client: WebClient, respond: Respond | None, deps: Deps, *, team_id: str, channel_id: str, channel_name: str,
    user_id: str,
) -> Program:
    """The channel's program, for a command that records something: the first such command in a channel
    creates the program and says so; an archived program raises ``ProgramArchived``."""
    with deps.session() as session:
        existing = program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
    if existing is not None:
        return refuse_if_archived(existing)
    tz = user_timezone(client, deps, team_id, user_id)
    with deps.session() as session:
        binding = bind_channel(session=session, team_id=team_id, channel_id=channel_id, channel_name=channel_name,
                               user_id=user_id, user_timezone=tz, now=deps.clock.now())
    if binding.created:
        notice = build_bound_notice(binding.program)
        if respond is not None:
            respond(text=notice, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=notice)
        return binding.program
    return refuse_if_archived(binding.program)  # another request bound it first; it may be archived since


def sprints_here(deps: Deps, *, team_id: str, channel_id: str) -> Callable[[], SprintSettings | None]:
    """The channel's program's sprints, read when called (bot/services/dates.py `date_context`): the router
    hands this to every command, so `due end of sprint` works in any grammar, and costs a query only when
    a sprint phrase is typed."""
    def read() -> SprintSettings | None:
        with deps.session() as session:
            program = program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
        return settings_of(program).sprints if program is not None else None

    return read
