"""The shop in Chromium: both languages at a laptop's and a phone's size, the product links,
and a like that survives the way back to the shop (the session is kept, the link carries none of it)."""

import pytest

from tests.e2e.conftest import SCREENSHOT_DIR, assert_clean, full_page_screenshot, wait_idle

pytestmark = pytest.mark.e2e

VIEWPORTS = {"laptop": (1440, 900), "phone": (390, 844)}
PAGES = {"shop": "", "with_reviews": "&product=P001", "without_reviews": "&product=P025"}
HEADINGS = {("en", "shop"): "ShopDL shop", ("zh", "shop"): "ShopDL 商店",
            ("en", "with_reviews"): "Black Everyday Dress", ("zh", "with_reviews"): "黑色日常连衣裙",
            ("en", "without_reviews"): "Beige Evening Hat", ("zh", "without_reviews"): "米色晚宴帽子"}

# Every picture fetched and no element still a grey placeholder (on a loaded machine the pictures
# arrive well after the script run has finished).
PICTURES_LOADED = ("() => document.querySelectorAll('[data-testid=stImage] img').length > 0"
                   " && [...document.querySelectorAll('[data-testid=stImage] img')].every(i => i.complete)"
                   " && document.querySelectorAll('[data-testid=stSkeleton]').length === 0")


@pytest.fixture
def sized_page(browser, request):
    def open_page(width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        request.addfinalizer(context.close)
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        return page
    return open_page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("which", list(PAGES))
def test_shop_pages_render_in_both_languages_and_sizes(sized_page, app_url, which, language, viewport):
    page = sized_page(*VIEWPORTS[viewport])
    page.goto(f"{app_url}/?lang={language}{PAGES[which]}")
    wait_idle(page)
    assert page.get_by_role("heading", name=HEADINGS[(language, which)]).first.is_visible()
    assert_clean(page)
    page.wait_for_function(PICTURES_LOADED, timeout=90_000)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, SCREENSHOT_DIR / f"shop_{which}_{language}_{viewport}.png")


def test_a_product_link_is_a_real_link_and_the_like_follows_the_visitor(sized_page, app_url):
    page = sized_page(1440, 900)
    page.goto(f"{app_url}/?lang=en")
    wait_idle(page)
    link = page.get_by_role("link", name="Black Everyday Dress").first
    assert "product=P001" in link.get_attribute("href") and "lang=en" in link.get_attribute("href")
    link.click()
    wait_idle(page)
    assert "product=P001" in page.url
    page.locator(".st-key-shop_like button").click()
    wait_idle(page)
    assert page.locator(".st-key-shop_unlike").is_visible()
    page.get_by_role("link", name="Back to the shop").click()
    wait_idle(page)
    assert "product=" not in page.url
    assert page.get_by_text("From your signals: 1 viewed, 1 liked, 0 in the bag.").is_visible()
    assert_clean(page)


def test_a_copied_link_opens_the_product_for_a_new_visitor_without_their_likes(sized_page, app_url):
    first = sized_page(1440, 900)
    first.goto(f"{app_url}/?lang=zh&product=P001")
    wait_idle(first)
    first.locator(".st-key-shop_like button").click()
    wait_idle(first)
    shared = first.get_by_test_id("stCode").inner_text().strip()
    assert shared.endswith("/?product=P001&lang=zh")
    second = sized_page(1440, 900)
    second.goto(shared)
    wait_idle(second)
    assert second.get_by_role("heading", name="黑色日常连衣裙").first.is_visible()
    assert second.locator(".st-key-shop_like").is_visible()  # not liked: the like was the first viewer's
    assert_clean(second)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_search_in_chinese(sized_page, app_url, viewport):
    page = sized_page(*VIEWPORTS[viewport])
    page.goto(f"{app_url}/?lang=zh")
    wait_idle(page)
    box = page.locator(".st-key-shop_search input")
    box.fill("红色连衣裙")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("照片与您的文字最匹配的").wait_for(timeout=120_000)
    assert_clean(page)
    page.wait_for_function(PICTURES_LOADED, timeout=90_000)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, SCREENSHOT_DIR / f"shop_search_zh_{viewport}.png")
