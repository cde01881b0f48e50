"""What only risks show: the top list with the 5×5 probability × impact matrix."""

from __future__ import annotations

from bot.blocks.kit import section
from bot.blocks.records import summary
from bot.blocks.text import mrkdwn
from bot.services.raid import risk_matrix
from storage.raid_models import Item

MAX_LIST = 40


def matrix_text(items: list[Item]) -> str:
    grid = risk_matrix(items)
    lines = ["```", "impact ↓  probability →", "     1  2  3  4  5"]
    for row_index, row in enumerate(grid):
        lines.append(f"  {5 - row_index}  " + "  ".join(str(n) if n else "·" for n in row))
    lines.append("```")
    return "\n".join(lines)


def risk_list(items: list[Item], heading: str, with_matrix: bool) -> list[dict]:
    if not items:
        return [section(f"{mrkdwn(heading)}: none open.")]
    rows = [f"{summary(r, 200)} — <@{r.owner_id}>" for r in items[:MAX_LIST]]
    blocks = [section(f"*{mrkdwn(heading)}* ({len(items)})")]
    for start in range(0, len(rows), 10):
        blocks.append(section("\n".join(rows[start:start + 10])[:3000]))
    if with_matrix:
        blocks.append(section(matrix_text(items)))
    return blocks
