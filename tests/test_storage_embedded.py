from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _support import PROJECT_DIR, scrapy_command
from pymongo import MongoClient

from eduscrape.storage.embedded import EmbeddedMongo, _pid_alive, ping


def test_start_reuse_stop(tmp_path: Path) -> None:
    server = EmbeddedMongo(tmp_path / "m")
    info, started = server.ensure()
    try:
        assert started and ping(info.uri)
        # A second user of the same folder reuses the running server.
        again, started_again = EmbeddedMongo(tmp_path / "m").ensure()
        assert not started_again and again.port == info.port
        client = MongoClient(info.uri)
        client.db.c.insert_one({"x": 1})
        client.close()
    finally:
        assert server.stop()
    assert server.status() is None and not ping(info.uri, timeout_ms=300)
    # Data persists in the SQLite files: a new server of the same folder sees it.
    server2 = EmbeddedMongo(tmp_path / "m")
    info2, _ = server2.ensure()
    try:
        client = MongoClient(info2.uri)
        assert client.db.c.count_documents({"x": 1}) == 1
        client.close()
    finally:
        server2.stop()


def test_server_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from eduscrape.storage.embedded import EmbeddedMongo\n"
        f"info, _ = EmbeddedMongo({str(tmp_path / 'm')!r}).ensure()\n"
        "print(info.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True
    )
    pid = int(owner.stdout.readline())
    assert _pid_alive(pid)
    owner.kill()  # kill -9: no atexit handler runs
    owner.wait()
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(pid)
    assert EmbeddedMongo(tmp_path / "m").status() is None


def test_mongo_command_start_status_stop(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "EDUSCRAPE_MONGO_DATA_DIR": str(tmp_path / "m"),
        "MONGO_SPOOL_PATH": str(tmp_path / "s.jsonl"),
    }
    env.pop("MONGO_URI", None)

    def scrapy(*args: str) -> str:
        done = scrapy_command("mongo", *args, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "started" in scrapy("start")
    try:
        status = scrapy("status")
        assert "running at mongodb://127.0.0.1:" in status
        assert "0 item(s) waiting" in status
    finally:
        assert "stopped" in scrapy("stop")
    assert "not running" in scrapy("status")
