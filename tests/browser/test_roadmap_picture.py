"""The roadmap picture in the sandbox's browser UI: uploaded through Slack's external upload flow, shown
by an image block's ``slack_file`` in the channel and in App Home (screenshots in artifacts/)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from bot.blocks.images import roadmap_alt_text
from bot.charts.roadmap import ChartMilestone, RoadmapData
from bot.roadmap_posts import post_roadmap, roadmap_blocks, roadmap_file_id
from storage.programs import program_for_channel

pytestmark = pytest.mark.browser

TODAY = date(2026, 12, 1)


def roadmap() -> RoadmapData:
    rows = [("Design sign-off", 0, "done"), ("API beta", 5, "at_risk"), ("Data migration", 12, "off_track"),
            ("Mobile app", 0, "on_track"), ("Security review", 3, "at_risk"), ("General availability", 0, "on_track")]
    return RoadmapData(title="Apollo roadmap", today=TODAY, milestones=tuple(
        ChartMilestone(f"M-{i}", name, TODAY + timedelta(days=14 * i - 10), TODAY + timedelta(days=14 * i - 10 + slip),
                       status, progress=0.5 if status == "at_risk" else None)
        for i, (name, slip, status) in enumerate(rows, start=1)),
        sprint_starts=tuple(TODAY - timedelta(days=1) + timedelta(days=14 * k) for k in range(8)))


def loaded_width(image) -> int:
    expect(image).to_be_visible()
    image.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    return image.evaluate("img => img.naturalWidth")


def test_the_roadmap_shows_in_the_channel_and_in_app_home(page, stack, shot):
    deps, client = stack.bot.deps, stack.bot.app.client
    with deps.session() as session:
        program = program_for_channel(session=session, team_id=stack.sandbox.ws.team_id, channel_id="C0APOLLO")
        session.expunge(program)
    file_id = post_roadmap(client, deps, program, "C0APOLLO", roadmap(), key="browser:roadmap")
    posted = page.locator(".message", has_text="Hollow mark: baseline")
    image = posted.locator("figure.bk-image img")
    assert loaded_width(image) == 1200
    assert image.get_attribute("alt") == roadmap_alt_text(roadmap())
    expect(posted.locator("figcaption")).to_have_text("Apollo roadmap")
    posted.scroll_into_view_if_needed()
    shot("1-in-channel")

    page.locator("#app-list .nav-item").click()  # App Home: the bot publishes its own view first
    ws = stack.sandbox.ws
    version = ws.version
    for _ in range(100):  # each wait ends at the workspace's next change, not after a fixed time
        if ws.home_views.get("U0ALICE"):
            break
        version = ws.wait_change(version, timeout=0.5)
    stack.bot.wait_idle()
    assert ws.home_views.get("U0ALICE"), "the bot never published App Home"
    same = roadmap_file_id(client, deps, team_id=program.team_id, data=roadmap())
    assert same == file_id  # uploaded once: App Home shows the same file
    home = {"type": "home", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Roadmap"}},
                                       *roadmap_blocks(file_id, roadmap())]}
    client.views_publish(user_id="U0ALICE", view=home)
    assert loaded_width(page.locator("#home-body figure.bk-image img")) == 1200
    shot("2-app-home")
