"""``shopdl bench app``: many concurrent sessions against the app, or a proxy in front of several
app processes, on loopback; ``shopdl bench startup``: cold start to an interactive home page."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from shopdl_core.errors import InputError
from shopdl_core.load import run_async
from shopdl_core.load.bench import AppServer, BenchSettings, format_report, run_bench
from shopdl_core.load.memory import pid_listening_on
from shopdl_core.load.scenarios import SCENARIOS
from shopdl_core.load.server import running_app
from shopdl_core.load.soak import SoakSettings, format_soak, run_soak
from shopdl_core.load.startup import bench_startup, format_startup

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def add_commands(targets: dict[str, argparse._SubParsersAction]) -> None:
    parser = targets["bench"].add_parser(
        "app",
        help="N concurrent sessions against the app or a proxy; latency, errors, memory",
        description="Open N real Streamlit sessions against the app on loopback, each repeating the "
                    "demo interactions for a bounded time, and print sessions, interactions, errors, "
                    "p50/p95/max latency and the server's memory. Exits 1 when there were errors. "
                    "Against a proxy (deploy/serve.sh), name each app process behind it with "
                    "--replica-url: each is warmed up directly and its memory reported.",
    )
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long they run (default 60)")
    parser.add_argument("--url", help="an app or a proxy already running on loopback, e.g. http://127.0.0.1:8501; "
                                      "default: start one app on a free port and stop it at the end")
    parser.add_argument("--replica-url", action="append", metavar="URL",
                        help="with --url a proxy: one app process behind it, e.g. http://127.0.0.1:8601 "
                             "(repeat for each; default: --url is the app itself)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="a session waits between half this and this many seconds between actions "
                             "(default 1.0)")
    parser.add_argument("--demo", action="append", choices=[scenario.demo for scenario in SCENARIOS],
                        help="run only this demo (repeat for several; default: all)")
    parser.add_argument("--lab-trainings", type=int, default=0, metavar="N",
                        help="before the load, open N more sessions on the Model lab page that each train "
                             "the learned recommender until the load ends (pressing Train again when a run "
                             "finishes, Stop at the end) and report whether they kept training; the server "
                             "runs at most 2 at once (default 0)")
    parser.set_defaults(func=bench_app)

    soak = targets["bench"].add_parser(
        "soak",
        help="a day of demos: many short sessions come and go; the server's memory over time",
        description="Sessions arrive at a steady rate; each opens the home page, edits the recommendations, "
                    "uploads a photo, types a review and closes. Prints errors, latency and the server's RSS "
                    "at the start, every --every closed sessions and at the end, and the growth after the "
                    "first --every sessions (the warm-up). Exits 1 when there were errors.",
    )
    soak.add_argument("--sessions", type=int, default=1000, help="sessions in all (default 1000)")
    soak.add_argument("--seconds", type=float, default=1200.0,
                      help="the arrivals are spread over this long (default 1200: 20 minutes)")
    soak.add_argument("--every", type=int, default=100, help="read the memory every N closed sessions (default 100)")
    soak.add_argument("--url", help="an app already running on loopback; default: start one and stop it at the end")
    soak.set_defaults(func=bench_soak)

    failover = targets["bench"].add_parser(
        "failover",
        help="kill one of 2 app processes behind nginx during a load; what the load and a browser viewer see",
        description="Start deploy/serve.sh 2, open a viewer in headless Chromium through the proxy, run a load "
                    "of --sessions sessions, kill the viewer's app process part way (SIGKILL) and report the "
                    "load's errors, how long until the viewer is served again and screenshots of what it saw. "
                    "Needs nginx and Chromium (make browser). Exits 1 when the viewer was not served again.",
    )
    failover.add_argument("--sessions", type=int, default=20, help="load sessions (default 20)")
    failover.add_argument("--seconds", type=float, default=40.0, help="how long the load runs (default 40)")
    failover.add_argument("--kill-after", type=float, default=15.0, help="seconds into the load (default 15)")
    failover.add_argument("--shots", default="artifacts/failover", help="screenshot folder (default artifacts/failover)")
    failover.set_defaults(func=bench_failover)

    likes = targets["bench"].add_parser(
        "likes",
        help="in Chromium: the time from a like to recommendations that follow it",
        description="One visitor in headless Chromium opens products from the storefront, likes each and goes "
                    "back to the shop; prints the median time of the like's run and of the updated "
                    "recommendations. Needs Chromium (make browser).",
    )
    likes.add_argument("--likes", type=int, default=5, help="products to like (default 5)")
    likes.add_argument("--url", help="an app already running on loopback; default: start one and stop it at the end")
    likes.set_defaults(func=bench_likes_command)

    startup = targets["bench"].add_parser(
        "startup",
        help="cold start: from `streamlit run app.py` to the home page interactive in Chromium",
        description="Start the app N times from scratch and print the time until its health check "
                    "answers and until the home page has rendered in headless Chromium (median).",
    )
    startup.add_argument("--runs", type=int, default=3, help="cold starts to time (default 3)")
    startup.set_defaults(func=bench_startup_command)


def bench_soak(args: argparse.Namespace) -> int:
    if args.sessions < 1 or args.seconds <= 0 or args.every < 1:
        raise InputError("--sessions and --every must be at least 1, --seconds above 0")
    if args.url is None:
        with running_app() as app:
            report = run_async(run_soak(_soak_settings(args, app.url, app.process.pid)))
    else:
        server = _loopback_server(args.url, "--url")
        report = run_async(run_soak(_soak_settings(args, server.url, server.pid)))
    print(format_soak(report), flush=True)
    return 1 if report.errors else 0


def _soak_settings(args: argparse.Namespace, url: str, pid: int | None) -> SoakSettings:
    return SoakSettings(url=url, pid=pid, sessions=args.sessions, seconds=args.seconds, every=args.every)


def bench_failover(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from shopdl_core.load.browser import CHROMIUM, CHROMIUM_ARGS
    from shopdl_core.load.failover import format_failover, run_failover_drill
    from shopdl_core.load.proxy import running_proxy

    if args.sessions < 1 or args.seconds <= 0 or not 0 < args.kill_after < args.seconds:
        raise InputError("--sessions must be at least 1, and --kill-after between 0 and --seconds")
    with tempfile.TemporaryDirectory() as run_dir, running_proxy(2, Path(run_dir)) as proxy, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(120_000)
        report = run_failover_drill(proxy, page, Path(args.shots), args.sessions, args.seconds, args.kill_after)
        browser.close()
    print(format_failover(report), flush=True)
    return 0 if report.served_again_s is not None and not report.viewer_errors else 1


def bench_likes_command(args: argparse.Namespace) -> int:
    from shopdl_core.load.likes import bench_likes, format_likes

    if args.likes < 1:
        raise InputError("--likes must be at least 1")
    if args.url is None:
        with running_app() as app:
            timings = bench_likes(app.url, args.likes)
    else:
        timings = bench_likes(_loopback_server(args.url, "--url").url, args.likes)
    print(format_likes(timings), flush=True)
    return 0


def bench_startup_command(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise InputError("--runs must be at least 1")
    print(format_startup(bench_startup(args.runs)), flush=True)
    return 0


def bench_app(args: argparse.Namespace) -> int:
    if args.sessions < 1 or args.seconds <= 0 or args.think < 0 or args.lab_trainings < 0:
        raise InputError("--sessions must be at least 1, --seconds above 0, --think and --lab-trainings 0 or more")
    if args.replica_url and args.url is None:
        raise InputError("--replica-url names the app processes behind a proxy: give the proxy as --url")
    if args.url is None:
        with running_app() as app:
            report = run_bench(_settings(args, app.url, (AppServer(app.url, app.process.pid),)))
    else:
        servers = tuple(_loopback_server(url, "--replica-url") for url in args.replica_url or ())
        url = _loopback_server(args.url, "--url").url
        report = run_bench(_settings(args, url, servers or (_loopback_server(url, "--url"),)))
    print(format_report(report), flush=True)
    return 1 if report.errors else 0


def _loopback_server(url: str, option: str) -> AppServer:
    address = urlsplit(url)
    if address.scheme != "http" or address.hostname not in LOOPBACK_HOSTS or address.port is None:
        raise InputError(f"{option} must be http://127.0.0.1:PORT (loopback only), not {url!r}")
    return AppServer(url.rstrip("/"), pid_listening_on(address.port))


def _settings(args: argparse.Namespace, url: str, servers: tuple[AppServer, ...]) -> BenchSettings:
    demos = tuple(args.demo or (scenario.demo for scenario in SCENARIOS))
    return BenchSettings(url=url, sessions=args.sessions, seconds=args.seconds, think_s=args.think,
                         servers=servers, demos=demos, lab_trainings=args.lab_trainings)
