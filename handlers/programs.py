"""The program of the channel a command was typed in, bound on first use (zero set-up)."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.programs import build_bound_notice
from bot.deps import Deps
from bot.services.programs import bind_channel
from handlers.members import user_timezone
from storage.models import Program
from storage.programs import program_for_channel


def program_here(
    client: WebClient, respond: Respond | None, deps: Deps, *, team_id: str, channel_id: str, channel_name: str,
    user_id: str,
) -> Program:
    """Return the channel's program; the first command in a channel creates it and says so."""
    with deps.session() as session:
        existing = program_for_channel(session=session, team_id=team_id, channel_id=channel_id)
    if existing is not None:
        deps.bound_channels.add((team_id, channel_id))
        return existing
    tz = user_timezone(client, deps, team_id, user_id)
    with deps.session() as session:
        binding = bind_channel(session=session, team_id=team_id, channel_id=channel_id, channel_name=channel_name,
                               user_id=user_id, user_timezone=tz, now=deps.clock.now())
    deps.bound_channels.add((team_id, channel_id))
    if binding.created:
        notice = build_bound_notice(binding.program)
        if respond is not None:
            respond(text=notice, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=notice)
    return binding.program


def ensure_bound(
    client: WebClient, respond: Respond, deps: Deps, *, team_id: str, channel_id: str, channel_name: str, user_id: str
) -> None:
    """Bind the channel on its first command; free (no database work) once the process has seen it bound."""
    if (team_id, channel_id) not in deps.bound_channels:
        program_here(client, respond, deps, team_id=team_id, channel_id=channel_id, channel_name=channel_name,
                     user_id=user_id)
