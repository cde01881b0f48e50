"""The roadmap picture in Slack: drawn (cached by content, bot/charts), uploaded once per workspace and
content (bot/uploads.py), shown in an ``image`` block by file id. The post goes through the outbox like
every other post (bot/posts.py), under the caller's key: a retried request posts it once."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks import kit
from bot.blocks.images import roadmap_alt_text, roadmap_image_block
from bot.blocks.text import clip, mrkdwn
from bot.charts.roadmap import RoadmapData, chart_digest, render_roadmap
from bot.deps import Deps
from bot.notifier import PICTURES
from bot.posts import post_message
from bot.uploads import upload_once
from storage import outbox
from storage.models import Program

LEGEND = "Hollow mark: baseline · filled mark: forecast · bar: slip · dashed line: today"


def roadmap_file_id(client: WebClient, deps: Deps, *, team_id: str, data: RoadmapData) -> str:
    """The Slack file id of this roadmap picture: drawn and uploaded only the first time its content is seen."""
    digest = chart_digest(data)
    return upload_once(client, deps, team_id=team_id, digest=digest, png=render_roadmap(data),
                       filename=f"roadmap-{digest[:12]}.png", title=data.title, alt_text=roadmap_alt_text(data))


def roadmap_blocks(file_id: str, data: RoadmapData) -> list[dict]:
    """The message (or App Home section) that shows the picture: the image and a one-line key to it."""
    return [roadmap_image_block(file_id, roadmap_alt_text(data), title=clip(data.title, 200)),
            {"type": "context", "elements": [kit.mrkdwn(LEGEND)]}]


def post_roadmap(client: WebClient, deps: Deps, program: Program, channel_id: str, data: RoadmapData,
                 key: str) -> str | None:
    """Post the roadmap picture to ``channel_id`` once under outbox ``key``; the file id shown, or None when
    ``key`` was posted (or queued) already. Call it after the ack: the first drawing of a picture takes a
    few hundred milliseconds and the upload three Slack calls. Raises SlackApiError / UploadError when
    Slack refuses the upload (nothing is queued then)."""
    with deps.session() as session:
        if outbox.by_key(session=session, key=key) is not None:
            return None
    file_id = roadmap_file_id(client, deps, team_id=program.team_id, data=data)
    text = mrkdwn(f"{data.title}: {len(data.milestones)} milestone{'s' if len(data.milestones) != 1 else ''}")
    post_message(client, deps, key=key, team_id=program.team_id, channel=channel_id, text=text,
                 blocks=roadmap_blocks(file_id, data), program_id=program.id)
    return file_id


# A queued message can carry pictures still to draw (under bot.notifier.PICTURES): the blocks go in at
# send time, once the picture is uploaded (once per content). The queue row keeps the plain document;
# Slack never sees that field.


def with_roadmap(payload: dict, data: RoadmapData, *, at: int) -> dict:
    """``payload`` with the roadmap picture to go in at block index ``at`` when it is sent."""
    from bot.services.roadmap import to_doc

    return {**payload, PICTURES: [*payload.get(PICTURES, []), {"at": at, "roadmap": to_doc(data)}]}


def resolve_pictures(client: WebClient, deps: Deps, team_id: str, payload: dict) -> dict:
    """The payload Slack gets: each picture drawn (cached), uploaded (once per content) and its blocks put
    in place. An upload Slack refuses raises, and the send is retried like any other."""
    from bot.services.roadmap import from_doc

    pictures = payload.get(PICTURES)
    if not pictures:
        return payload
    blocks = list(payload.get("blocks") or [])
    for picture in sorted(pictures, key=lambda p: p["at"], reverse=True):
        data = from_doc(picture["roadmap"])
        if not data.milestones:
            continue
        blocks[picture["at"]:picture["at"]] = roadmap_blocks(roadmap_file_id(client, deps, team_id=team_id,
                                                                             data=data), data)
    return {**{k: v for k, v in payload.items() if k != PICTURES}, "blocks": blocks}
