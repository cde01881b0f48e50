"""The charter in the sandbox, in a real browser: Alice (the seeded program's lead) writes it in the modal,
the channel is told, `/tpm charter show` posts it with `<!channel>` as plain text, and Bob may read the
modal but not save it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_sandbox_browser import send

pytestmark = pytest.mark.browser


def test_a_lead_writes_the_charter_and_shows_it_and_others_cannot_save(page, stack, shot):
    send(page, "/tpm charter")
    modal = page.get_by_role("dialog", name="Program charter")
    modal.locator("[data-block-id='tpm.charter.scope'] .bk-input").fill("Checkout v2 <!channel> & receipts\nweb and mobile")
    modal.locator("[data-block-id='tpm.charter.goals'] .bk-input").fill("Launch by Q1")
    shot("1-modal")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(page.locator(".message").filter(has_text="wrote the charter")).to_have_count(1)

    send(page, "/tpm charter show")
    shown = page.locator(".message").filter(has_text="Charter ·").last
    expect(shown).to_contain_text("Checkout v2 <!channel> & receipts")  # typed text, shown as typed
    expect(shown.locator(".mention")).to_have_count(1)  # only Alice's, in "updated … by @alice"
    shot("2-shown")

    page.goto(f"{stack.url}?user=U0BOB&channel=C0APOLLO")
    send(page, "/tpm charter")
    modal = page.get_by_role("dialog", name="Program charter")
    expect(modal).to_contain_text("Only the program's leads can save changes.")
    scope = modal.locator("[data-block-id='tpm.charter.scope'] .bk-input")
    expect(scope).to_have_value("Checkout v2 <!channel> & receipts\nweb and mobile")  # prefilled
    scope.fill("Bob's scope")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal.locator("[data-block-id='tpm.charter.scope'] .bk-error")).to_contain_text("Only the program's leads")
    shot("3-refused")
