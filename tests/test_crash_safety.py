"""kill -9 of a real crawl, then resume: every page in MongoDB exactly once.

Real processes only: ``scrapy crawl site`` of the demo web's generated bench site
into the session's nx-27017 server (or a MongoDB port nobody listens on), killed
with SIGKILL mid-crawl, then resumed with the same JOBDIR and storage folder.
Each test prints its numbers (pages expected / stored / duplicated), the figures
of the README's fault table (``pytest -s``).
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from _support import PROJECT_DIR, crawl_env, free_port, scrapy_command

PAGES = 400
# ~50 pages/s: the kill lands mid-crawl, well before the end, on a busy machine too.
SLOW = {"DOWNLOAD_DELAY": "0.02", "CONCURRENT_REQUESTS": "4", "MONGO_TIMEOUT_MS": "500"}
FAST = {"MONGO_TIMEOUT_MS": "500"}  # resumed runs: nothing to time


class Crawl:
    """One `scrapy crawl site` of the bench site with a JOBDIR and a storage folder."""

    def __init__(self, tmp: Path, demo_url: str, database: str, pages: int = PAGES) -> None:
        self.tmp = tmp
        self.start_url = f"{demo_url}/bench/n{pages}/p/0.html"
        self.database = database
        self.jobdir = tmp / "job"
        self.storage = tmp / "storage"  # spool and journal
        self.runs = 0

    @property
    def journal(self) -> Path:
        return self.storage / "journal"

    @property
    def spool(self) -> Path:
        return self.storage / "mongo.jsonl"

    def command(self, stats: Path, settings: dict[str, str]) -> list[str]:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"start_url={self.start_url}"]
        merged = {
            "JOBDIR": str(self.jobdir),
            "MONGO_DATABASE": self.database,
            "MONGO_SPOOL_PATH": str(self.spool),
            "EDUSCRAPE_STATS_FILE": str(stats),
            "EDUSCRAPE_REPORT": "False",
            "TELNETCONSOLE_ENABLED": "False",
            **settings,
        }
        for key, value in merged.items():
            cmd += ["-s", f"{key}={value}"]
        return cmd

    def start(self, mongo: str, settings: dict[str, str]) -> tuple[subprocess.Popen[str], Path]:
        self.runs += 1
        log = self.tmp / f"run{self.runs}.log"
        proc = subprocess.Popen(
            self.command(self.tmp / f"stats{self.runs}.json", settings),
            cwd=PROJECT_DIR,
            env=crawl_env(mongo),
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
            text=True,
        )
        return proc, log

    def run(self, mongo: str, settings: dict[str, str]) -> tuple[int, str, dict[str, Any]]:
        proc, log = self.start(mongo, settings)
        try:
            proc.wait(55)
        finally:
            if proc.poll() is None:
                proc.kill()
        stats_file = self.tmp / f"stats{self.runs}.json"
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        return proc.returncode, log.read_text(), stats


def _kill_when(proc: subprocess.Popen[str], log: Path, ready: Any, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the crawl ended before the kill point:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


def _journal_lines(folder: Path) -> list[dict[str, Any]]:
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        # Complete lines only: the crawl may be writing the last one right now.
        lines += [json.loads(x) for x in path.read_text().split("\n")[:-1] if x.strip()]
    return lines


def _urls(collection: Any) -> Counter[str]:
    return Counter(d["url"] for d in collection.find({}, {"url": 1}))


def _exactly_once(collection: Any) -> tuple[int, int]:
    """(documents, duplicated documents) of *collection*, by URL."""
    urls = _urls(collection)
    duplicated = sum(n - 1 for n in urls.values())
    return sum(urls.values()), duplicated


@pytest.fixture
def database(mongo_db: Any) -> Any:
    return mongo_db


def test_kill_9_then_resume_stores_every_page_exactly_once(
    tmp_path: Path, demo_url: str, mongo_uri: str, database: Any
) -> None:
    crawl = Crawl(tmp_path, demo_url, database.name)
    pages = database.pages
    proc, log = crawl.start(mongo_uri, SLOW)

    def writer_holds_items() -> bool:
        # The journal holds every write accepted so far (its first segment is not full):
        # kill once a batch is stored and at least 10 accepted items are not.
        accepted = len(_journal_lines(crawl.journal))
        stored = pages.count_documents({})
        return stored >= 40 and accepted - stored >= 10

    _kill_when(proc, log, writer_holds_items)
    stored_at_kill = pages.count_documents({})
    journaled_at_kill = len(_journal_lines(crawl.journal))
    unsettled_at_kill = journaled_at_kill - stored_at_kill  # in the writer's memory only
    assert (crawl.jobdir / "requests.seen").exists()
    assert unsettled_at_kill >= 10

    returncode, text, stats = crawl.run(mongo_uri, FAST)

    assert returncode == 0, text[-3000:]
    unclean = [x for x in text.splitlines() if "stopped without closing" in x]
    assert len(unclean) == 2, unclean  # one for the JOBDIR, one for the journal
    assert any("WARNING" in x and str(crawl.jobdir) in x for x in unclean)
    assert any("WARNING" in x and "recovered from its journal" in x for x in unclean)
    assert stats["finish_reason"] == "finished"
    assert stats["eduscrape/unclean_resume"] == 1
    stored, duplicated = _exactly_once(pages)
    print(
        f"\nkill -9 + resume: {PAGES} pages expected; at kill {stored_at_kill} stored, "
        f"{unsettled_at_kill} accepted but not stored (journal only); after resume {stored} stored, {duplicated} duplicated, "
        f"{stats.get('mongo/journal_recovered', 0)} recovered from the journal, "
        f"{stats.get('item_scraped_count', 0)} re-crawled"
    )
    assert (stored, duplicated) == (PAGES, 0)
    assert stats["mongo/journal_recovered"] >= unsettled_at_kill
    assert not list(crawl.journal.glob("*.jsonl"))  # a clean close leaves no journal
    assert not (crawl.jobdir / "eduscrape-running.json").exists()

    # A clean close is not mistaken for a kill: the next resume warns about nothing.
    returncode, text, stats = crawl.run(mongo_uri, FAST)
    assert returncode == 0, text[-3000:]
    assert "stopped without closing" not in text
    assert stats.get("item_scraped_count", 0) == 0  # finished: nothing left to crawl


def test_kill_9_while_mongodb_is_unreachable_loses_no_accepted_item(
    tmp_path: Path, demo_url: str, mongo_uri: str, database: Any
) -> None:
    crawl = Crawl(tmp_path, demo_url, database.name)
    nowhere = f"mongodb://127.0.0.1:{free_port()}/"
    settings = {**SLOW, "MONGO_PROBE_INTERVAL": "60"}

    def accepted() -> set[str]:
        urls = {line["key"]["url"] for line in _journal_lines(crawl.journal)}
        if crawl.spool.exists():
            for x in crawl.spool.read_text().splitlines():
                # A line torn by the kill is the spool's business (quarantine).
                with contextlib.suppress(ValueError, KeyError):
                    urls.add(json.loads(x)["key"]["url"])
        return urls

    def spooled() -> int:
        return len(crawl.spool.read_text().splitlines()) if crawl.spool.exists() else 0

    proc, log = crawl.start(nowhere, settings)
    # Kill once batches are spooled and at least 10 more accepted items are not.
    _kill_when(
        proc,
        log,
        lambda: spooled() >= 20 and len(_journal_lines(crawl.journal)) - spooled() >= 10,
    )
    at_kill = accepted()
    spooled_at_kill = spooled()
    only_journal = len(_journal_lines(crawl.journal)) - spooled_at_kill
    assert database.pages.count_documents({}) == 0
    assert only_journal >= 10

    # MongoDB is back: `scrapy mongo replay` stores the spool and the killed crawl's journal.
    replay = scrapy_command(
        "mongo",
        "replay",
        "-s",
        f"MONGO_DATABASE={database.name}",
        "-s",
        f"MONGO_SPOOL_PATH={crawl.spool}",
        env=crawl_env(mongo_uri),
    )
    assert replay.returncode == 0, replay.stderr[-3000:]
    assert "recovered from its journal" in replay.stderr
    stored = set(_urls(database.pages))
    print(
        f"\nkill -9 with MongoDB unreachable: {len(at_kill)} items accepted "
        f"({spooled_at_kill} spooled, {only_journal} only in the journal); after `scrapy mongo replay` "
        f"{len(at_kill & stored)} of them stored"
    )
    assert at_kill <= stored
    assert not list(crawl.journal.glob("*.jsonl"))

    # And the resumed crawl finishes the site: every page exactly once.
    returncode, text, stats = crawl.run(mongo_uri, FAST)
    assert returncode == 0, text[-3000:]
    assert "stopped without closing" in text
    assert stats["finish_reason"] == "finished"
    assert _exactly_once(database.pages) == (PAGES, 0)


def test_an_unknown_fsync_policy_stops_the_crawl_with_one_line(
    tmp_path: Path, demo_url: str, mongo_uri: str, database: Any
) -> None:
    crawl = Crawl(tmp_path, demo_url, database.name, pages=5)
    returncode, text, stats = crawl.run(mongo_uri, {"MONGO_JOURNAL_FSYNC": "sometimes"})
    assert returncode == 1, text[-3000:]
    assert stats["finish_reason"] == "bad_mongo_setting"
    assert text.strip().splitlines()[-1].startswith("crawl site failed (bad_mongo_setting)")
    assert "MONGO_JOURNAL_FSYNC must be one of batch, always, off" in text
    assert "Traceback" not in text


def test_graceful_stop_then_resume_keeps_scrapys_own_resume(
    tmp_path: Path, demo_url: str, mongo_uri: str, database: Any
) -> None:
    """Ctrl-C (one SIGINT) saves Scrapy's queue: no warning, nothing re-crawled twice."""
    crawl = Crawl(tmp_path, demo_url, database.name)
    proc, log = crawl.start(mongo_uri, SLOW)
    deadline = time.monotonic() + 40
    while database.pages.count_documents({}) < 60:
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(40) == 0, log.read_text()[-3000:]
    first = json.loads((tmp_path / "stats1.json").read_text())
    assert first["finish_reason"] == "shutdown"
    assert not (crawl.jobdir / "eduscrape-running.json").exists()

    returncode, text, stats = crawl.run(mongo_uri, FAST)
    assert returncode == 0, text[-3000:]
    assert "stopped without closing" not in text
    # Scrapy's resume: the second run fetches only what the first had not.
    assert first["item_scraped_count"] + stats["item_scraped_count"] < PAGES + 20
    assert _exactly_once(database.pages) == (PAGES, 0)
