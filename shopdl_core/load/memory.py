"""Resident memory of the app server (its whole process tree), sampled while a load runs."""

from __future__ import annotations

import threading

import psutil

SAMPLE_EVERY_S = 0.25


def tree_rss_bytes(pid: int | None) -> int:
    """RSS of the process and all its children; 0 when the process is unknown or gone."""
    if pid is None:
        return 0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass  # a child that exited between listing and reading
    return total


def pid_listening_on(port: int) -> int | None:
    """The process serving 127.0.0.1:``port``, when it is ours to see (None otherwise)."""
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
            return connection.pid
    return None


class PeakRssSampler:
    """Samples a process tree's RSS in a background thread; ``peak_bytes`` is the highest seen."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.pid))
            if self._stop.wait(SAMPLE_EVERY_S):
                return
