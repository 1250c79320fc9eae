"""A day of demos in minutes: many short sessions come and go, and the server's memory is watched.

Sessions arrive at a steady rate (``sessions`` spread over ``seconds``). Each one does what a
visitor of a live demo does: opens the home page, edits the recommendations (one of the load
bench's inputs), uploads a photo on the images page (a real upload: an upload URL over the
websocket, the bytes over HTTP), types a review, and closes its tab. Overlap follows from the
arrival rate and how long each visit takes, so the server always holds a few sessions.

The server's resident memory (its process tree) is read at the start, after every ``every``
closed sessions and at the end. The first ``every`` sessions are the warm-up (models load, caches
fill); growth is measured from there to the end. Errors are what a visitor would see as one
(exception boxes, ``st.error`` on a valid input, a dropped connection, a run that never finished).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from shopdl_core import config
from shopdl_core.load.memory import tree_rss_bytes
from shopdl_core.load.scenarios import SCENARIOS
from shopdl_core.ui.session_client import AppSession, SessionError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class SoakSettings:
    url: str
    pid: int | None  # the server process, for its memory; None when it is not ours to see
    sessions: int
    seconds: float  # the arrivals are spread over this long
    every: int = 100  # read the memory after this many closed sessions
    think_s: float = 0.5  # a visitor waits between half this and this between actions


@dataclass
class SoakReport:
    settings: SoakSettings
    rss: list[tuple[int, float, int]] = field(default_factory=list)  # (sessions closed, seconds, bytes)
    closed: int = 0
    most_open: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    action_seconds: list[float] = field(default_factory=list)
    wall_s: float = 0.0

    def growth_after_warm_up(self) -> float | None:
        """(end - after warm-up) / after warm-up; None before the warm-up was read."""
        warm = [bytes_ for closed, _, bytes_ in self.rss if closed >= self.settings.every]
        if len(warm) < 2 or not warm[0]:
            return None
        return (warm[-1] - warm[0]) / warm[0]


def soak_photos() -> list[Path]:
    photos = sorted(p for p in (config.assets_dir() / "samples" / "photos").rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES)
    if not photos:
        raise FileNotFoundError("no sample photos under assets/samples/photos")
    return photos


async def run_soak(settings: SoakSettings) -> SoakReport:
    report = SoakReport(settings)
    photos = [(path.name, path.read_bytes()) for path in soak_photos()]
    inputs = {scenario.demo: scenario.inputs for scenario in SCENARIOS}
    started = time.monotonic()
    report.rss.append((0, 0.0, tree_rss_bytes(settings.pid)))
    open_now = 0

    async def visit(index: int) -> None:
        nonlocal open_now
        await asyncio.sleep(index * settings.seconds / settings.sessions)
        rng = random.Random(index)
        open_now += 1
        report.most_open = max(report.most_open, open_now)
        try:
            await _one_visit(index, rng, photos, inputs, report)
        except (SessionError, OSError) as exc:
            report.errors.append((f"session {index}", f"session ended: {exc}"))
        finally:
            open_now -= 1
            report.closed += 1
            if report.closed % settings.every == 0 or report.closed == settings.sessions:
                report.rss.append((report.closed, time.monotonic() - started, tree_rss_bytes(settings.pid)))

    await asyncio.gather(*(visit(index) for index in range(settings.sessions)))
    report.wall_s = time.monotonic() - started
    return report


async def _one_visit(index, rng, photos, inputs, report: SoakReport) -> None:
    think = report.settings.think_s

    def check(run, where: str) -> None:
        report.errors.extend((f"session {index}, {where}", error) for error in run.errors)

    async with AppSession(report.settings.url) as session:
        check(await session.open(), "home")
        steps = [
            ("recommend", lambda: session.set_values(rng.choice(inputs["recommendations"]))),
            ("images", lambda: _upload(session, rng.choice(photos))),
            ("reviews", lambda: session.set_values(rng.choice(inputs["reviews"]))),
        ]
        for url_path, act in steps:
            if url_path not in session.pages:
                continue
            check(await session.open(url_path), f"open {url_path}")
            await asyncio.sleep(rng.uniform(think / 2, think))
            run = await act()
            report.action_seconds.append(run.seconds)
            check(run, url_path)
            if not run.texts("heading", "markdown"):
                report.errors.append((f"session {index}, {url_path}", "the page showed no answer"))


async def _upload(session: AppSession, photo: tuple[str, bytes]):
    await session.set_values({"image_source": "Upload a photo"})
    return await session.upload("image_upload", *photo)


def format_soak(report: SoakReport) -> str:
    from shopdl_core.load.bench import percentile  # the one percentile rule of the load figures

    settings = report.settings
    lines = [f"ShopDL soak against {settings.url}: {settings.sessions} sessions arriving over {settings.seconds:g} s; "
             f"each opens home, edits the recommendations, uploads a photo, types a review and closes",
             f"sessions closed  {report.closed} (at most {report.most_open} open at once)",
             f"errors           {len(report.errors)}"]
    if report.action_seconds:
        lines.append(f"action latency   p50 {percentile(report.action_seconds, 0.5):.3f} s  "
                     f"p95 {percentile(report.action_seconds, 0.95):.3f} s  max {max(report.action_seconds):.3f} s")
    if settings.pid is None:
        lines.append("server RSS       unknown (the server process is not visible to this user)")
    else:
        lines.append("server RSS       " + " · ".join(f"{closed} closed ({seconds:.0f} s): {size / 2**20:.0f} MB"
                                                        for closed, seconds, size in report.rss))
        growth = report.growth_after_warm_up()
        lines.append("growth           " + ("not measured (fewer sessions than one warm-up)" if growth is None else
                                            f"{growth:+.1%} from the first {settings.every} sessions to the end"))
    for where, what in report.errors[:10]:
        lines.append(f"  {where}: {what}")
    lines.append(f"wall time        {report.wall_s:.1f} s")
    return "\n".join(lines)
