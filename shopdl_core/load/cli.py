"""``python -m shopdl_core bench app``: many concurrent sessions against the app on loopback."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from shopdl_core.errors import InputError
from shopdl_core.load.bench import BenchSettings, format_report, run_bench
from shopdl_core.load.memory import pid_listening_on
from shopdl_core.load.scenarios import SCENARIOS
from shopdl_core.load.server import running_app
from shopdl_core.load.startup import bench_startup, format_startup

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def add_commands(targets: dict[str, argparse._SubParsersAction]) -> None:
    parser = targets["bench"].add_parser(
        "app",
        help="N concurrent sessions repeating the three demos; latency, errors, server memory",
        description="Open N real Streamlit sessions against the app on loopback, each repeating the "
                    "demo interactions for a bounded time, and print sessions, interactions, errors, "
                    "p50/p95/max latency and the server's memory. Exits 1 when there were errors.",
    )
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long they run (default 60)")
    parser.add_argument("--url", help="an app already running on loopback, e.g. http://127.0.0.1:8501; "
                                      "default: start one on a free port and stop it at the end")
    parser.add_argument("--think", type=float, default=1.0,
                        help="a session waits between half this and this many seconds between actions "
                             "(default 1.0)")
    parser.add_argument("--demo", action="append", choices=[scenario.demo for scenario in SCENARIOS],
                        help="run only this demo (repeat for several; default: all)")
    parser.set_defaults(func=bench_app)

    startup = targets["bench"].add_parser(
        "startup",
        help="cold start: from `streamlit run app.py` to the home page interactive in Chromium",
        description="Start the app N times from scratch and print the time until its health check "
                    "answers and until the home page has rendered in headless Chromium (median).",
    )
    startup.add_argument("--runs", type=int, default=3, help="cold starts to time (default 3)")
    startup.set_defaults(func=bench_startup_command)


def bench_startup_command(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise InputError("--runs must be at least 1")
    print(format_startup(bench_startup(args.runs)), flush=True)
    return 0


def bench_app(args: argparse.Namespace) -> int:
    if args.sessions < 1 or args.seconds <= 0 or args.think < 0:
        raise InputError("--sessions must be at least 1, --seconds above 0 and --think 0 or more")
    if args.url is None:
        with running_app() as app:
            report = run_bench(_settings(args, app.url, app.process.pid))
    else:
        address = urlsplit(args.url)
        if address.scheme != "http" or address.hostname not in LOOPBACK_HOSTS or address.port is None:
            raise InputError(f"--url must be http://127.0.0.1:PORT (loopback only), not {args.url!r}")
        report = run_bench(_settings(args, args.url.rstrip("/"), pid_listening_on(address.port)))
    print(format_report(report), flush=True)
    return 1 if report.errors else 0


def _settings(args: argparse.Namespace, url: str, server_pid: int | None) -> BenchSettings:
    demos = tuple(args.demo or (scenario.demo for scenario in SCENARIOS))
    return BenchSettings(url=url, sessions=args.sessions, seconds=args.seconds, think_s=args.think,
                         server_pid=server_pid, demos=demos)
