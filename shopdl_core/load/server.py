"""Start ``streamlit run app.py`` on a free loopback port, wait until it is healthy, stop it."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from shopdl_core.config import REPO_DIR

STARTUP_TIMEOUT_S = 90  # a cold start imports torch and streamlit on a busy 2-core machine
STOP_TIMEOUT_S = 15


@dataclass(frozen=True)
class RunningApp:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    """Start the app on 127.0.0.1:``port``; returns once its health endpoint answers "ok"."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    # The log goes to a file, not a pipe: nobody drains a pipe while the app runs, and a full
    # pipe would block the server's logging (and so the server) under load.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=REPO_DIR, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited early:\n{log.read().decode(errors='replace')}")
            if is_healthy(f"http://127.0.0.1:{port}"):
                return process
            time.sleep(0.3)
        stop_app(process)
        raise RuntimeError(f"streamlit did not become healthy within {STARTUP_TIMEOUT_S} s")


def stop_app(process: subprocess.Popen) -> None:
    """Terminate, and kill if it has not exited within STOP_TIMEOUT_S."""
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_app() -> Iterator[RunningApp]:
    port = free_port()
    process = start_app(port)
    try:
        yield RunningApp(url=f"http://127.0.0.1:{port}", process=process)
    finally:
        stop_app(process)


def is_healthy(url: str) -> bool:
    """True when the Streamlit server (or a proxy in front of it) at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.read() == b"ok"
    except OSError:
        return False
