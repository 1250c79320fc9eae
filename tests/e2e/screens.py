"""Full-page screenshots of every page, at a desktop and a phone size, in English and Chinese.

A plain script, not a test (pytest collects only test_*.py): it starts nothing, it drives an app
that is already running. Each page is opened, made to show what a presenter would show (a sample
photo analysed, a review scored, a lab run trained) and saved as ``<page>_<viewport>_<lang>.png``.
It also lists every Latin word that a heading, a metric or a navigation link breaks across two
lines, which a screenshot hides too easily (issue 19, finding 9).

    python -m streamlit run app.py --server.port 8613 --server.headless true &
    python -m tests.e2e.screens http://127.0.0.1:8613 /tmp/screens
    python -m tests.e2e.screens http://127.0.0.1:8613 /tmp/screens --pages images,lab --languages zh
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from shopdl_core.load.browser import APP_IDLE, CHROMIUM, CHROMIUM_ARGS

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
LANGUAGES = ("en", "zh")
SKELETONS = "[data-testid=stSkeleton], [data-testid=stSkeletonElement]"
MAX_HEIGHT = 12_000  # px; a longer page is cut there
TRAINING_TIMEOUT_MS = 180_000  # a lab run with the default settings, on a busy machine
REVIEWS = {"en": "Love this sweater! Soft, warm and it fits perfectly. I get compliments every time I wear it.",
           "zh": "质量很好，穿着很舒服，颜色也很正，下次还会再买。"}
# Text whose words must not be cut in two: headings, metrics, the navigation and page links.
UNBROKEN = ("[data-testid=stMain] h1, [data-testid=stMain] h2, [data-testid=stMain] h3, "
            "[data-testid=stMain] h4, [data-testid=stMetricLabel], [data-testid=stMetricValue], "
            "[data-testid=stPageLink-NavLink], [data-testid=stSidebarNavLink], [data-testid=stTab]")
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[A-Za-z][A-Za-z'-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def wait_idle(page) -> None:
    page.wait_for_timeout(300)  # let the rerun start before looking for "not running"
    page.wait_for_selector(APP_IDLE, timeout=120_000)


def settle(page, tries: int = 30) -> None:
    """Wait until the page is idle, shows no placeholder (a rerun, e.g. the one that writes
    ``?lang=`` back, draws skeletons first) and stays so for a second."""
    for _attempt in range(tries):
        wait_idle(page)
        if page.locator(SKELETONS).count() == 0:
            page.wait_for_timeout(1000)
            if page.locator(SKELETONS).count() == 0 and page.locator(APP_IDLE).count() == 1:
                return
        page.wait_for_timeout(500)


def score_review(page, language: str) -> None:
    box = page.get_by_test_id("stTextArea").locator("textarea").first
    box.fill(REVIEWS[language])
    box.press("Control+Enter")
    wait_idle(page)


def train(page, tab: int, button_key: str) -> None:
    """Open the lab's ``tab``, press its Train button and wait for the run's outcome."""
    page.get_by_test_id("stTab").nth(tab).click()
    wait_idle(page)
    page.locator(f".st-key-{button_key} button").click()
    page.locator("[data-testid=stAlertContentSuccess]:visible, [data-testid=stAlertContentError]:visible") \
        .first.wait_for(timeout=TRAINING_TIMEOUT_MS)
    wait_idle(page)


# name -> (path, what to do once it has loaded)
PAGES = {
    "shop": ("/", None),
    "product": ("/?product=P001", None),
    "how_it_works": ("/how-it-works", None),
    "recommend": ("/recommend", None),
    "images": ("/images", None),  # the first sample photo is analysed on arrival
    "reviews": ("/reviews", score_review),
    "lab": ("/lab", lambda page, language: train(page, 0, "lab_photo_train")),
    "lab_recommender": ("/lab", lambda page, language: train(page, 1, "lab_train")),
}


def address(base: str, path: str, language: str) -> str:
    return f"{base.rstrip('/')}{path}{'&' if '?' in path else '?'}lang={language}"


def full_page_screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so grow the window to it first."""
    height = page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]');"
                           " return main ? main.scrollHeight : document.body.scrollHeight; }")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(max(int(height), 600), MAX_HEIGHT)})
    page.wait_for_timeout(800)  # charts re-fit to the new size
    page.screenshot(path=str(path), full_page=True)


def take(browser, base: str, out: Path, name: str, viewport: str, language: str) -> dict:
    path, action = PAGES[name]
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1, locale="zh-CN" if language == "zh" else "en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(address(base, path, language))
        wait_idle(page)
        settle(page)
        if action is not None:
            action(page, language)
        settle(page)
        broken = page.evaluate(BROKEN_WORDS_JS, UNBROKEN)
        errors = page.get_by_test_id("stException").count()
        target = out / f"{name}_{viewport}_{language}.png"
        full_page_screenshot(page, target)
        return {"file": target.name, "broken_words": broken, "exceptions": errors}
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", help="the running app, e.g. http://127.0.0.1:8501")
    parser.add_argument("out", type=Path, help="folder for the PNGs (created)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of: {', '.join(PAGES)}")
    parser.add_argument("--viewports", default=",".join(VIEWPORTS))
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    report = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            for name in args.pages.split(","):
                for viewport in args.viewports.split(","):
                    for language in args.languages.split(","):
                        result = take(browser, args.base_url, args.out, name, viewport, language)
                        print(json.dumps(result, ensure_ascii=False), flush=True)
                        report.append(result)
        finally:
            browser.close()
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    problems = [r for r in report if r["broken_words"] or r["exceptions"]]
    print(f"{len(report)} screenshots in {args.out}; {len(problems)} with a broken word or an exception")


if __name__ == "__main__":
    main()
