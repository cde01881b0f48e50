"""Two programs negotiate a dependency in the sandbox, in a real browser: Apollo's lead (Alice) asks
#payments for something by a date for a milestone; Payments' lead (Carol, the member the page then acts
as) gets the card in her DM with the app and proposes another date in its modal; Alice accepts the new
date on the card she gets back; Carol marks it delivered. At every step both sides' messages are edited
in place — the record in #program-apollo, Carol's card, Alice's card — and a screenshot is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_planning_browser import confirmed, send

pytestmark = pytest.mark.browser

PAY = "C0PAY"


def act_as(page, user: str) -> None:
    page.get_by_label("Acting as").select_option(user)
    expect(page.locator("#user-switcher")).to_have_value(user)


def open_channel(page, name: str) -> None:
    page.locator("#channel-list .nav-item", has_text=name).click()
    expect(page.locator("#channel-title")).to_have_text(f"# {name}")


def open_dm_with_the_app(page) -> None:
    page.locator("#app-list .nav-item").click()
    page.locator("[data-tab='messages']").click()
    expect(page.locator("#composer-input")).to_have_attribute("placeholder", "Message tpmbot")


def record_in_apollo(page):
    open_channel(page, "program-apollo")
    return page.locator("#messages .message:not(.ephemeral)", has_text="D-1").filter(has_text="Asked of")


def test_two_programs_negotiate_a_dependency_request_counter_accept_deliver(page, stack, shot):
    # A second program: an admin creates #payments; the first thing Carol records there makes it hers.
    stack.sandbox.ws.add_channel(PAY, "payments", members=["U0CAROL", "U0OMAR", "U0ALICE"],
                                 purpose="Payments platform")
    expect(page.locator("#channel-list .nav-item", has_text="payments")).to_be_visible()
    act_as(page, "U0CAROL")
    open_channel(page, "payments")
    send(page, "/milestone Ledger cutover due dec 22")
    confirmed(page, "Logged milestone M-1")

    # 1. Alice, in Apollo, asks #payments for the keys by Thu 10 Dec, for Apollo's launch milestone.
    act_as(page, "U0ALICE")
    open_channel(page, "program-apollo")
    send(page, "/milestone Launch due dec 18")
    confirmed(page, "Logged milestone M-1")
    send(page, "/dep sandbox keys for the payments API from #payments by dec 10 for M-1")
    confirmed(page, "Logged dependency D-1")
    record = record_in_apollo(page)
    expect(record).to_contain_text("sandbox keys for the payments API")
    expect(record).to_contain_text("#payments")
    expect(record).to_contain_text("⏳ requested")
    shot("1-alice-asks")

    # 2. Carol sees the card in her DM with the app and proposes Mon 14 Dec instead, with a note.
    act_as(page, "U0CAROL")
    open_dm_with_the_app(page)
    card = page.locator("#messages .message", has_text="for D-1")
    expect(card).to_contain_text("sandbox keys for the payments API")
    expect(card).to_contain_text("📥")  # Slack's :inbox_tray:, as Slack draws it
    expect(card).to_contain_text("⏳ Requested")
    expect(card).not_to_contain_text("Launch")  # only what the requester wrote, never Apollo's other records
    shot("2-carol-gets-the-card")
    card.get_by_role("button", name="Propose another date").click()
    modal = page.get_by_role("dialog", name="Propose another date")
    modal.locator("[data-block-id='dependency.modal.date'] input[type=date]").fill("2026-12-14")
    modal.locator("[data-block-id='dependency.modal.note'] .bk-input").fill("after the card-network freeze")
    shot("3-carol-proposes")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(card).to_contain_text("🔄 Countered")
    expect(card).to_contain_text("Waiting for @alice to answer the date you proposed")
    expect(card.get_by_role("button", name="Propose another date")).to_have_count(0)
    expect(card).to_contain_text("(edited)")
    shot("4-carol-card-countered")

    # 3. Alice sees the proposal on Apollo's record and on her own card, and accepts the new date.
    act_as(page, "U0ALICE")
    record = record_in_apollo(page)
    expect(record).to_contain_text("🔄 countered")
    expect(record).to_contain_text("Proposed instead")
    expect(record).to_contain_text("(edited)")
    open_dm_with_the_app(page)
    answer = page.locator("#messages .message", has_text="answered your dependency D-1")
    expect(answer).to_contain_text("after the card-network freeze")
    expect(answer).to_contain_text("Proposed instead")
    shot("5-alice-sees-the-counter")
    answer.get_by_role("button", name="Accept the new date").click()
    expect(answer).to_contain_text("🤝 Accepted")
    expect(answer.get_by_role("button", name="Accept the new date")).to_have_count(0)
    expect(page.locator("#messages .message.ephemeral", has_text="D-1 is accepted, committed for")).to_contain_text(
        "Mon 14 Dec 2026")
    record = record_in_apollo(page)
    expect(record).to_contain_text("🤝 accepted")
    expect(record).to_contain_text("Committed for")
    expect(record).not_to_contain_text("Proposed instead")
    shot("6-alice-accepts")

    # 4. Carol, the side it is asked of, marks it delivered from her card.
    act_as(page, "U0CAROL")
    open_dm_with_the_app(page)
    card = page.locator("#messages .message:not(.ephemeral)", has_text="for D-1")
    expect(card).to_contain_text("Accepted")
    expect(card).to_contain_text("Committed for")
    card.get_by_role("button", name="Delivered").click()
    expect(card).to_contain_text("📦 Delivered by @carol")
    expect(card.get_by_role("button")).to_have_count(0)
    shot("7-carol-delivers")

    act_as(page, "U0ALICE")
    record = record_in_apollo(page)
    expect(record).to_contain_text("📦 delivered")
    shot("8-apollo-record-delivered")
    open_dm_with_the_app(page)
    expect(page.locator("#messages .message", has_text="answered your dependency D-1")).to_contain_text("Delivered")
