"""Start ``deploy/serve.sh N`` (N app processes behind nginx) on free loopback ports, stop it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shopdl_core.config import REPO_DIR
from shopdl_core.load.server import free_port, is_healthy

START_TIMEOUT_S = 240  # N cold starts at once on a busy 2-core machine
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


@dataclass(frozen=True)
class Proxy:
    url: str
    replica_urls: tuple[str, ...]
    run_dir: Path
    process: subprocess.Popen

    def replica_address(self, name: str) -> str:
        """The upstream address of replica ``r1``, ``r2``..."""
        return self.replica_urls[int(name[1:]) - 1].removeprefix("http://")


def free_consecutive_ports(count: int) -> int:
    """The first of ``count`` consecutive loopback ports that are free now."""
    for _ in range(50):
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports found")


@contextmanager
def running_proxy(replicas: int, run_dir: Path) -> Iterator[Proxy]:
    """``deploy/serve.sh replicas`` with its logs in ``run_dir``; raises RuntimeError if it does not come up."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed: `make browser` (or apt-get install nginx) installs it")
    first = free_consecutive_ports(replicas)
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHON": sys.executable, "SHOPDL_RUN_DIR": str(run_dir),
           "SHOPDL_PROXY_PORT": url.rsplit(":", 1)[1], "SHOPDL_REPLICA_PORT": str(first)}
    log_path = run_dir / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["bash", "deploy/serve.sh", str(replicas)], cwd=REPO_DIR, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (b"serve: http" in log_path.read_bytes() and is_healthy(url)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"deploy/serve.sh did not come up:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.5)
        yield Proxy(url, tuple(f"http://127.0.0.1:{first + i}" for i in range(replicas)), run_dir, process)
    finally:
        process.terminate()  # serve.sh stops its app processes and nginx
        process.wait(timeout=60)
