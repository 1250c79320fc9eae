"""A replica dies during a load: what the load sessions and a viewer in a real browser see.

Behind ``deploy/serve.sh N`` a viewer opens the Recommendations page in headless Chromium through
the proxy; ``sessions`` protocol sessions run the load bench's demos through the proxy too. Part
way through, the process that serves the viewer is killed (SIGKILL: a crash, not a clean stop).
The drill records what the viewer's page shows after the kill (a screenshot), how long until it is
served again (its next click re-runs the page on another process, which says what happened), and
whether the click after that answers as usual; and the load's
errors: sessions on the killed process lose their websocket, the others must not notice.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from shopdl_core.load.bench import AppServer, BenchReport, BenchSettings, run_bench
from shopdl_core.load.browser import APP_IDLE
from shopdl_core.load.memory import pid_listening_on
from shopdl_core.load.proxy import Proxy
from shopdl_core.load.scenarios import SCENARIOS

MOVED_NOTICE = "The server you were on stopped"  # shopdl_core.ui.replica's message
SERVED_AGAIN_TIMEOUT_S = 90


@dataclass
class FailoverReport:
    killed: str = ""  # the replica's name, r1 ...
    served_again_s: float | None = None  # kill to the viewer's page re-run elsewhere, None: never
    answered_click_s: float | None = None  # kill to a navigation click rendered without error
    viewer_errors: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    load: BenchReport | None = None


def _servers(proxy: Proxy) -> tuple[AppServer, ...]:
    return tuple(AppServer(url, pid_listening_on(int(url.rsplit(":", 1)[1]))) for url in proxy.replica_urls)


def run_failover_drill(proxy: Proxy, page, shots_dir: Path, sessions: int = 20, seconds: float = 40.0,
                       kill_after_s: float = 15.0) -> FailoverReport:
    """``page``: a Playwright page of a fresh browser context. Returns the drill's figures."""
    report = FailoverReport()
    shots_dir.mkdir(parents=True, exist_ok=True)
    demos = tuple(scenario.demo for scenario in SCENARIOS)
    # Warm every process first (models load once each), so the timed load starts at once.
    run_bench(BenchSettings(proxy.url, 1, 1.0, 0.2, _servers(proxy), demos))

    page.goto(proxy.url + "/recommend")
    page.wait_for_selector(APP_IDLE)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "shopdl_replica")
    report.killed = cookie
    victim_port = int(proxy.replica_urls[int(cookie[1:]) - 1].rsplit(":", 1)[1])

    settings = BenchSettings(proxy.url, sessions, seconds, 1.0, _servers(proxy), demos)
    load = threading.Thread(target=lambda: setattr(report, "load", run_bench(settings)))
    load.start()
    time.sleep(kill_after_s)
    os.kill(pid_listening_on(victim_port), signal.SIGKILL)
    killed_at = time.monotonic()

    time.sleep(1.0)
    report.screenshots.append(_shot(page, shots_dir / "failover-1-after-kill.png"))
    nav = page.get_by_test_id("stSidebarNav")
    try:
        # The viewer clicks on: the browser has reconnected to another process, whose first run
        # of this (to it, new) session says what happened.
        nav.get_by_role("link", name="Review sentiment").click()
        page.get_by_text(MOVED_NOTICE).wait_for(timeout=SERVED_AGAIN_TIMEOUT_S * 1000)
        page.wait_for_selector(APP_IDLE)
        report.served_again_s = time.monotonic() - killed_at
        report.screenshots.append(_shot(page, shots_dir / "failover-2-served-again.png"))
        nav.get_by_role("link", name="Product photos").click()
        page.wait_for_selector(APP_IDLE)
        report.answered_click_s = time.monotonic() - killed_at
        report.viewer_errors = page.get_by_test_id("stException").all_inner_texts()
        report.screenshots.append(_shot(page, shots_dir / "failover-3-next-page.png"))
    except Exception as exc:  # Playwright's timeout: the viewer was never served again
        report.viewer_errors.append(f"not served again within {SERVED_AGAIN_TIMEOUT_S} s: {exc}")
        report.screenshots.append(_shot(page, shots_dir / "failover-2-not-served.png"))
    load.join()
    return report


def _shot(page, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


def format_failover(report: FailoverReport) -> str:
    load = report.load
    lines = [f"killed replica   {report.killed} (SIGKILL) while the viewer's page and the load used it"]
    lines.append("viewer           " + ("never served again" if report.served_again_s is None else
                                      f"its click re-ran the page on another process {report.served_again_s:.1f} s "
                                      f"after the kill; the next click answered at "
                                      f"{report.answered_click_s or float('nan'):.1f} s"))
    lines.append(f"viewer errors    {len(report.viewer_errors)}" +
                 "".join(f"\n  {error}" for error in report.viewer_errors))
    if load is not None:
        dropped = [where for where, what in load.errors if "session ended" in what]
        other = [(where, what) for where, what in load.errors if "session ended" not in what]
        lines.append(f"load             {load.settings.sessions} sessions, {sum(load.interactions.values())} "
                     f"interactions; {len(dropped)} sessions lost their connection with the killed process; "
                     f"{len(other)} other errors")
        lines += [f"  {where}: {what}" for where, what in other[:10]]
    lines += [f"screenshot       {path}" for path in report.screenshots]
    return "\n".join(lines)
