"""Review sentiment in a real browser: typed text gets a label and highlights; HTML stays text."""

import pytest

from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def type_review(page, text: str) -> None:
    box = page.get_by_test_id("stTextArea").locator("textarea")
    box.fill(text)
    box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter or on blur
    wait_idle(page)


def test_typing_a_review_shows_labels_and_highlighted_words(page, app_url):
    page.goto(f"{app_url}/reviews")
    wait_idle(page)
    type_review(page, "The shoes arrived broken and the seller never answered. Awful!")
    page.get_by_text("👎 negative").first.wait_for()
    highlighted = page.locator("span[title^='pushed towards']")
    assert highlighted.count() >= 10
    assert "broken" in [unit.strip() for unit in highlighted.all_inner_texts()]  # units keep their space
    assert_clean(page)


def test_html_in_a_review_is_shown_as_text_and_never_runs(page, app_url):
    page.goto(f"{app_url}/reviews")
    wait_idle(page)
    attack = "<img src=x onerror=alert(1)> nice <script>alert(2)</script>"
    type_review(page, attack)
    page.locator("span[title^='pushed towards']").first.wait_for()
    assert page.get_by_test_id("stTextArea").locator("textarea").input_value() == attack
    tokens = page.locator("span[title^='pushed towards']").all_inner_texts()
    shown = "".join(tokens)
    assert "onerror=alert(1)" in shown and "<script>alert(2)</script>" in shown  # as text
    main = page.get_by_test_id("stMain")
    assert main.locator("img[src='x']").count() == 0 and main.locator("script").count() == 0
    page.wait_for_timeout(500)  # an onerror handler would have fired by now
    assert_clean(page)  # includes: no alert() dialog
