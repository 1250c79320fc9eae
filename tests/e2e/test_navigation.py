"""Every page opens from a deep link and from the sidebar navigation, with no error of any kind."""

from urllib.parse import urlsplit

import pytest

from shopdl_core.ui.demos import DEMOS
from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e

# url path (the page file's stem, Streamlit's default) -> a heading the page shows
PAGES = {"": "ShopDL shop", "how-it-works": "How ShopDL works", **{demo.page.rsplit("/", 1)[-1].removesuffix(".py"): demo.title for demo in DEMOS}}


@pytest.mark.parametrize("url_path", list(PAGES))
def test_deep_link_opens_the_page(page, fresh_app_url, url_path):
    # A freshly started server: its first request is the deep link, as when a presenter pastes one.
    page.goto(f"{fresh_app_url}/{url_path}")
    wait_idle(page)
    assert page.get_by_role("heading", name=PAGES[url_path]).first.is_visible()
    nav_links = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    assert [link.split("\n")[-1].strip() for link in nav_links] == ["Shop", "How it works", *(demo.title for demo in DEMOS)]
    assert "Device:" in page.get_by_test_id("stSidebar").inner_text()  # app.py's shared sidebar ran
    assert_clean(page)


NAV_TITLES = {"how-it-works": "How it works"}  # the navigation's title where it differs from the heading


@pytest.mark.parametrize("url_path", [path for path in PAGES if path])
def test_navigation_link_opens_the_page(page, app_url, url_path):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=NAV_TITLES.get(url_path, PAGES[url_path])).click()
    wait_idle(page)
    assert urlsplit(page.url).path.rstrip("/").endswith(f"/{url_path}")  # ?lang= follows the path
    assert page.get_by_role("heading", name=PAGES[url_path]).first.is_visible()
    assert_clean(page)


def test_home_shows_device_and_models(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    assert "Device:" in sidebar.inner_text()
    assert_clean(page)
