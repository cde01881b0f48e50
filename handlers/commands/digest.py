"""`/digest`: post today's stand-up digest now — the same one message the schedule posts."""

from __future__ import annotations

from bot.delivery_failures import REASONS
from bot.services.errors import UserError
from bot.services.standup_digest import digest_key
from handlers.commands.raid_flow import reply
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import existing_program_here
from handlers.standup_flow import post_digest_now
from storage.outbox import by_key

router = CommandRouter("/digest", "the stand-up digest", "/digest")


@router.bare(usage="/digest", summary="post today's stand-up digest now (edited in place if already posted)")
def digest_now(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    run = post_digest_now(call.client, call.deps, program)
    with call.deps.session() as session:
        message = by_key(session=session, key=digest_key(run))
    if message is not None and message.status == "dead":  # refused, or Slack refused it: say why, not "up to date"
        why = REASONS.get(message.last_error, message.last_error).format(
            where=f"<#{run.digest_channel}>", home=f"<#{program.channel_id}>")
        raise UserError(f"I didn't post the digest for {run.day} in <#{run.digest_channel}>: {why}.", "/standup setup")
    reply(call, f":white_check_mark: The digest for {run.day} is up to date in <#{run.digest_channel}>.")
