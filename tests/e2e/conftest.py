"""Browser fixtures: one `streamlit run app.py` server and one headless Debian Chromium per test session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopdl_core.load.browser import APP_IDLE, CHROMIUM, CHROMIUM_ARGS
from shopdl_core.load.server import running_app

REPO_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_DIR / "artifacts" / "screenshots"
MAX_SCREENSHOT_HEIGHT = 8000  # px; a longer page is cut there


@pytest.fixture(scope="session")
def app_url():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does it)")
    with running_app() as app:
        yield app.url


@pytest.fixture
def fresh_app_url():
    """A server no browser has talked to yet: the first request decides how Streamlit routes."""
    with running_app() as app:
        yield app.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page; records JS dialogs, saves a full-page screenshot at the end."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        full_page_screenshot(page, SCREENSHOT_DIR / f"{name}.png")
    finally:
        context.close()


def full_page_screenshot(page, path: Path) -> None:
    """The whole page, not the window: Streamlit scrolls inside its main area, so Playwright's
    full_page option alone stops at the viewport. Grow the window to the content first."""
    height = page.evaluate(
        "() => { const main = document.querySelector('[data-testid=stMain]');"
        " return main ? main.scrollHeight : document.body.scrollHeight; }"
    )
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(max(int(height), 600), MAX_SCREENSHOT_HEIGHT)})
    page.wait_for_timeout(500)  # charts re-fit to the new size
    page.screenshot(path=str(path), full_page=True)


def wait_idle(page) -> None:
    """Wait until the script run triggered by the last action has finished rendering."""
    page.wait_for_timeout(300)  # let the rerun start before we look for "not running"
    page.wait_for_selector(APP_IDLE, timeout=90_000)


def assert_clean(page) -> None:
    """No exception box, no error/Page-not-found dialog, no browser dialog fired."""
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").first.inner_text()
    assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").first.inner_text()
    assert page.dialogs == []
