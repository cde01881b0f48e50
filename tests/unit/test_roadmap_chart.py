"""The roadmap picture: a sane PNG, status readable without colour, one drawing per content."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.blocks.images import roadmap_alt_text, roadmap_image_block
from bot.charts import roadmap
from bot.charts.common import STATUS_STYLES, RenderCache
from bot.charts.roadmap import ChartMilestone, RoadmapData, chart_digest, render_roadmap, roadmap_figure

TODAY = date(2026, 12, 3)
STATUSES = ["on_track", "at_risk", "off_track", "done", "at_risk", "on_track"]


def six_milestones() -> RoadmapData:
    milestones = tuple(
        ChartMilestone(key=f"M-{i}", name=f"Milestone {i} <!channel> & $x$", status=STATUSES[i - 1],
                       baseline=TODAY + timedelta(days=14 * i), forecast=TODAY + timedelta(days=14 * i + 3 * (i % 3)),
                       progress=0.25 if i == 2 else None)
        for i in range(6, 0, -1))  # given out of order: rows are by forecast
    sprints = tuple(date(2026, 11, 30) + timedelta(days=14 * k) for k in range(8))
    return RoadmapData(title="Apollo roadmap", today=TODAY, milestones=milestones, sprint_starts=sprints)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(roadmap, "CACHE", RenderCache(size=4))


def test_six_milestones_make_a_small_png_about_1200_px_wide():
    png = render_roadmap(six_milestones())
    width, height = png_size(png)
    assert width == 1200 and 300 <= height <= 900
    assert 5_000 < len(png) < 200_000


def test_status_is_told_by_shape_and_word_not_colour_alone():
    figure = roadmap_figure(six_milestones())
    axes = figure.axes[0]
    lines = {line.get_gid(): line for line in axes.get_lines() if line.get_gid()}
    for status, count in (("on_track", 2), ("at_risk", 2), ("off_track", 1), ("done", 1)):
        forecasts, baselines = lines[f"forecasts:{status}"], lines[f"baselines:{status}"]
        assert forecasts.get_marker() == baselines.get_marker() == STATUS_STYLES[status].marker
        assert len(forecasts.get_xdata()) == len(baselines.get_xdata()) == count
        assert baselines.get_markerfacecolor() == "white"  # hollow baseline, filled forecast
        assert forecasts.get_markerfacecolor() == STATUS_STYLES[status].colour
    assert len({style.marker for style in STATUS_STYLES.values()}) == len(STATUS_STYLES)  # a shape each
    words = {text.get_gid(): text.get_text() for text in axes.texts if text.get_gid()}
    assert words["status:M-2"] == "At risk · +6d · 25%"
    assert words["status:M-3"] == "Off track"
    assert words["status:M-4"] == "Done · +3d"
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert legend[:4] == ["On track", "At risk", "Off track", "Done"]
    assert {"Baseline (hollow)", "Forecast (filled)", "Today", "Sprint start"} <= set(legend)


def test_rows_follow_the_forecast_and_lines_mark_today_and_sprints():
    figure = roadmap_figure(six_milestones())
    axes = figure.axes[0]
    rows = sorted((text.get_position()[1], text.get_text()) for text in axes.texts
                  if (text.get_gid() or "").startswith("row:"))
    assert [label.split()[0] for _, label in rows] == ["M-1", "M-2", "M-3", "M-4", "M-5", "M-6"]
    assert rows[0][1] == "M-1  Milestone 1 <!channel> & $x$"  # plain text: no mathtext, no escaping
    assert [line.get_gid() for line in axes.get_lines()].count("today") == 1
    collections = {c.get_gid(): c for c in axes.collections}
    assert len(collections["sprints"].get_segments()) == 8
    assert len(collections["slips:at_risk"].get_segments()) == 2
    assert "slips:off_track" not in collections  # M-3, the only one off track, did not move: no slip bar


def test_the_cache_gives_the_same_bytes_without_drawing_again(monkeypatch):
    data = six_milestones()
    first = render_roadmap(data)
    monkeypatch.setattr(roadmap, "draw_roadmap", lambda data: pytest.fail("drawn twice"))
    assert render_roadmap(replace(data)) == first  # an equal value, not the same object
    assert roadmap.CACHE.renders == 1


def test_digest_follows_the_content():
    data = six_milestones()
    assert chart_digest(data) == chart_digest(replace(data)) and len(chart_digest(data)) == 64
    moved = replace(data, milestones=(replace(data.milestones[0], forecast=TODAY + timedelta(days=99)),)
                    + data.milestones[1:])
    assert chart_digest(moved) != chart_digest(data)
    assert chart_digest(replace(data, today=TODAY + timedelta(days=1))) != chart_digest(data)


def test_threads_asking_for_one_new_picture_draw_it_once():
    data, results = six_milestones(), []
    threads = [threading.Thread(target=lambda: results.append(render_roadmap(data))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and roadmap.CACHE.renders == 1


def test_pictures_drawn_in_parallel_threads_are_the_pictures_drawn_alone():
    variants = [replace(six_milestones(), today=TODAY + timedelta(days=n)) for n in range(4)]
    alone = [roadmap.draw_roadmap(data) for data in variants]
    results: dict[int, bytes] = {}
    threads = [threading.Thread(target=lambda n=n: results.__setitem__(n, roadmap.draw_roadmap(variants[n])))
               for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[n] for n in range(4)] == alone and len(set(alone)) == 4


def test_a_failed_drawing_is_not_cached():
    cache = RenderCache(size=2)
    with pytest.raises(RuntimeError):
        cache.get("d", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    assert cache.get("d", lambda: b"png") == b"png" and len(cache) == 1


def test_no_milestones_still_draws():
    png = render_roadmap(RoadmapData(title="Empty", today=TODAY, milestones=()))
    assert png_size(png)[0] == 1200


def test_image_block_by_file_id_with_words_for_screen_readers():
    data = six_milestones()
    alt = roadmap_alt_text(data)
    assert alt.startswith("Apollo roadmap, today 03 Dec 2026. M-1 Milestone 1")
    assert "M-2 Milestone 2 <!channel> & $x$: forecast 06 Jan 2027, +6 days from baseline 31 Dec, at risk, 25% done." in alt
    block = roadmap_image_block("F0ABCDEF12", alt, title="Apollo roadmap")
    assert block == {"type": "image", "slack_file": {"id": "F0ABCDEF12"}, "alt_text": alt,
                     "title": {"type": "plain_text", "text": "Apollo roadmap", "emoji": True}}
    many = replace(data, milestones=data.milestones * 30)
    assert len(roadmap_alt_text(many)) == 2000


def test_importing_the_chart_module_does_not_load_matplotlib():
    code = "import sys, bot.charts.roadmap, bot.roadmap_posts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
