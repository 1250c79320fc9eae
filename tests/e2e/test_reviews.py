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


def test_the_uploader_speaks_the_pages_language(page, app_url):
    # Streamlit draws "Upload" and "10MB per file" itself; in Chinese a style rule redraws them
    drawn = """() => {
      const zone = document.querySelector('.st-key-review_csv [data-testid=stFileUploaderDropzone]');
      const button = zone.querySelector('button [data-testid=stMarkdownContainer] p');
      const limit = zone.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span');
      return [getComputedStyle(button).fontSize, getComputedStyle(button, '::after').content,
              getComputedStyle(limit).fontSize, getComputedStyle(limit, '::after').content];
    }"""
    page.goto(f"{app_url}/reviews?lang=zh")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzone").wait_for()
    assert page.evaluate(drawn) == ["0px", '"上传"', "0px", '"每个文件最大 10 MB · CSV, TXT"']
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()  # the switch, in the same session
    page.get_by_text("Review sentiment", exact=True).first.wait_for()
    wait_idle(page)
    button_size, button_after, limit_size, _ = page.evaluate(drawn)
    assert button_size != "0px" and limit_size != "0px" and button_after in ("none", "normal")
    assert_clean(page)
