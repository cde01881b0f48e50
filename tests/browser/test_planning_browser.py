"""A lead plans a program in the sandbox, in a real browser: writes the charter, lays out six milestones,
slips one with its reason, sees the roadmap picture in the channel and in App Home, and reads a status
report whose RAG follows the milestones' rules (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_sandbox_browser import send as type_and_enter

pytestmark = pytest.mark.browser

PLAN = [("Design signed off", "dec 11"), ("API beta", "dec 18"), ("Data migration", "jan 8"),
        ("Mobile app", "jan 22"), ("Security review", "feb 5"), ("General availability", "feb 26")]


def send(page, text: str) -> None:
    """Type a command and send it; a bare command's first Enter picks it from the suggestions, as in Slack."""
    type_and_enter(page, text)
    if " " not in text:
        expect(page.locator("#composer-input")).to_have_value(text + " ")
        page.locator("#composer-input").press("Enter")
    expect(page.locator("#composer-input")).to_have_value("")


def confirmed(page, text: str) -> None:
    expect(page.locator(".message").filter(has_text=text).first).to_be_visible()


def test_a_lead_plans_slips_a_milestone_and_reads_the_roadmap_and_the_report(page, stack, shot):
    send(page, "/tpm charter")
    modal = page.get_by_role("dialog", name="Program charter")
    modal.locator("[data-block-id='tpm.charter.scope'] .bk-input").fill("Checkout v2: web and mobile")
    modal.locator("[data-block-id='tpm.charter.goals'] .bk-input").fill("Launch by Q1 with card and wallet payments")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)

    for number, (name, day) in enumerate(PLAN, start=1):
        after = f" after M-{number - 1}" if number > 1 else ""
        send(page, f"/milestone {name} due {day}{after}")
        confirmed(page, f"Logged milestone M-{number}")
    expect(page.locator(".message").filter(has_text="Milestone M-6: General availability")).to_have_count(1)

    send(page, "/milestone move M-3 jan 20 reason: the vendor's export tool came late")
    confirmed(page, "is now forecast for")
    send(page, "/milestone list")
    listing = page.locator(".message").filter(has_text="Open milestones").last
    expect(listing).to_contain_text("off track")  # 8 working days past its baseline: beyond the tolerance
    expect(listing).to_contain_text("comes after M-3, which is off track")
    shot("1-milestones")

    send(page, "/roadmap")
    picture = page.locator(".message", has_text="Hollow mark: baseline").last
    image = picture.locator("figure.bk-image img")
    expect(image).to_be_visible()
    image.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert image.evaluate("img => img.naturalWidth") == 1200
    assert "M-3 Data migration: forecast 20 Jan 2027, +12 days from baseline 08 Jan" in image.get_attribute("alt")
    picture.scroll_into_view_if_needed()
    shot("2-roadmap-in-channel")

    send(page, "/status")
    report = page.locator(".message").filter(has_text="Status ·").last
    expect(report).to_contain_text("RED")
    expect(report).to_contain_text("milestone(s) off track: M-3")
    expect(report).to_contain_text("the vendor's export tool came late")  # the week's slips, with reasons
    expect(report.locator("figure.bk-image img")).to_be_visible()
    report.scroll_into_view_if_needed()
    shot("3-status-report")

    page.locator("#app-list .nav-item").click()
    home = page.locator("#home-body")
    expect(home).to_contain_text("Checkout v2")  # the charter, first
    expect(home.locator("figure.bk-image img")).to_be_visible()
    shot("4-app-home")
