"""`/digest`: post today's stand-up digest now — the same one message the schedule posts."""

from __future__ import annotations

from handlers.commands.raid_flow import reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import existing_program_here
from handlers.standup_flow import post_digest_now

router = CommandRouter("/digest", "the stand-up digest", "/digest")


@router.bare(usage="/digest", summary="post today's stand-up digest now (edited in place if already posted)")
def digest_now(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    run = post_digest_now(call.client, call.deps, program)
    reply(call, f":white_check_mark: The digest for {run.day} is up to date in <#{run.digest_channel}>.")
