"""Live progress on a terminal, plain progress lines elsewhere (real crawls)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

from _support import PROJECT_DIR, crawl_env

from eduscrape.extensions.progress import Snapshot


def test_snapshot_line_reads_the_stats() -> None:
    snap = Snapshot.of(
        {
            "response_received_count": 12,
            "item_scraped_count": 10,
            "mongo/written": 9,
            "mongo/spooled": 1,
            "log_count/ERROR": 2,
            "wrapper/repaired": 3,
        }
    )
    line = snap.line(120.0, 100.0)
    assert line.startswith("Crawled 12 pages (at 120 pages/min), scraped 10 items")
    assert "stored 9, errors 2, spooled 1" in line
    assert "repaired 3, broken 0" in line


def _crawl_cmd(demo_url: str, *settings: str) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "site",
        "-a",
        f"start_url={demo_url}/bench/n400/p/0.html",
        "-s",
        "MONGO_DATABASE=test_progress",
        "-s",
        "DOWNLOAD_DELAY=0.01",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    ]
    for s in settings:
        cmd += ["-s", s]
    return cmd


def test_plain_lines_when_not_a_terminal(demo_url: str, mongo_uri: str) -> None:
    done = subprocess.run(
        _crawl_cmd(demo_url, "EDUSCRAPE_PROGRESS_INTERVAL=0.5", "EDUSCRAPE_REPORT=False"),
        cwd=PROJECT_DIR,
        env=crawl_env(mongo_uri),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [
        line for line in done.stderr.splitlines() if "[eduscrape.extensions.progress] INFO" in line
    ]
    assert len(lines) >= 2, done.stderr[-3000:]
    assert all("Crawled" in line and "stored" in line for line in lines)
    assert "\x1b[" not in done.stderr  # no terminal control codes in a log


def test_live_display_on_a_terminal(demo_url: str, mongo_uri: str) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        _crawl_cmd(demo_url, "EDUSCRAPE_REPORT=False"),
        cwd=PROJECT_DIR,
        env={**crawl_env(mongo_uri), "TERM": "xterm", "COLUMNS": "160"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(30)
    os.close(master)
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-3000:]
    assert "pages/min" in text and " stored" in text and "site " in text
    # The log still reaches the terminal, above the live line.
    assert "Spider closed (finished)" in text
