"""Shared fixtures: real servers on loopback, nothing mocked.

- ``mongo_uri``: an nx-27017 wire-protocol server for the session (or a real
  MongoDB when ``MONGO_URI_TEST`` is set);
- ``mongo_db``: a fresh database per test on that server, dropped afterwards;
- ``serve_folder``: serve a folder over HTTP on a free loopback port;
- ``demo_url``: the project's demo web (``python -m eduscrape.demo``) for the session;
- ``redis_url``: a redis-server on a free loopback port;
- ``run_spider``: run ``scrapy crawl`` in a subprocess against ``mongo_uri`` and
  return its stats, items (JSON-lines feed) and output.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _support import PROJECT_DIR, crawl_env, free_port, wait_for_port
from pymongo import MongoClient

from eduscrape.demo.server import spawn as spawn_demo_web
from eduscrape.storage.embedded import EmbeddedMongo

# -- MongoDB -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("MONGO_URI_TEST"):
        yield os.environ["MONGO_URI_TEST"]
        return
    server = EmbeddedMongo(tmp_path_factory.mktemp("mongo"))
    info, _ = server.ensure()
    yield info.uri
    server.stop()


@pytest.fixture
def mongo_client(mongo_uri: str) -> Iterator[MongoClient[Any]]:
    client: MongoClient[Any] = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    yield client
    client.close()


@pytest.fixture
def mongo_db(mongo_client: MongoClient[Any]) -> Iterator[Any]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    with contextlib.suppress(Exception):
        mongo_client.drop_database(name)


# -- HTTP --------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve_folder() -> Iterator[Callable[[str | os.PathLike[str]], str]]:
    """``serve_folder(path) -> "http://127.0.0.1:PORT"`` (a real HTTP server in a thread)."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: str | os.PathLike[str]) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def demo_url() -> Iterator[str]:
    """Base URL (no trailing slash) of the demo web, served by its own process."""
    proc, url = spawn_demo_web(PROJECT_DIR)
    yield url
    proc.terminate()
    proc.wait(10)


# -- Redis -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail(
            "redis-server is not installed: `make test` installs it (apt-get install redis-server)"
        )
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            exe,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


# -- Crawls ------------------------------------------------------------------------


@dataclass
class CrawlResult:
    returncode: int
    stats: dict[str, Any]
    items: list[dict[str, Any]]
    log: str
    feed: Path
    workdir: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def stat(self, key: str, default: Any = 0) -> Any:
        return self.stats.get(key, default)


@pytest.fixture
def run_spider(tmp_path: Path, mongo_uri: str) -> Callable[..., CrawlResult]:
    """Run ``scrapy crawl NAME -a k=v`` in a subprocess (real process, real servers).

    ``settings`` become ``-s`` options; the default database is unique per test
    (``result.extra["database"]``); ``extra_feeds`` adds feed files in
    ``result.workdir``; ``timeout`` bounds the run.
    """
    database = f"test_{uuid.uuid4().hex[:12]}"
    counter = iter(range(1000))

    def run(
        name: str,
        *,
        args: dict[str, str] | None = None,
        settings: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        mongo: str | None = mongo_uri,
        timeout: float = 180,
        check: bool = True,
        extra_feeds: list[str] | None = None,
    ) -> CrawlResult:
        n = next(counter)
        workdir = tmp_path / f"crawl{n}"
        workdir.mkdir()
        feed = workdir / f"{name}.jsonl"
        stats_file = workdir / "stats.json"
        cmd = [sys.executable, "-m", "scrapy", "crawl", name, "-O", str(feed)]
        for extra in (
            extra_feeds or []
        ):  # more feed files, e.g. "pages.csv" (in the crawl's workdir)
            cmd += ["-O", str(workdir / extra)]
        for key, value in (args or {}).items():
            cmd += ["-a", f"{key}={value}"]
        merged = {
            "MONGO_DATABASE": database,
            "MONGO_SPOOL_PATH": str(workdir / "spool.jsonl"),
            "EDUSCRAPE_MONGO_DATA_DIR": str(workdir / "mongo"),
            "EDUSCRAPE_STATS_FILE": str(stats_file),
            "HTTPCACHE_DIR": str(workdir / "httpcache"),
            "TELNETCONSOLE_ENABLED": False,
            **(settings or {}),
        }
        for key, value in merged.items():
            cmd += [
                "-s",
                f"{key}={json.dumps(value) if isinstance(value, (dict, list)) else value}",
            ]
        proc = subprocess.run(
            cmd,
            cwd=PROJECT_DIR,
            env=crawl_env(mongo, **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        items = (
            [json.loads(line) for line in feed.read_text().splitlines() if line.strip()]
            if feed.exists()
            else []
        )
        result = CrawlResult(
            proc.returncode,
            stats,
            items,
            proc.stderr + proc.stdout,
            feed,
            workdir,
            {"database": database},
        )
        if check and (proc.returncode != 0 or not stats):
            raise AssertionError(
                f"crawl {name} failed (exit {proc.returncode}):\n{result.log[-4000:]}"
            )
        return result

    return run
