"""Browser tier: the whole sandbox (workspace, browser UI, bot over signed HTTP, demo seed) driven through
Debian's chromium by Playwright. No browser download: the system chromium is launched by path.
Screenshots go to artifacts/screenshots/ (git-ignored; CI keeps them as artifacts)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from bot.config import Settings
from bot.local import SandboxStack
from tests.conftest import START

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("no chromium: `bash .ci/chromium.sh` (Debian's package) installs it; "
                    "`pytest -m 'not browser'` runs the other tiers", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def stack(tmp_path):
    """The stack `tpmbot run` starts with no credentials, on a fresh SQLite file, its clock at START
    (a Tuesday, 01:00 in Alice's Los Angeles). The scheduler's own minute tick is off: time moves only
    when a test presses the clock control."""
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'tpmbot.db'}", slack_bot_token=None,
                        slack_signing_secret=None, slack_app_token=None, tpmbot_default_timezone="UTC")
    stack = SandboxStack(settings, start_at=START, scheduler=False).start()
    yield stack
    stack.stop()


@pytest.fixture
def page(browser, stack, request) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack.url}?user=U0ALICE&channel=C0APOLLO")
    yield page
    context.close()
    assert errors == [], f"JavaScript errors in the page: {errors}"


@pytest.fixture
def shot(page, request):
    """``shot("step")`` saves artifacts/screenshots/<test>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def save(step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return save
