"""The roadmap picture: one row per milestone (ordered by forecast), its baseline mark (hollow) and forecast
mark (filled) joined by a slip bar, today's line, sprint boundaries and month ticks. Status is told three
ways at once: an Okabe–Ito colour, a marker shape and a word next to the mark (bot/charts/common.py).

Pure: no Slack, no database. The milestone kind builds a ``RoadmapData``; bot/roadmap_posts.py uploads the
PNG and posts it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from bot.charts.common import (
    DPI, FONT_SIZE, GREY, INK, LIGHT_GREY, STATUS_STYLES, RenderCache, digest_of, figure_height, month_ticks,
    new_figure, png_bytes, set_margins, status_style, style_axes, text_width_px,
)

STYLE_VERSION = "roadmap/1"  # bump when the drawing changes, so cached and uploaded pictures are redrawn
NAME_WIDTH = 38  # characters of a milestone's name shown beside its key
MARKER_SIZE = 9


@dataclass(frozen=True)
class ChartMilestone:
    key: str            # "M-3"
    name: str           # plain text (not escaped)
    baseline: date
    forecast: date
    status: str         # "on_track" | "at_risk" | "off_track" | "done"
    progress: float | None = None   # 0..1 (from a tracker), shown as a label when given


@dataclass(frozen=True)
class RoadmapData:
    title: str
    today: date
    milestones: tuple[ChartMilestone, ...]
    sprint_starts: tuple[date, ...] = ()   # sprint boundaries to draw as light vertical lines


CACHE = RenderCache(size=64)


def chart_digest(data: RoadmapData) -> str:
    """A content hash: the same data (and drawing style) gives the same digest, any change another."""
    return digest_of(STYLE_VERSION, asdict(data))


def render_roadmap(data: RoadmapData) -> bytes:
    """The roadmap as a PNG, drawn once per content (the in-process cache keyed by `chart_digest`)."""
    return CACHE.get(chart_digest(data), lambda: draw_roadmap(data))


def draw_roadmap(data: RoadmapData) -> bytes:
    """Draw the PNG, without the cache."""
    return png_bytes(roadmap_figure(data))


def ordered(milestones: tuple[ChartMilestone, ...]) -> list[ChartMilestone]:
    """Rows top to bottom: by forecast, then baseline, then key number."""
    def key_number(milestone: ChartMilestone) -> tuple[int, str]:
        digits = milestone.key.rpartition("-")[2]
        return (int(digits), milestone.key) if digits.isdigit() else (10**9, milestone.key)
    return sorted(milestones, key=lambda m: (m.forecast, m.baseline, key_number(m)))


def status_text(milestone: ChartMilestone) -> str:
    """The words beside the forecast mark: status, slip against the baseline, progress."""
    parts = [status_style(milestone.status).label]
    slip = (milestone.forecast - milestone.baseline).days
    if slip:
        parts.append(f"{slip:+d}d")
    if milestone.progress is not None:
        parts.append(f"{round(max(0.0, min(1.0, milestone.progress)) * 100)}%")
    return " · ".join(parts)


def row_label(milestone: ChartMilestone) -> str:
    name = " ".join(milestone.name.split())
    if len(name) > NAME_WIDTH:
        name = name[:NAME_WIDTH - 1].rstrip() + "…"
    return f"{milestone.key}  {name}"


def span(data: RoadmapData) -> tuple[date, date]:
    """The dates shown: every mark, today and a margin (more on the right, for the status words)."""
    dates = [data.today] + [d for m in data.milestones for d in (m.baseline, m.forecast)]
    start, end = min(dates), max(dates)
    length = max((end - start).days, 28)
    return start - timedelta(days=max(5, length // 30)), end + timedelta(days=max(14, length // 6))


def roadmap_figure(data: RoadmapData) -> Any:
    """The ``Figure`` (tests inspect its artists; `draw_roadmap` saves it)."""
    from matplotlib.dates import date2num
    from matplotlib.lines import Line2D

    rows = ordered(data.milestones)
    figure = new_figure(figure_height(len(rows)))
    axes = figure.add_subplot(1, 1, 1)
    style_axes(axes)
    axes.set_title(data.title, loc="left", fontsize=FONT_SIZE + 3, color=INK, parse_math=False)
    start, end = span(data)
    axes.set_xlim(date2num(start), date2num(end))
    month_ticks(axes, start, end)
    sprints = [date2num(boundary) for boundary in data.sprint_starts if start <= boundary <= end]
    if sprints:  # one collection for every boundary: one artist to draw, however many sprints
        axes.vlines(sprints, 0, 1, transform=axes.get_xaxis_transform(), colors=LIGHT_GREY, linewidth=1.0,
                    zorder=1, gid="sprints")
    axes.axvline(date2num(data.today), color=INK, linewidth=1.4, linestyle="--", zorder=2, gid="today")
    if not rows:
        axes.set_ylim(-1, 1)
        axes.set_yticks([])
        axes.text(0.5, 0.5, "No milestones yet", transform=axes.transAxes, ha="center", va="center",
                  color=GREY, fontsize=FONT_SIZE + 2)
    else:
        axes.set_ylim(len(rows) - 0.4, -0.9)  # first row at the top, room above it for "Today"
        axes.set_yticks([])  # the row labels are plain texts: 30 tick objects cost more than the rest
        left = axes.get_yaxis_transform()  # x in axes fractions, y in rows
        for y, milestone in enumerate(rows):
            axes.text(-0.01, y, row_label(milestone), transform=left, ha="right", va="center", fontsize=FONT_SIZE,
                      color=INK, parse_math=False, gid=f"row:{milestone.key}")
        _draw_rows(axes, rows, date2num)
    axes.text(date2num(data.today), -0.75, " Today", color=INK, fontsize=FONT_SIZE - 1, va="center",
              ha="left", gid="today-label")
    handles = [Line2D([], [], linestyle="none", marker=style.marker, markersize=MARKER_SIZE - 1,
                      markerfacecolor=style.colour, markeredgecolor=INK, markeredgewidth=0.6, label=style.label)
               for style in STATUS_STYLES.values()]
    handles += [
        Line2D([], [], linestyle="none", marker="o", markersize=MARKER_SIZE - 1, markerfacecolor="white",
               markeredgecolor=INK, markeredgewidth=1.4, label="Baseline (hollow)"),
        Line2D([], [], linestyle="none", marker="o", markersize=MARKER_SIZE - 1, markerfacecolor=INK,
               markeredgecolor=INK, label="Forecast (filled)"),
        Line2D([], [], color=INK, linestyle="--", linewidth=1.4, label="Today"),
    ]
    if data.sprint_starts:
        handles.append(Line2D([], [], color=LIGHT_GREY, linewidth=1.0, label="Sprint start"))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=FONT_SIZE - 1,
                  handletextpad=0.4, columnspacing=1.0, borderaxespad=0.3)
    longest = sorted((row_label(m) for m in rows), key=len)[-3:]  # measuring every label costs a layout each
    set_margins(figure, left_px=text_width_px(figure, longest, FONT_SIZE) + 22 if longest else 24)
    return figure


def _draw_rows(axes: Any, rows: list[ChartMilestone], date2num) -> None:
    """The marks, a few artists per status (not per milestone: each artist costs its own draw): slip bars
    as one collection, hollow baselines and filled forecasts as one marker line each; then the words."""
    from matplotlib.collections import LineCollection
    from matplotlib.transforms import offset_copy

    for status in dict.fromkeys(m.status for m in rows):
        style = status_style(status)
        mine = [(y, m) for y, m in enumerate(rows) if m.status == status]
        slips = [[(date2num(m.baseline), y), (date2num(m.forecast), y)] for y, m in mine if m.baseline != m.forecast]
        if slips:
            axes.add_collection(LineCollection(slips, colors=style.colour, linewidths=4, alpha=0.45, zorder=3,
                                               capstyle="butt", gid=f"slips:{status}"), autolim=False)
        ys = [y for y, _ in mine]
        axes.plot([date2num(m.baseline) for _, m in mine], ys, linestyle="none", marker=style.marker,
                  markersize=MARKER_SIZE, markerfacecolor="white", markeredgecolor=style.colour,
                  markeredgewidth=1.8, zorder=4, gid=f"baselines:{status}")
        axes.plot([date2num(m.forecast) for _, m in mine], ys, linestyle="none", marker=style.marker,
                  markersize=MARKER_SIZE, markerfacecolor=style.colour, markeredgecolor=INK, markeredgewidth=0.6,
                  zorder=5, gid=f"forecasts:{status}")
    beside = offset_copy(axes.transData, fig=axes.figure, x=9, y=0, units="points")
    for y, milestone in enumerate(rows):
        axes.text(date2num(max(milestone.baseline, milestone.forecast)), y, status_text(milestone), transform=beside,
                  va="center", ha="left", fontsize=FONT_SIZE - 1, color=INK, clip_on=False, parse_math=False,
                  gid=f"status:{milestone.key}")


__all__ = ["CACHE", "ChartMilestone", "DPI", "RoadmapData", "chart_digest", "draw_roadmap", "render_roadmap",
           "roadmap_figure"]
