"""Model lab sessions that keep a training running on the server while the bench loads the other
demos (``bench app --lab-trainings N``).

Each is a browser tab on the lab page: it sets the experiment's widgets and presses Train, then
reruns the page's live fragment on the timer the page sets (``st.fragment(run_every=...)``), as
the browser does, and reads "Epoch i of n" from its progress bar. A run that ends before the load
does (the page says "Training finished ...") is started again; when the load is over, Stop is
pressed and the page must say "Training stopped ..." (or finished). The tab stays connected
throughout, since the server stops a lab run whose session disconnects. Its page runs are timed
apart from the demos' and never enter their latency figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

from shopdl_core.load.scenarios import LabTraining
from shopdl_core.ui.session_client import AppSession, PageRun, SessionError

EPOCH_PROGRESS = re.compile(r"Epoch (\d+) of (\d+)")
STOP_TIMEOUT_S = 30  # Stop is checked between epochs
PAUSE_LIMIT_S = 5.0  # a session whose epoch count stood still longer than this was not training throughout


@dataclass
class LabLog:
    """What one lab session saw."""

    number: int
    runs_started: int = 0
    runs_finished: int = 0  # runs that reached their last epoch (and were started again)
    advances: list[tuple[float, int]] = field(default_factory=list)  # (monotonic time, epochs gained) per rise
    redraw_seconds: list[float] = field(default_factory=list)  # the fragment's timed reruns
    failed: bool = False
    stopped: bool = False  # Stop was pressed at the end and the page then said how the run ended

    def epochs(self, start: float, end: float) -> int:
        """Epochs seen trained between ``start`` and ``end``."""
        return sum(gained for moment, gained in self.advances if start <= moment <= end)

    def longest_pause(self, start: float, end: float) -> float:
        """The longest time between ``start`` and ``end`` in which no new epoch was seen."""
        moments = [start, *(moment for moment, _ in self.advances if start < moment < end), end]
        return max(later - earlier for earlier, later in zip(moments, moments[1:]))

    def trained_throughout(self, start: float, end: float) -> bool:
        return not self.failed and self.stopped and self.longest_pause(start, end) <= PAUSE_LIMIT_S


class LabSession:
    """One tab keeping ``training`` going: ``await run(load_done)``; ``ready`` is set once its first
    Train press has been answered (or the session failed)."""

    def __init__(self, number: int, url: str, training: LabTraining, errors: list[tuple[str, str]]):
        self.log = LabLog(number)
        self.ready = asyncio.Event()
        self._url = url
        self._training = training
        self._errors = errors  # the bench's: (where, what went wrong)
        self._epoch = 0  # of the current run, as last seen

    async def run(self, load_done: asyncio.Event) -> None:
        try:
            async with AppSession(self._url) as session:
                _check(await session.open(self._training.url_path), "open")
                await self._train(session)
                self.ready.set()
                await self._keep_training(session, load_done)
                await self._stop(session)
        except (SessionError, OSError) as exc:
            self.log.failed = True
            self._errors.append((f"lab session {self.log.number}", str(exc)))
        finally:
            self.ready.set()

    async def _train(self, session: AppSession) -> None:
        run = await session.set_values(self._training.settings, click=self._training.train)
        _check(run, "Train")
        if refused := run.texts("warning"):
            raise SessionError(f"Train refused: {refused[0]}")
        if not run.texts("progress") or _outcome(run):
            raise SessionError(f"Train pressed, but the page shows no training going on: {run.texts()[-3:]}")
        self.log.runs_started += 1
        self._epoch = 0
        self._read_progress(run)

    async def _keep_training(self, session: AppSession, load_done: asyncio.Event) -> None:
        while not load_done.is_set():
            if outcome := _outcome(session.last_run):
                if not outcome.startswith("Training finished"):
                    raise SessionError(f"the training ended before the load did: {outcome}")
                self.log.runs_finished += 1
                await self._train(session)
                continue
            if await _is_set_within(load_done, _redraw_interval(session)):
                return
            run = await session.rerun_fragment(next(iter(session.auto_reruns)))
            self.log.redraw_seconds.append(run.seconds)
            _check(run, "redraw")
            self._read_progress(run)

    async def _stop(self, session: AppSession) -> None:
        run = await session.set_values({}, click=self._training.stop)
        _check(run, "Stop")
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while not _outcome(run) and time.monotonic() < deadline:
            await asyncio.sleep(_redraw_interval(session))
            run = await session.rerun_fragment(next(iter(session.auto_reruns)))
            _check(run, "redraw after Stop")
        if not _outcome(run):
            raise SessionError(f"the page did not show the training's end within {STOP_TIMEOUT_S} s of Stop")
        self.log.stopped = True

    def _read_progress(self, run: PageRun) -> None:
        for text in run.texts("progress"):
            if (shown := EPOCH_PROGRESS.fullmatch(text)) and int(shown[1]) > self._epoch:
                self.log.advances.append((time.monotonic(), int(shown[1]) - self._epoch))
                self._epoch = int(shown[1])


def _outcome(run: PageRun) -> str | None:
    """The page's message on how the run ended ("Training finished/stopped after ..."), if it has ended."""
    return next((text for text in run.texts("success") if text.startswith("Training ")), None)


def _redraw_interval(session: AppSession) -> float:
    """The page's redraw timer; a training the page does not redraw is one a user cannot follow."""
    if not session.auto_reruns:
        raise SessionError("the page shows a training going on but set no timer to redraw it "
                           "(st.fragment run_every): a browser would show its progress frozen")
    return next(iter(session.auto_reruns.values()))


def _check(run: PageRun, action: str) -> None:
    """A page error ends the lab session: its training cannot be vouched for any more."""
    if run.errors:
        raise SessionError(f"{action}: {run.errors[0]}")


async def _is_set_within(event: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()
