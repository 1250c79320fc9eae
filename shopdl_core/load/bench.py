"""Many concurrent sessions repeating the demo interactions against a running app, and the figures.

First one session per server process runs every input once (warm-up: the models load, and the
result of each input is recorded; every process must give the first one's results). Then
``sessions`` sessions run together against ``url`` until ``seconds`` have passed, each visiting the
demos in turn and applying their inputs, with a think time between actions. Every result must
equal the warm-up's for the same input: shared cached models must not mix up concurrent requests.
With ``lab_trainings``, that many more sessions start a Model lab training before the load and
keep one running until it ends (``trainings``); their page runs are reported on their own.

``url`` is one app process, or a proxy in front of several (deploy/serve.sh); then ``servers``
lists the processes behind it, each warmed up directly and its memory measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from shopdl_core.load import run_async
from shopdl_core.ui.session_client import RUN_TIMEOUT_S, AppSession, PageRun, SessionError
from shopdl_core.load.memory import PeakRssSampler, tree_rss_bytes
from shopdl_core.load.scenarios import LAB_TRAINING, SCENARIOS, Scenario
from shopdl_core.load.trainings import PAUSE_LIMIT_S, LabLog, LabSession

HARD_DEADLINE_GRACE_S = RUN_TIMEOUT_S + 10  # the last action of each session may still be running
ERRORS_SHOWN = 10


@dataclass(frozen=True)
class AppServer:
    url: str  # the process's own address, e.g. http://127.0.0.1:8601
    pid: int | None  # for memory figures; None when the process is not ours to see


@dataclass(frozen=True)
class BenchSettings:
    url: str  # where the load sessions connect: the one server, or a proxy in front of ``servers``
    sessions: int
    seconds: float
    think_s: float  # a session waits a random time between think_s / 2 and think_s between actions
    servers: tuple[AppServer, ...]  # the app processes serving ``url``
    demos: tuple[str, ...]  # which of the SCENARIOS to run, by demo name
    lab_trainings: int = 0  # lab sessions keeping a training running during the load


@dataclass
class ServerMemory:
    """One server process tree's RSS, in bytes, at the bench's moments."""

    start: int = 0
    one_session: int = 0  # after its warm-up session
    all_sessions: int = 0
    peak: int = 0


@dataclass
class BenchReport:
    settings: BenchSettings
    demos: list[Scenario] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    expected: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)  # warm-up results
    interactions: Counter = field(default_factory=Counter)  # demo -> actions done
    action_seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # by demo
    open_seconds: list[float] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, what went wrong)
    memory: list[ServerMemory] = field(default_factory=list)  # one per settings.servers
    labs: list[LabLog] = field(default_factory=list)
    load_window: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of the load, last action included
    wall_s: float = 0.0

    def check(self, run: PageRun, where: str) -> bool:
        """Record the run's errors; True when it had none."""
        self.errors.extend((where, error) for error in run.errors)
        return not run.errors


def run_bench(settings: BenchSettings) -> BenchReport:
    report = BenchReport(settings, memory=[ServerMemory(start=tree_rss_bytes(s.pid)) for s in settings.servers])
    started = time.monotonic()
    run_async(_warm_up_then_load(report))
    report.wall_s = time.monotonic() - started
    return report


async def _warm_up_then_load(report: BenchReport) -> None:
    settings = report.settings
    for number, (server, memory) in enumerate(zip(settings.servers, report.memory), start=1):
        name = "warm-up session" if len(settings.servers) == 1 else f"warm-up session, server {number}"
        try:
            async with AppSession(server.url) as session:
                if number == 1:
                    await _warm_up(session, report)
                else:
                    await _check_same_results(session, report, name)
                memory.one_session = tree_rss_bytes(server.pid)
        except (SessionError, OSError) as exc:
            report.errors.append((name, str(exc)))
            return
    if not report.demos:
        return
    labs = [LabSession(number, settings.url, LAB_TRAINING, report.errors)
            for number in range(1, settings.lab_trainings + 1)]
    report.labs = [lab.log for lab in labs]
    load_done = asyncio.Event()
    trainings = [asyncio.create_task(lab.run(load_done)) for lab in labs]
    await asyncio.gather(*(lab.ready.wait() for lab in labs))
    started = time.monotonic()
    deadline = started + settings.seconds
    sessions = [asyncio.create_task(_run_session(index, report, deadline)) for index in range(settings.sessions)]
    samplers = [PeakRssSampler(server.pid) for server in settings.servers]
    with contextlib.ExitStack() as stack:
        for sampler in samplers:
            stack.enter_context(sampler)
        await _sleep_until(deadline)
        for server, memory in zip(settings.servers, report.memory):  # sessions finish their last action now
            memory.all_sessions = tree_rss_bytes(server.pid)
        _, still_running = await asyncio.wait(sessions, timeout=HARD_DEADLINE_GRACE_S)
        report.load_window = (started, time.monotonic())
        load_done.set()
    await asyncio.gather(*trainings)  # each presses Stop and sees its run end
    for task in still_running:
        task.cancel()
        report.errors.append(("load", "a session was still running at the hard deadline"))
    for sampler, memory in zip(samplers, report.memory):
        memory.peak = sampler.peak_bytes


async def _check_same_results(session: AppSession, report: BenchReport, where: str) -> None:
    """Warm up another server process: every input must give the first process's result."""
    report.check(await session.open(), f"{where}, home")
    for scenario in report.demos:
        report.check(await scenario.open(session), f"{where}, open {scenario.demo}")
        for index in range(len(scenario.inputs)):
            run = await scenario.act(session, index)
            expected = report.expected[(scenario.demo, index)]
            if report.check(run, f"{where}, {scenario.demo} input {index}") and scenario.result(run) != expected:
                report.errors.append((f"{where}, {scenario.demo} input {index}",
                                      _first_difference(scenario.result(run), expected)))


async def _warm_up(session: AppSession, report: BenchReport) -> None:
    report.check(await session.open(), "home")
    for scenario in SCENARIOS:
        if scenario.demo not in report.settings.demos:
            continue
        if scenario.url_path not in session.pages:
            report.skipped.append(f"{scenario.demo}: page '{scenario.url_path}' is not in the app yet")
            continue
        try:
            await _record_expected_results(session, scenario, report)
        except SessionError as exc:  # e.g. a widget the table names is not on the page: skip this demo
            report.errors.append((f"warm-up, {scenario.demo}", str(exc)))
        else:
            report.demos.append(scenario)


async def _record_expected_results(session: AppSession, scenario: Scenario, report: BenchReport) -> None:
    report.check(await scenario.open(session), f"warm-up, open {scenario.demo}")
    for index in range(len(scenario.inputs)):
        where = f"warm-up, {scenario.demo} input {index}"
        run = await scenario.act(session, index)
        result = scenario.result(run)
        if report.check(run, where) and not result:
            report.errors.append((where, f"no {'/'.join(scenario.result_kinds)} result rendered"))
        report.expected[(scenario.demo, index)] = result


async def _run_session(index: int, report: BenchReport, deadline: float) -> None:
    """Visit the demos in turn (each session starts at a different one), one input per visit."""
    settings = report.settings
    rng = random.Random(index)
    demos = report.demos
    try:
        async with AppSession(settings.url) as session:
            await _think(rng, settings.think_s)
            report.check(await session.open(), f"session {index}, home")
            visit = index
            actions: Counter[str] = Counter()  # per demo: its inputs in order (a like, then its undoing)
            while time.monotonic() < deadline:
                scenario = demos[visit % len(demos)]
                input_index = actions[scenario.demo] % len(scenario.inputs)
                actions[scenario.demo] += 1
                where = f"session {index}, {scenario.demo} input {input_index}"
                run = await scenario.open(session)
                report.open_seconds.append(run.seconds)
                report.check(run, where)
                await _think(rng, settings.think_s)
                run = await scenario.act(session, input_index)
                report.action_seconds[scenario.demo].append(run.seconds)
                report.interactions[scenario.demo] += 1
                expected = report.expected[(scenario.demo, input_index)]
                if report.check(run, where) and scenario.result(run) != expected:
                    report.errors.append((where, _first_difference(scenario.result(run), expected)))
                await _think(rng, settings.think_s)
                visit += 1
    except (SessionError, OSError) as exc:
        report.errors.append((f"session {index}", f"session ended: {exc}"))


def _first_difference(got: tuple[str, ...], expected: tuple[str, ...]) -> str:
    for position, (got_text, expected_text) in enumerate(zip(got, expected)):
        if got_text != expected_text:
            return (f"result differs from a single session's, text {position}: got {got_text[:200]!r}, "
                    f"expected {expected_text[:200]!r}")
    return f"result differs from a single session's: {len(got)} texts, expected {len(expected)}"


async def _think(rng: random.Random, think_s: float) -> None:
    await asyncio.sleep(rng.uniform(think_s / 2, think_s))


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * fraction - 1e-9))  # - 1e-9: float products like 0.95 * 100
    return ordered[rank - 1]


def format_report(report: BenchReport) -> str:
    settings = report.settings
    lines = [
        f"ShopDL load bench against {settings.url}: {settings.sessions} sessions for {settings.seconds:g} s, "
        f"think time {settings.think_s / 2:g}-{settings.think_s:g} s between actions",
    ]
    if len(settings.servers) > 1 or settings.servers[0].url != settings.url:
        lines.append(f"servers          {len(settings.servers)} behind it: "
                     f"{', '.join(server.url for server in settings.servers)} (each warmed up directly)")
    lines += [f"skipped  {note}" for note in report.skipped]
    per_demo = ", ".join(f"{demo.demo} {report.interactions[demo.demo]}" for demo in report.demos)
    total = sum(report.interactions.values())
    lines += [
        f"demos            {', '.join(demo.demo for demo in report.demos) or 'none'} "
        f"({len(report.expected)} fixed inputs, results of a single warm-up session recorded)",
        f"sessions         {settings.sessions}",
        f"interactions     {total} ({per_demo or 'none'}); {len(report.open_seconds)} page opens; "
        f"{total / settings.seconds:.1f} interactions/s",
        f"errors           {len(report.errors)}",
        f"action latency   {_latency_line(sum(report.action_seconds.values(), []))}  "
        f"(widget change to script_finished)",
        *(f"  {demo.demo:<16}{_latency_line(report.action_seconds[demo.demo])}" for demo in report.demos),
        f"open latency     {_latency_line(report.open_seconds)}  (navigation to a demo page)",
        *_lab_lines(report),
    ]
    for number, (server, memory) in enumerate(zip(settings.servers, report.memory), start=1):
        label = "server RSS" if len(settings.servers) == 1 else f"server {number} RSS"
        if server.pid:
            lines.append(
                f"{label:<17}at start {_mb(memory.start)} · after warm-up, 1 session "
                f"{_mb(memory.one_session)} · with {settings.sessions} sessions {_mb(memory.all_sessions)} · "
                f"peak {_mb(memory.peak)}"
            )
        else:
            lines.append(f"{label:<17}unknown (the server process is not visible to this user)")
    # The same failure tends to repeat in every session: show each once, with how often and where first.
    first_seen = {}
    for where, what in report.errors:
        first_seen.setdefault(what, where)
    counts = Counter(what for _, what in report.errors)
    for what, count in counts.most_common(ERRORS_SHOWN):
        lines.append(f"  {count} x {what}  (first: {first_seen[what]})")
    if len(counts) > ERRORS_SHOWN:
        lines.append(f"  ... and {len(counts) - ERRORS_SHOWN} more kinds of error")
    lines.append(f"wall time        {report.wall_s:.1f} s")
    return "\n".join(lines)


def _lab_lines(report: BenchReport) -> list[str]:
    if not report.labs:
        return []
    start, end = report.load_window
    throughout = sum(log.trained_throughout(start, end) for log in report.labs)
    lines = [f"lab trainings    {throughout} of {len(report.labs)} training throughout the load "
             f"({end - start:.1f} s, no {PAUSE_LIMIT_S:g} s without a new epoch, stopped at the end); "
             f"their page runs are not in the figures above"]
    for log in report.labs:
        lines.append(
            f"  lab session {log.number:<4}{log.runs_started} runs started, {log.runs_finished} ran to their "
            f"last epoch; {log.epochs(start, end)} epochs during the load, longest pause "
            f"{log.longest_pause(start, end):.1f} s; progress redraw {_latency_line(log.redraw_seconds)}"
        )
    return lines


def _latency_line(seconds: list[float]) -> str:
    if not seconds:
        return "no samples"
    return (f"p50 {percentile(seconds, 0.50):.3f} s  p95 {percentile(seconds, 0.95):.3f} s  "
            f"max {max(seconds):.3f} s")


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"
