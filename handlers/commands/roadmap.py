"""`/roadmap`: the program's milestones as a picture in the channel — baseline and forecast, the slip
between them, today, status by colour, shape and word, sprint boundaries — drawn after the ack, uploaded
once per content, posted once per request through the outbox."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.records.kinds.milestone import SPEC as MILESTONE
from bot.roadmap_posts import post_roadmap
from bot.services import milestones
from bot.services.errors import UserError
from bot.services.roadmap import roadmap_data
from bot.uploads import UploadError
from handlers.commands.router import CommandCall, CommandRouter
from handlers.programs import existing_program_here
from storage import raid as store

router = CommandRouter("/roadmap", "the roadmap as a picture", "/roadmap")


@router.bare(usage="/roadmap", summary="post the roadmap picture: milestones on a timeline, slips, today, status")
def roadmap_now(call: CommandCall) -> None:
    call.ack()
    program = existing_program_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)
    now = call.deps.clock.now()
    with call.deps.session() as session:
        plan = store.records(session=session, program_id=program.id, kind=MILESTONE.name, include_closed=True)
        open_items = store.open_items_of(session=session, program_ids=[program.id])
    if not plan:
        raise UserError("This program has no milestones yet, so there is no roadmap to draw.",
                        "/milestone Beta due mar 15 @dana")
    data = roadmap_data(program, plan, milestones.assess(program, plan, open_items, now), now)
    key = f"roadmap:{program.id}:{call.inbox_id or now.isoformat()}"
    try:
        post_roadmap(call.client, call.deps, program, call.channel_id, data, key=key)
    except (SlackApiError, UploadError) as exc:
        raise UserError("Slack didn't take the roadmap picture just now, so nothing was posted. Try `/roadmap` "
                        "again in a minute.", "/milestone list") from exc
