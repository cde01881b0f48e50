"""The sandbox workspace in a real browser: what a newcomer does in their first five minutes.

Every step goes through the page (composer, buttons, modals, the clock control); the bot hears it as
Slack's signed HTTP requests and answers through the sandbox's Web API, and the page updates live."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def send(page, text: str) -> None:
    composer = page.locator("#composer-input")
    composer.fill(text)
    composer.press("Enter")


def advance_to(page, local: str) -> None:
    page.locator("#clock-to").fill(local)
    page.get_by_role("button", name="Advance", exact=True).click()
    expect(page.locator("#clock-status")).to_contain_text("scheduled occurrence")


def test_blocker_from_the_composer_then_resolve_edits_the_message(page, shot):
    # The suggestions come from the workspace's state: wait until the page has it (it renders the app list).
    expect(page.locator("#app-list .nav-item")).to_be_visible()
    composer = page.locator("#composer-input")
    composer.fill("/blo")
    expect(page.locator("#suggestions")).to_contain_text("/blocker")
    expect(page.locator("#suggestions")).to_contain_text("blockers: what stops work now")
    shot("1-suggestions")
    composer.press("Tab")
    expect(composer).to_have_value("/blocker ")
    composer.press_sequentially("Payment keys missing @dieter sev:high")
    composer.press("Enter")

    posted = page.locator(".message:not(.ephemeral)", has_text="Blocker B-1")
    expect(posted).to_contain_text("Payment keys missing")
    expect(posted).to_contain_text("Open")
    expect(page.locator(".message.ephemeral", has_text="Logged blocker B-1")).to_contain_text("Only visible to you")
    shot("2-posted")

    posted.locator("[data-action-id='raid.message.reassign']").select_option("U0PRIYA")  # a users_select
    expect(posted.locator(".bk-field", has_text="Owner")).to_contain_text("@priya")
    posted.locator("[data-action-id='raid.message.edit']").click()  # a prefilled modal with pickers
    modal = page.get_by_role("dialog")
    expect(modal.locator("textarea").first).to_have_value("Payment keys missing")  # the owner is not in the title
    modal.locator("input[type=date]").fill("2026-12-04")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(posted.locator(".bk-field", has_text="Due")).to_contain_text("Fri 4 Dec 2026")  # the day picked, for every reader
    posted.locator("[data-action-id='raid.message.resolve']").click()
    expect(posted).to_contain_text("Resolved")
    expect(posted).to_contain_text("(edited)")
    expect(posted.locator("[data-action-id='raid.message.reopen']")).to_be_visible()
    expect(posted.locator("[data-action-id='raid.message.resolve']")).to_have_count(0)
    shot("3-resolved")


def test_stand_up_modal_errors_then_answer_shows_in_the_digest_after_advancing(page, shot):
    advance_to(page, "2026-12-01T09:30")  # Alice's prompt time, Los Angeles
    page.locator("#app-list .nav-item").click()  # the app: its Home tab first
    expect(page.locator("#home-body")).not_to_contain_text("has not published")
    shot("1-app-home")
    page.locator("[data-tab='messages']").click()
    prompt = page.locator(".message", has_text="Stand-up for program-apollo")
    prompt.locator("[data-action-id='standup.prompt.answer']").click()

    modal = page.get_by_role("dialog")
    expect(modal).to_be_visible()
    modal.locator(".modal-foot .btn-primary").click()  # nothing written: refused
    expect(modal.locator(".bk-error")).to_have_text("Write at least what you will do today.")
    shot("2-modal-error")
    modal.locator("[data-block-id='standup.modal.today'] .bk-input").fill("Write the browser tests")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(page.locator(".message", has_text="Got your stand-up")).to_be_visible()

    advance_to(page, "2026-12-01T11:30")  # the program's digest time
    page.locator("#channel-list .nav-item", has_text="program-apollo").click()
    digest = page.locator(".message", has_text="Stand-up · program-apollo")
    expect(digest).to_contain_text("Write the browser tests")
    expect(digest).to_contain_text("1 answered")
    shot("3-digest")


def test_a_setup_modal_rejection_keeps_what_was_typed(page, shot):
    send(page, "/standup setup")
    modal = page.get_by_role("dialog", name="Stand-up set-up")
    questions = modal.locator("[data-block-id='standup.setup.questions'] .bk-input")
    questions.fill("Done?\nNext?")
    modal.locator("[data-block-id='standup.setup.reminder'] .bk-input").fill("soon")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal.locator("[data-block-id='standup.setup.reminder'] .bk-error")).to_be_visible()
    expect(questions).to_have_value("Done?\nNext?")
    shot("1-errors")
    modal.locator("[data-block-id='standup.setup.reminder'] .bk-input").fill("30")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(page.locator(".message.ephemeral").last).to_contain_text("Stand-up saved")


def test_an_app_that_is_down_did_not_respond_and_the_sandbox_goes_on(page, stack, shot):
    expect(page.locator(".message").first).to_be_visible()
    stack.stop_bot()
    send(page, "/blocker the build is red")
    notice = page.locator(".message.ephemeral", has_text="did not respond")
    expect(notice).to_contain_text("Slackbot")
    expect(page.get_by_role("alert").first).to_contain_text("did not respond")
    send(page, "Is tpmbot down for anyone else?")
    expect(page.locator(".message", has_text="Is tpmbot down for anyone else?")).to_be_visible()
    shot("1-did-not-respond")


def open_menu(message, item: str, attempts: int = 10):
    """Hover the message and open its ⋮ menu; the page re-renders as the bot's posts land (a render drops
    the hover and the open menu), so try again until the menu item shows, a bounded number of times."""
    for _ in range(attempts):
        message.hover()
        try:
            message.get_by_role("button", name="More actions").click(timeout=3000)
            entry = message.get_by_role("button", name=item)
            entry.wait_for(state="visible", timeout=3000)
            return entry
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the ⋮ menu of {message} never showed {item!r}")


def test_a_message_shortcut_from_the_more_actions_menu_and_a_thread_reply(page, shot):
    bobs = page.locator(".message", has_text="production API keys")
    bobs.hover()
    bobs.get_by_role("button", name="More actions").click()
    expect(bobs.locator(".menu")).to_contain_text("Log as blocker")
    shot("1-more-actions")
    bobs.get_by_role("button", name="Log as blocker").click()
    modal = page.get_by_role("dialog")
    expect(modal).to_be_visible()
    shot("2-shortcut-modal")
    modal.locator(".modal-foot .btn-primary").click()
    expect(modal).to_have_count(0)
    expect(page.locator(".message:not(.ephemeral)", has_text="Blocker B-1")).to_contain_text("production API keys")

    sofias = page.locator("#messages .message", has_text="app store review")
    open_menu(sofias, "Reply in thread").click()
    reply = page.locator("#thread-input")
    reply.fill("Submitting Thursday, @sofia")
    reply.press("Enter")
    expect(page.locator("#thread-messages .message", has_text="Submitting Thursday")).to_contain_text("@sofia")
    expect(sofias.locator(".replies")).to_have_text("1 reply")
    shot("3-thread")
    page.get_by_label("Acting as").select_option("U0BOB")  # Bob sees the blocker, not Alice's ephemerals
    expect(page.locator("#messages .message:not(.ephemeral)", has_text="Blocker B-1")).to_be_visible()
    expect(page.locator("#messages .message.ephemeral")).to_have_count(0)
    expect(page.locator("#composer-input")).to_have_attribute("placeholder", "Message #program-apollo")


CANVAS_GLYPHS_DIFFER = """([a, b]) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 48;
  const g = canvas.getContext("2d");
  const draw = (text) => {
    g.clearRect(0, 0, 48, 48);
    g.font = "32px " + getComputedStyle(document.body).fontFamily;
    g.fillText(text, 4, 38);
    return Array.from(g.getImageData(0, 0, 48, 48).data).join(",");
  };
  return draw(a) !== draw(b);
}"""


def test_a_dm_answer_shows_as_typed_with_the_apps_reaction_and_cjk_renders(page, shot):
    advance_to(page, "2026-12-01T09:30")  # Alice's prompt: today's run exists
    page.locator("#app-list .nav-item").click()
    page.locator("[data-tab='messages']").click()
    expect(page.locator(".message", has_text="Stand-up for program-apollo")).to_be_visible()
    send(page, "t: R&D <review> & 漢字のテスト")
    mine = page.locator(".message:not(.ephemeral)", has_text="R&D <review> & 漢字のテスト")
    expect(mine).to_be_visible()  # sent escaped, shown as typed
    reaction = mine.locator(".reaction[data-reaction='white_check_mark']")
    expect(reaction).to_contain_text("✅")
    expect(reaction.locator(".reaction-count")).to_have_text("1")
    expect(reaction).to_have_attribute("title", "tpmbot reacted with :white_check_mark:")
    # With a CJK font installed (fonts-noto-cjk), two different ideographs draw differently, not as the same box.
    assert page.evaluate(CANVAS_GLYPHS_DIFFER, ["漢", "字"])
    assert page.evaluate(CANVAS_GLYPHS_DIFFER, ["テ", "ス"])
    shot("1-reaction-and-cjk")


def test_advance_to_reads_the_time_in_the_zone_of_the_member_acted_as(page, stack, shot):
    expect(page.locator("#clock-zone")).to_have_text("America/Los_Angeles")
    expect(page.locator("#clock-to")).to_have_value("2026-12-01T01:00")  # START, 09:00 UTC, in Los Angeles
    page.get_by_label("Acting as").select_option("U0KENJI")
    expect(page.locator("#clock-zone")).to_have_text("Asia/Tokyo")
    expect(page.locator("#clock-to")).to_have_value("2026-12-01T18:00")  # the same instant on Kenji's clock
    shot("1-kenji-clock")
    advance_to(page, "2026-12-01T19:30")  # Kenji's 19:30
    moved = stack.clock.now() - datetime(2026, 12, 1, 10, 30, tzinfo=timezone.utc)  # 10:30 UTC, then it runs on
    assert timedelta(0) <= moved < timedelta(minutes=1)
    expect(page.locator("#clock-now")).to_contain_text("19:30")
