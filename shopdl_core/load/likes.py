"""``python -m shopdl_core bench likes``: in headless Chromium, what a visitor waits for between a
like and recommendations that follow it.

One browser tab, one session, as a visitor browses: it opens a product from the storefront by its
link, presses Like and waits until the button says it took (the like's own run), then follows
"Back to the shop" and waits until "Recommended for you" counts that like (the storefront's run
with the new signal, pictures drawn: the script is idle). Each like is a different product.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from shopdl_core.load.browser import APP_IDLE, CHROMIUM, CHROMIUM_ARGS

LIKE_BUTTON = ".st-key-shop_like button"
LIKED_BUTTON = ".st-key-shop_unlike"
PRODUCT_LINKS = "a[href*='product=']"


@dataclass
class LikeTimings:
    products: list[str] = field(default_factory=list)
    like_s: list[float] = field(default_factory=list)  # click Like -> the button reads "Liked"
    updated_s: list[float] = field(default_factory=list)  # click "Back to the shop" -> updated list


def _product_of(href: str) -> str:
    return href.split("product=", 1)[1].split("&", 1)[0]


def _open_unliked_product(page, seen: set[str]) -> str:
    """Follow the first product link on the storefront that this visitor has not liked yet."""
    links = page.locator(PRODUCT_LINKS)
    links.first.wait_for()
    for index in range(links.count()):
        product_id = _product_of(links.nth(index).get_attribute("href"))
        if product_id not in seen:
            links.nth(index).click()
            return product_id
    raise RuntimeError("every product linked from the storefront is liked already")


def time_likes(page, base_url: str, likes: int) -> LikeTimings:
    timings = LikeTimings()
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(APP_IDLE)
    for count in range(1, likes + 1):
        product_id = _open_unliked_product(page, set(timings.products))
        page.locator(LIKE_BUTTON).wait_for()
        page.wait_for_selector(APP_IDLE)
        started = time.perf_counter()
        page.locator(LIKE_BUTTON).click()
        page.locator(LIKED_BUTTON).wait_for()
        timings.like_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        page.get_by_role("link", name="Back to the shop").click()
        page.get_by_text(f"{count} liked,", exact=False).wait_for()
        page.wait_for_selector(APP_IDLE)
        timings.updated_s.append(time.perf_counter() - started)
        timings.products.append(product_id)
    return timings


def bench_likes(base_url: str, likes: int) -> LikeTimings:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            visitors = []
            for _ in range(2):  # a warm-up visitor first: the first product page loads PhotoCNN and the reviews
                page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                page.set_default_timeout(120_000)
                visitors.append(time_likes(page, base_url, 1 if not visitors else likes))
            return visitors[-1]
        finally:
            browser.close()


def format_likes(timings: LikeTimings) -> str:
    total = [like + updated for like, updated in zip(timings.like_s, timings.updated_s)]
    return "\n".join([
        f"ShopDL like -> recommendations, one visitor in headless Chromium, {len(total)} likes "
        f"({', '.join(timings.products)})",
        f"like's run        median {statistics.median(timings.like_s):.3f} s  max {max(timings.like_s):.3f} s"
        "  (click Like -> the button reads Liked)",
        f"updated shop      median {statistics.median(timings.updated_s):.3f} s  max {max(timings.updated_s):.3f} s"
        "  (click Back to the shop -> Recommended for you counts the like, page idle)",
        f"like -> updated   median {statistics.median(total):.3f} s  max {max(total):.3f} s",
    ])
