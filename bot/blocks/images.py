"""Image blocks for pictures the bot uploaded: ``slack_file`` by id (no public URL), a plain-text title and
an alt text a screen reader can read out in place of the picture."""

from __future__ import annotations

from bot.blocks.kit import Block, plain_text
from bot.blocks.text import clip
from bot.charts.common import status_style
from bot.charts.roadmap import RoadmapData, ordered

ALT_TEXT_LIMIT = 2000  # Slack's limit for an image block's alt_text
TITLE_LIMIT = 2000


def image_block(file_id: str, alt: str, *, title: str | None = None, block_id: str | None = None) -> Block:
    """An ``image`` block showing the uploaded file ``file_id``."""
    block: Block = {"type": "image", "slack_file": {"id": file_id}, "alt_text": clip(alt, ALT_TEXT_LIMIT) or "Picture"}
    if title:
        block["title"] = plain_text(clip(title, TITLE_LIMIT))
    if block_id:
        block["block_id"] = block_id
    return block


def roadmap_image_block(file_id: str, alt: str, *, title: str | None = None, block_id: str | None = None) -> Block:
    """The roadmap picture (uploaded as ``file_id``), for a message, App Home or the status report."""
    return image_block(file_id, alt, title=title, block_id=block_id)


def roadmap_alt_text(data: RoadmapData) -> str:
    """The roadmap in words, row by row as the picture shows it: key, name, forecast, slip, status."""
    if not data.milestones:
        return f"{data.title}: no milestones yet."
    parts = []
    for milestone in ordered(data.milestones):
        slip = (milestone.forecast - milestone.baseline).days
        moved = f", {slip:+d} days from baseline {milestone.baseline:%d %b}" if slip else ""
        progress = f", {round(milestone.progress * 100)}% done" if milestone.progress is not None else ""
        parts.append(f"{milestone.key} {milestone.name}: forecast {milestone.forecast:%d %b %Y}{moved}, "
                     f"{status_style(milestone.status).label.lower()}{progress}.")
    return clip(f"{data.title}, today {data.today:%d %b %Y}. " + " ".join(parts), ALT_TEXT_LIMIT)
