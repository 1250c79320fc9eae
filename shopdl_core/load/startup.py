"""``python -m shopdl_core bench startup``: cold start, from `streamlit run` to an interactive home page."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from shopdl_core.load.browser import APP_IDLE, CHROMIUM, CHROMIUM_ARGS
from shopdl_core.load.server import free_port, start_app, stop_app


@dataclass(frozen=True)
class StartupTiming:
    healthy_s: float  # process start -> /_stcore/health answers
    interactive_s: float  # process start -> home page rendered in Chromium, script idle


def time_cold_start(browser) -> StartupTiming:
    started = time.perf_counter()
    process = start_app(port := free_port())
    healthy = time.perf_counter() - started
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("heading", name="ShopDL").first.wait_for(timeout=120_000)
        page.wait_for_selector(APP_IDLE, timeout=120_000)
        interactive = time.perf_counter() - started
        page.close()
    finally:
        stop_app(process)
    return StartupTiming(healthy, interactive)


def bench_startup(runs: int) -> list[StartupTiming]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            return [time_cold_start(browser) for _ in range(runs)]
        finally:
            browser.close()


def format_startup(timings: list[StartupTiming]) -> str:
    lines = [f"cold start over {len(timings)} runs (each a new `streamlit run app.py` process)"]
    for number, timing in enumerate(timings, start=1):
        lines.append(f"  run {number}: healthy {timing.healthy_s:.2f} s, home interactive {timing.interactive_s:.2f} s")
    lines.append(
        f"median: healthy {statistics.median(t.healthy_s for t in timings):.2f} s, "
        f"home interactive {statistics.median(t.interactive_s for t in timings):.2f} s"
    )
    return "\n".join(lines)
