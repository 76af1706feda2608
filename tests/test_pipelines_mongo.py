"""End to end: real crawls (subprocesses) through MongoPipeline into a real wire server."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from _support import PROJECT_DIR, crawl_env, scrapy_command
from pymongo import MongoClient

from eduscrape.storage.embedded import EmbeddedMongo

CAMPUS_PAGES = 15  # 14 files + one 404 page linked from library.html


@pytest.fixture
def CAMPUS(demo_url: str) -> dict[str, str]:
    # scope=path: the campus site links to another demo institution on the same host.
    return {"start_url": f"{demo_url}/campus/", "scope": "path"}


def test_items_land_in_mongodb_and_recrawl_does_not_duplicate(
    run_spider, demo_url, CAMPUS, mongo_client
) -> None:
    first = run_spider("site", args=CAMPUS)
    db = mongo_client[first.extra["database"]]
    assert first.stat("item_scraped_count") == CAMPUS_PAGES
    assert first.stat("mongo/written") == CAMPUS_PAGES
    assert db.pages.count_documents({}) == CAMPUS_PAGES
    pdf = db.pages.find_one({"url": f"{demo_url}/campus/research/annual-report-2025.pdf"})
    assert pdf["content_type"] == "application/pdf" and pdf["status"] == 200
    assert db.pages.count_documents({"status": 404}) == 1

    second = run_spider("site", args=CAMPUS)
    assert second.stat("mongo/written") == CAMPUS_PAGES
    assert db.pages.count_documents({}) == CAMPUS_PAGES  # upserts on the canonical URL


def test_csv_feed_has_item_columns_and_json_cells(run_spider, demo_url, CAMPUS) -> None:
    result = run_spider("site", args=CAMPUS, extra_feeds=["site.csv"])
    # The site spider yields pages and a crawl record per site: one CSV file per type.
    rows = list(csv.DictReader((result.workdir / "site-pages.csv").open()))
    assert (result.workdir / "site-site_crawls.csv").exists()
    assert len(rows) == CAMPUS_PAGES
    assert list(rows[0]) == [
        "url", "site", "status", "title", "content_type", "size_bytes", "depth", "outlinks", "fetched_at",
        "error",
    ]  # fmt: skip
    home = next(r for r in rows if r["url"].endswith("/campus/"))
    assert f"{demo_url}/campus/about.html" in json.loads(home["outlinks"])
    assert len(result.items) == CAMPUS_PAGES  # the JSON-lines feed of the same run


def test_bad_mongo_uri_gives_one_clear_error_line(run_spider, demo_url, CAMPUS) -> None:
    result = run_spider(
        "site",
        args=CAMPUS,
        mongo="mongodb://bob:hunter2@db.example:notaport/",
        check=False,
    )
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1
    assert "MONGO_URI" in errors[0] and "not a usable MongoDB URI" in errors[0]
    assert "hunter2" not in result.log
    assert "Traceback" not in result.log
    assert result.stat("finish_reason") == "bad_mongo_uri"
    assert result.stat("item_scraped_count") == 0


def test_embedded_default_starts_and_stops_with_the_crawl(run_spider, demo_url, CAMPUS) -> None:
    result = run_spider("site", args=CAMPUS, mongo=None)
    assert result.stat("mongo/written") == CAMPUS_PAGES
    assert "Storing items in embedded MongoDB" in result.log
    server = EmbeddedMongo(result.workdir / "mongo")
    assert server.status() is None  # stopped when the crawl ended
    info, _ = server.ensure()
    try:
        client = MongoClient(info.uri)
        assert client[result.extra["database"]].pages.count_documents({}) == CAMPUS_PAGES
        client.close()
    finally:
        server.stop()


def test_mongodb_stopped_mid_crawl_loses_nothing(demo_url, tmp_path: Path) -> None:
    """Stop MongoDB while items stream in: the rest is spooled, then replayed after restart."""
    pages = 400
    server = EmbeddedMongo(tmp_path / "m")
    info, _ = server.ensure()
    client = MongoClient(info.uri, serverSelectionTimeoutMS=2000)
    spool = tmp_path / "spool.jsonl"
    stats_file = tmp_path / "stats.json"
    common = [
        "-s",
        "MONGO_DATABASE=midcrawl",
        "-s",
        f"MONGO_SPOOL_PATH={spool}",
        "-s",
        "TELNETCONSOLE_ENABLED=False",
    ]
    crawl = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "site",
            "-a",
            f"start_url={demo_url}/bench/n{pages}/p/0.html",
            *common,
            "-s",
            f"EDUSCRAPE_STATS_FILE={stats_file}",
            "-s",
            "MONGO_BATCH_SIZE=20",
            "-s",
            "MONGO_FLUSH_INTERVAL=0.1",
            "-s",
            "MONGO_TIMEOUT_MS=500",
            "-s",
            "MONGO_RETRY_TIMES=1",
            "-s",
            "MONGO_RETRY_BACKOFF=0.05",
            "-s",
            "MONGO_PROBE_INTERVAL=1",
            "-s",
            "CONCURRENT_REQUESTS=2",
            "-s",
            "DOWNLOAD_DELAY=0.02",
        ],
        cwd=PROJECT_DIR,
        env=crawl_env(info.uri),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while client.midcrawl.pages.count_documents({}) < 40:
            assert time.monotonic() < deadline and crawl.poll() is None, (
                "crawl ended before MongoDB was stopped"
            )
            time.sleep(0.1)
        server.stop()
        _, log = crawl.communicate(timeout=120)
    finally:
        if crawl.poll() is None:
            crawl.kill()
    assert crawl.returncode == 0, log[-3000:]
    stats = json.loads(stats_file.read_text())
    assert stats["item_scraped_count"] == pages
    assert stats["mongo/spooled"] > 0
    assert stats.get("mongo/written", 0) + stats["mongo/spooled"] >= pages
    assert "unreachable" in log and "spooling items" in log

    # Restart on the same port and data; replay on demand with the scrapy command.
    info2, _ = server.ensure(port=info.port)
    try:
        done = scrapy_command("mongo", "replay", *common, env=crawl_env(info2.uri), timeout=120)
        assert done.returncode == 0, done.stderr
        assert "0 left" in done.stdout
        assert client.midcrawl.pages.count_documents({}) == pages
        urls = {d["url"] for d in client.midcrawl.pages.find({}, {"url": 1})}
        assert urls == {f"{demo_url}/bench/n{pages}/p/{i}.html" for i in range(pages)}
    finally:
        client.close()
        server.stop()


def test_spool_is_replayed_automatically_at_the_next_run(
    run_spider, demo_url, CAMPUS, mongo_uri, mongo_client
) -> None:
    dead = "mongodb://127.0.0.1:9/"  # discard port: nothing listens
    fast_fail = {"MONGO_TIMEOUT_MS": 300, "MONGO_RETRY_TIMES": 0}
    down = run_spider("site", args=CAMPUS, mongo=dead, settings=fast_fail)
    assert down.stat("mongo/written") == 0 and down.stat("mongo/spooled") == CAMPUS_PAGES
    spool = down.workdir / "spool.jsonl"
    assert sum(1 for _ in spool.open()) == CAMPUS_PAGES
    # Next run (another site, same spool): the spooled pages are replayed first.
    up = run_spider(
        "site",
        args={"start_url": f"{demo_url}/bench/n10/p/0.html"},
        settings={"MONGO_SPOOL_PATH": str(spool), "MONGO_DATABASE": down.extra["database"]},
    )
    assert up.stat("mongo/replayed") == CAMPUS_PAGES
    assert mongo_client[down.extra["database"]].pages.count_documents({}) == CAMPUS_PAGES + 10
    assert not spool.exists() or spool.stat().st_size == 0


def test_dict_natural_key_is_refused_not_spooled(
    tmp_path: Path, demo_url: str, mongo_uri: str, mongo_client
) -> None:
    """An item whose natural key is a dict is dropped with a clear, counted reason;
    the other items of its batch are stored and nothing waits in the spool."""
    spider = tmp_path / "keys.py"
    spider.write_text(
        "import scrapy\n"
        "class Keys(scrapy.Spider):\n"
        "    name = 'keys'\n"
        f"    start_urls = ['{demo_url}/campus/']\n"
        "    def parse(self, response):\n"
        "        yield {'url': {'$gt': ''}, 'n': 0}\n"
        "        yield {'url': ['a', 'b'], 'n': 1}\n"
        "        for i in range(5):\n"
        "            yield {'url': f'{response.url}?n={i}', 'n': i}\n"
    )
    stats_file = tmp_path / "stats.json"
    spool = tmp_path / "spool.jsonl"
    database = f"keys_{uuid.uuid4().hex[:8]}"
    done = scrapy_command(
        "runspider", str(spider),
        "-s", f"MONGO_DATABASE={database}", "-s", f"MONGO_SPOOL_PATH={spool}",
        "-s", f"EDUSCRAPE_STATS_FILE={stats_file}", "-s", "TELNETCONSOLE_ENABLED=False",
        env=crawl_env(mongo_uri), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(stats_file.read_text())
    assert stats["item_dropped_count"] == 2 and stats["item_scraped_count"] == 5
    assert "its natural key field 'url' is a dict" in done.stderr
    assert "its natural key field 'url' is a list" in done.stderr
    assert mongo_client[database]["keys"].count_documents({}) == 5
    assert stats.get("mongo/spooled", 0) == 0 and not spool.exists()


def test_fetch_and_feeds_only_crawls_start_no_database(
    tmp_path, run_spider, demo_url, CAMPUS
) -> None:
    import subprocess
    import sys

    from _support import PROJECT_DIR, crawl_env

    home = tmp_path / "home"
    page = tmp_path / "p.html"
    page.write_text("<html><title>x</title></html>")
    env = crawl_env(None, EDUSCRAPE_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "fetch", "--nolog", page.as_uri()],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "<title>x</title>" in done.stdout
    assert not home.exists(), "scrapy fetch started an embedded MongoDB"
    # A crawl to feeds only: no MONGO_URI, MONGO_ENABLED=False -> items in the feed, no server.
    result = run_spider(
        "site",
        args=CAMPUS,
        mongo=None,
        settings={"MONGO_ENABLED": False},
        env={"EDUSCRAPE_HOME": str(home)},
    )
    assert len(result.items) == CAMPUS_PAGES
    assert "mongo/written" not in result.stats
    assert not (result.workdir / "mongo").exists() and not home.exists()
