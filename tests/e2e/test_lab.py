"""The Model lab in Chromium: each experiment's progress and charts grow while it trains; Stop
stops it; the trained photo head answers an uploaded photo beside PhotoCNN."""

import re
import time

import pytest

from shopdl_core import config
from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def epochs_shown(panel) -> int:
    match = re.search(r"Epoch (\d+) of", panel.get_by_test_id("stProgress").inner_text())
    return int(match.group(1)) if match else 0


def set_number(page, key: str, value: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")
    wait_idle(page)


def train_watch_and_stop(page, panel, prefix: str, epochs: str) -> int:
    """Press Train, see the epoch count grow while the script is idle, press Stop."""
    set_number(page, f"{prefix}epochs", epochs)
    page.locator(f".st-key-{prefix}train button").click()
    panel.get_by_test_id("stProgress").wait_for(timeout=30_000)
    page.wait_for_function("() => /Epoch ([2-9]|\\d{2,}) of/.test(document.body.innerText)", timeout=60_000)
    first = epochs_shown(panel)
    page.wait_for_timeout(1500)
    assert epochs_shown(panel) > first  # the fragment redrew while the script was idle
    page.locator(f".st-key-{prefix}stop button").click()
    panel.get_by_text(re.compile(r"Training stopped after \d+ of")).wait_for(timeout=30_000)
    wait_idle(page)
    return epochs_shown(panel)


def test_photo_head_trains_live_stops_and_answers_an_upload(page, app_url, tmp_path):
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    panel = page.get_by_role("tabpanel").first
    done = train_watch_and_stop(page, panel, "lab_photo_", "200")
    assert 0 < done < 200
    assert panel.get_by_test_id("stVegaLiteChart").count() >= 3  # loss, accuracy, confusion matrix
    panel.get_by_test_id("stRadioGroup").get_by_text("Upload a photo").click()
    wait_idle(page)
    fake = tmp_path / "photo.jpg"  # a text file with a photo's name: refused, the run's results stay
    fake.write_bytes(b"not a picture")
    panel.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(fake))
    error = panel.get_by_test_id("stAlertContentError").first
    error.wait_for()
    assert "image" in error.inner_text().lower()
    assert panel.get_by_test_id("stVegaLiteChart").count() >= 3
    photo = config.samples_dir() / "photos" / "hat_1.jpg"
    panel.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
    panel.get_by_text("Your head").wait_for(timeout=60_000)
    wait_idle(page)
    assert panel.get_by_text("PhotoCNN", exact=True).count() >= 1
    assert_clean(page)


def test_recommender_trains_live_and_stops(page, app_url):
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    page.get_by_role("tab", name=re.compile("Learned recommender")).click()
    panel = page.get_by_role("tabpanel").first  # the shown one: hidden tabs have no role
    done = train_watch_and_stop(page, panel, "lab_", "5000")
    assert done < 5000
    assert panel.get_by_test_id("stVegaLiteChart").count() >= 2  # the curves and the product map
    assert_clean(page)


def start_recommender(page, app_url) -> None:
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    page.get_by_role("tab", name=re.compile("Learned recommender")).click()
    set_number(page, "lab_epochs", "5000")
    page.locator(".st-key-lab_train button").click()
    wait_idle(page)


def test_a_closed_tabs_training_stops_and_frees_its_place(browser, page, app_url):
    others = [browser.new_context() for _ in range(2)]
    try:
        for context in others:  # two tabs fill the server's two places
            start_recommender(context.new_page(), app_url)
        start_recommender(page, app_url)
        refusal = page.get_by_text(re.compile("trainings are already running on this server"))
        refusal.wait_for()
        left = int(re.search(r"about (\d+) s", refusal.inner_text()).group(1))
    finally:
        for context in others:
            context.close()
    closed = time.monotonic()
    # Within a few seconds both runs notice their sessions are gone and free their places.
    page.wait_for_timeout(4000)
    page.locator(".st-key-lab_train button").click()
    page.get_by_test_id("stProgress").wait_for(timeout=30_000)
    accepted = time.monotonic() - closed
    assert accepted < left, "the closed tabs' runs might simply have finished"
    assert page.get_by_text(re.compile("trainings are already running on this server")).count() == 0
    page.locator(".st-key-lab_stop button").click()
    wait_idle(page)


def test_a_finished_run_reruns_the_page_once_to_show_its_results(page, app_url):
    # Nobody clicks after Train: only the fragment's rerun at the end can show "Try it".
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    set_number(page, "lab_photo_epochs", "5")
    page.locator(".st-key-lab_photo_train button").click()
    page.get_by_role("heading", name="Try it").wait_for(timeout=60_000)
    assert page.get_by_text(re.compile(r"Training finished after 5 of 5 epochs")).count() == 1
    assert_clean(page)


def test_a_widget_change_elsewhere_neither_stops_nor_restarts_a_run(page, app_url):
    page.goto(f"{app_url}/lab")
    wait_idle(page)
    panel = page.get_by_role("tabpanel").first
    set_number(page, "lab_photo_epochs", "200")
    page.locator(".st-key-lab_photo_train button").click()
    # At 30 epochs in, a restart could not be back there in the few seconds the change takes.
    page.wait_for_function("() => /Epoch ([3-9]\\d|\\d{3,}) of/.test(document.body.innerText)", timeout=90_000)
    before = epochs_shown(panel)
    page.get_by_role("tab", name=re.compile("Learned recommender")).click()
    set_number(page, "lab_factors", "8")  # a full page run while the photo head trains
    page.get_by_role("tab", name=re.compile("Photo classifier")).click()
    page.wait_for_timeout(500)
    after = epochs_shown(panel)
    assert after > before  # the same run went on: a restart would count from 0 again
    page.locator(".st-key-lab_photo_stop button").click()
    panel.get_by_text(re.compile(r"Training stopped after \d+ of 200")).wait_for(timeout=30_000)
    assert_clean(page)
