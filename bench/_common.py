"""Helpers shared by the benchmark scripts (servers on loopback, memory, stats)."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))
# The benchmarks crawl our own servers on loopback: no politeness delays.
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "eduscrape.demo.settings")

from eduscrape._net import free_port, wait_for_port  # noqa: E402 - used by the benchmarks


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory (MB) of this process, or of its waited-for children."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else 0.0


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as workdir:
        proc = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(10)


@contextlib.contextmanager
def demo_web() -> Iterator[str]:
    """The demo web in its own process; yields its base URL (no trailing slash)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "eduscrape.demo", "--port", "0"],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "Serving" not in line:
            raise RuntimeError(f"demo web did not start: {line!r}")
        yield line.split(" on ", 1)[1].split()[0].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def mongo_server() -> Iterator[str]:
    """A MongoDB URI: ``MONGO_URI_BENCH`` if set, else a fresh embedded nx-27017."""
    if os.environ.get("MONGO_URI_BENCH"):
        yield os.environ["MONGO_URI_BENCH"]
        return
    from eduscrape.storage.embedded import EmbeddedMongo

    with tempfile.TemporaryDirectory(prefix="bench-mongo-") as data:
        server = EmbeddedMongo(data)
        info, _ = server.ensure()
        try:
            yield info.uri
        finally:
            server.stop()


def crawl_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MONGO_", "EDUSCRAPE_")) and k != "REDIS_URL"
    }
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env
