"""Recommendations in a real browser: a keyboard edit in the data editor, kept across pages."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import SCREENSHOT_DIR, assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def card_names(page) -> list[str]:
    """Names on the product cards, in rank order (a card's first line is its name, then '€')."""
    texts = page.get_by_test_id("stMarkdownContainer").all_inner_texts()
    return [text.split("\n")[0].strip() for text in texts if "€" in text]


def open_recommendations(page, app_url):
    page.goto(f"{app_url}/recommend")
    wait_idle(page)
    page.get_by_test_id("stDataFrame").first.wait_for()


GRID_EDITOR = ".gdg-input:focus"  # the data grid's overlay editor of the selected cell, once opened
NAVIGATION_TRIES = 3


def edit_cell_by_keyboard(page, row: int, column: int, value: str, current: str) -> None:
    """Select the editor's top-left cell, walk to (row, column) with the arrow keys, retype it, Enter.

    The grid is a canvas, so where the arrow keys landed is checked by what the opened cell editor
    holds: ``current``, the cell's value before the edit. A key press the grid dropped (it happens
    on a busy machine just after the first click) leaves the editor on another cell: then the walk
    is undone with Escape and made again. Nothing has been edited at that point.
    """
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    shown = None
    for _ in range(NAVIGATION_TRIES):
        page.mouse.click(box["x"] + 60, box["y"] + 55)  # first body row, Shopper column
        page.wait_for_timeout(200)
        for key in ["ArrowRight"] * column + ["ArrowDown"] * row:
            page.keyboard.press(key)
            page.wait_for_timeout(80)
        page.keyboard.press("Enter")  # open the cell's editor on its current value
        editor = page.locator(GRID_EDITOR)
        try:
            editor.wait_for(timeout=3_000)
            shown = editor.input_value()
        except PlaywrightTimeout:
            shown = None
        if shown == current:
            break
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    else:
        raise AssertionError(f"the arrow keys never reached cell ({row}, {column}) holding {current!r}; "
                             f"the last editor opened showed {shown!r}")
    page.keyboard.press("Control+a")
    page.keyboard.type(value, delay=30)
    page.wait_for_timeout(100)
    page.keyboard.press("Enter")
    wait_idle(page)


def wait_for_cards_other_than(page, old: list[str]) -> list[str]:
    for _ in range(100):
        names = card_names(page)
        if names and names != old:
            return names
        page.wait_for_timeout(200)
    raise AssertionError(f"the recommendations never changed from {old}")


def test_keyboard_edit_changes_recommendations_and_survives_a_page_switch(page, app_url):
    open_recommendations(page, app_url)
    before = card_names(page)
    assert before[0] == "Multicolour Sport Shorts"  # Ana's top pick on the demo ratings
    edit_cell_by_keyboard(page, row=0, column=4, value="1", current="")  # Ana rates the Multicolour Sport Shorts 1 star
    after = wait_for_cards_other_than(page, before)
    assert "Multicolour Sport Shorts" not in after
    assert_clean(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="How it works").click()
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Recommender").click()
    wait_idle(page)
    assert card_names(page) == after
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    first_row = open(download.value.path(), encoding="utf-8").read().splitlines()[1].split(",")
    assert first_row[0] == "Ana" and float(first_row[4]) == 1.0
    assert_clean(page)


def test_bad_cell_shows_a_message_and_keeps_the_table(page, app_url):
    open_recommendations(page, app_url)
    edit_cell_by_keyboard(page, row=1, column=1, value="3", current="4")  # a good edit: Ben rates the tee 3
    edit_cell_by_keyboard(page, row=0, column=0, value="Ben", current="Ana")  # Ana renamed to Ben: duplicate
    error = page.get_by_test_id("stAlertContentError").first
    assert "appears twice" in error.inner_text()
    with page.expect_download() as download:  # both edits are kept, the bad one included, to be fixed
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    rows = [line.split(",") for line in open(download.value.path(), encoding="utf-8").read().splitlines()[1:3]]
    assert [rows[0][0], rows[1][0]] == ["Ben", "Ben"] and float(rows[1][1]) == 3.0
    assert_clean(page)


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_after_an_edit_the_cards_sit_right_under_the_table(page, app_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_recommendations(page, app_url)
    before = card_names(page)
    edit_cell_by_keyboard(page, row=0, column=4, value="1", current="")
    wait_for_cards_other_than(page, before)
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    top = page.get_by_test_id("stImage").first.bounding_box()["y"]  # the first card's picture
    assert 0 < top - (grid["y"] + grid["height"]) < 80  # the cards are the next thing under the table
    if width == 1440:
        assert top < height - 220  # picture, name, price and score on screen without scrolling
    page.screenshot(path=str(SCREENSHOT_DIR / f"recommend_after_edit_{width}x{height}.png"))
    assert_clean(page)
