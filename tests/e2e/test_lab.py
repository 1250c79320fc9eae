"""The Model lab in Chromium: a training's progress and chart grow while it runs; Stop stops it."""

import re

import pytest

from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def epochs_shown(page) -> int:
    match = re.search(r"Epoch (\d+) of", page.get_by_test_id("stProgress").inner_text())
    return int(match.group(1)) if match else 0


def test_training_redraws_live_and_stops(page, app_url):
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    epochs = page.locator(".st-key-lab_epochs input")
    epochs.fill("5000")
    epochs.press("Enter")
    wait_idle(page)
    page.locator(".st-key-lab_train button").click()
    page.get_by_test_id("stProgress").wait_for(timeout=30_000)
    page.wait_for_function("() => /Epoch ([2-9]\\d|\\d{3,}) of/.test(document.body.innerText)", timeout=60_000)
    first = epochs_shown(page)
    page.wait_for_timeout(1500)
    assert epochs_shown(page) > first  # the fragment redrew while the script was idle
    page.locator(".st-key-lab_stop button").click()
    page.get_by_text(re.compile(r"Training stopped after \d+ epochs")).wait_for(timeout=30_000)
    assert epochs_shown(page) < 5000
    assert page.get_by_test_id("stVegaLiteChart").count() == 1
    assert_clean(page)
