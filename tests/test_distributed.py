"""Distributed crawling: real redis-server, real worker processes, the demo bench site.

The bench site is served in this process (the demo web's own server class) so
that every hit can be counted on the server side.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from _support import PROJECT_DIR, crawl_env, scrapy_command

from eduscrape.demo.server import DemoServer, _Handler
from eduscrape.distributed.queue import LEASE_META_KEY, LeasedPriorityQueue

N_PAGES = 1000
PAGE_PREFIX = f"/bench/n{N_PAGES}/p/"


class _CountingHandler(_Handler):
    def _dispatch(self, head: bool = False) -> None:
        with self.server.hits_lock:  # type: ignore[attr-defined]
            self.server.hits[self.path] += 1  # type: ignore[attr-defined]
        super()._dispatch(head)


@pytest.fixture
def bench_web() -> Iterator[DemoServer]:
    server = DemoServer()
    server.RequestHandlerClass = _CountingHandler
    server.hits = Counter()  # type: ignore[attr-defined]
    server.hits_lock = threading.Lock()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def page_hits(server: DemoServer) -> Counter[str]:
    with server.hits_lock:  # type: ignore[attr-defined]
        return Counter(
            {p: n for p, n in server.hits.items() if p.startswith(PAGE_PREFIX)}  # type: ignore[attr-defined]
        )


@dataclass
class Worker:
    proc: subprocess.Popen[str]
    feed: Path
    stats_file: Path
    log: Path

    def urls(self) -> list[str]:
        if not self.feed.exists():
            return []
        return [json.loads(x)["url"] for x in self.feed.read_text().splitlines() if x.strip()]

    def stats(self) -> dict[str, Any]:
        return json.loads(self.stats_file.read_text()) if self.stats_file.exists() else {}


def start_worker(
    tmp: Path, label: str, start_url: str, redis_url: str, mongo_uri: str, db: str, **settings: Any
) -> Worker:
    tmp.mkdir(parents=True, exist_ok=True)
    feed, stats_file, log = (
        tmp / f"{label}.jsonl",
        tmp / f"{label}.stats.json",
        tmp / f"{label}.log",
    )
    cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"start_url={start_url}"]
    cmd += ["-O", str(feed)]
    merged = {
        "MONGO_DATABASE": db,
        "MONGO_SPOOL_PATH": str(tmp / f"{label}.spool.jsonl"),
        "EDUSCRAPE_STATS_FILE": str(stats_file),
        "TELNETCONSOLE_ENABLED": False,
        "EDUSCRAPE_SUMMARY": False,
        "LOG_LEVEL": "INFO",
        **settings,
    }
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=PROJECT_DIR,
            env=crawl_env(mongo_uri, REDIS_URL=redis_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    return Worker(proc, feed, stats_file, log)


def keys_for(run: str) -> dict[str, str]:
    return {
        "SCHEDULER_QUEUE_KEY": f"{run}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{run}:%(spider)s:dupefilter",
        "REDIS_START_URLS_KEY": f"{run}:%(name)s:start_urls",
    }


def wait(worker: Worker, timeout: float) -> int:
    try:
        return worker.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        worker.proc.kill()
        raise AssertionError(
            f"worker did not finish in {timeout} s:\n{worker.log.read_text()[-3000:]}"
        ) from None


def test_leased_queue_requeues_expired_leases(redis_url: str) -> None:
    """Unit level, real Redis: pop leases, ack forgets, an expired lease comes back."""
    from scrapy import Request, Spider
    from scrapy.settings import Settings

    class _S(Spider):
        name = "s"

        def parse(self, response: Any) -> None:  # pragma: no cover - not called
            pass

    spider = _S()
    spider.settings = Settings({"EDUSCRAPE_REDIS_LEASE": 0.3})  # type: ignore[assignment]
    server = redis.Redis.from_url(redis_url)
    queue = LeasedPriorityQueue(server, spider, f"u{uuid.uuid4().hex}:%(spider)s:requests")
    for i, prio in enumerate([0, 5, 1]):
        queue.push(Request(f"http://example.test/{i}", priority=prio, callback=spider.parse))
    first = queue.pop()
    assert first.url.endswith("/1")  # highest priority first
    second = queue.pop()
    assert len(queue) == 1 and queue.leased() == 2
    assert queue.ack([first.meta[LEASE_META_KEY]]) == 1
    assert queue.leased() == 1
    # The second lease is renewed once, then left to expire: it comes back exactly once.
    assert queue.renew([second.meta[LEASE_META_KEY]]) == 1
    time.sleep(0.4)
    again = [queue.pop(), queue.pop()]
    assert sorted(r.url for r in again) == ["http://example.test/0", second.url]
    assert queue.requeued == 1 and queue.pop() is None
    # Acknowledging an expired (re-queued) lease is a no-op; renewing it does not revive it.
    assert queue.ack([second.meta[LEASE_META_KEY]]) == 0
    assert queue.renew([second.meta[LEASE_META_KEY]]) == 0
    # An early stop gives leases back at once.
    assert queue.release([r.meta[LEASE_META_KEY] for r in again]) == 2
    assert len(queue) == 2 and queue.leased() == 0
    queue.clear()


def test_two_workers_crawl_each_page_once(
    tmp_path: Path, redis_url: str, mongo_uri: str, mongo_db: Any, bench_web: DemoServer
) -> None:
    start = f"{bench_web.base_url}{PAGE_PREFIX}0.html"
    run = f"t{uuid.uuid4().hex[:8]}"
    workers = [
        start_worker(tmp_path, f"w{i}", start, redis_url, mongo_uri, mongo_db.name, **keys_for(run))
        for i in range(2)
    ]
    for w in workers:
        assert wait(w, 150) == 0, w.log.read_text()[-3000:]

    per_worker = [w.urls() for w in workers]
    # Both workers took part, none fetched a page the other one had.
    assert all(len(urls) > 50 for urls in per_worker), [len(u) for u in per_worker]
    assert not set(per_worker[0]) & set(per_worker[1])
    union = set(per_worker[0]) | set(per_worker[1])
    assert len(union) == len(per_worker[0]) + len(per_worker[1]) == N_PAGES
    # Server side: every page requested exactly once across both workers.
    hits = page_hits(bench_web)
    assert len(hits) == N_PAGES and set(hits.values()) == {1}
    # Stats agree, and no lease had to be re-queued in a healthy run.
    stats = [w.stats() for w in workers]
    assert sum(s.get("item_scraped_count", 0) for s in stats) == N_PAGES
    assert all(s.get("redis/lease_requeued", 0) == 0 for s in stats)
    # MongoDB: one document per page, written by both workers.
    pages = mongo_db["pages"]
    assert pages.count_documents({}) == N_PAGES
    assert len(pages.distinct("url")) == N_PAGES
    # The shared queue and fingerprints are dropped once the whole crawl is over.
    assert not redis.Redis.from_url(redis_url).keys(f"{run}:*")


def test_killed_worker_pages_are_still_crawled(
    tmp_path: Path, redis_url: str, mongo_uri: str, mongo_db: Any, bench_web: DemoServer
) -> None:
    start = f"{bench_web.base_url}{PAGE_PREFIX}0.html"
    run = f"t{uuid.uuid4().hex[:8]}"
    settings = {**keys_for(run), "EDUSCRAPE_REDIS_LEASE": 3}
    victim = start_worker(
        tmp_path, "victim", start, redis_url, mongo_uri, mongo_db.name, **settings
    )
    survivor = start_worker(
        tmp_path, "survivor", start, redis_url, mongo_uri, mongo_db.name, **settings
    )
    # Kill the victim mid-crawl, holding leases (requests in flight, unacknowledged).
    deadline = time.monotonic() + 60
    while sum(page_hits(bench_web).values()) < 250:
        assert time.monotonic() < deadline, victim.log.read_text()[-3000:]
        assert victim.proc.poll() is None
        time.sleep(0.02)
    os.kill(victim.proc.pid, signal.SIGKILL)
    victim.proc.wait(10)
    assert wait(survivor, 150) == 0, survivor.log.read_text()[-3000:]

    # The survivor re-queued the victim's expired leases and finished the whole site.
    stats = survivor.stats()
    assert stats.get("finish_reason") == "finished"
    assert stats.get("redis/lease_requeued", 0) > 0
    hits = page_hits(bench_web)
    assert len(hits) == N_PAGES
    # Pages fetched twice are only those the victim held when it died.
    assert sum(hits.values()) - N_PAGES <= stats["redis/lease_requeued"]
    pages = mongo_db["pages"]
    assert pages.count_documents({}) == N_PAGES
    assert len(pages.distinct("url")) == N_PAGES


def test_restarted_worker_takes_back_a_killed_workers_leases_at_once(
    tmp_path: Path, redis_url: str, mongo_uri: str, mongo_db: Any, bench_web: DemoServer
) -> None:
    """kill -9 of the only worker, then a new one: one WARNING, the dead worker's leases
    back at once (not after the 60 s lease), every page once in MongoDB."""
    start = f"{bench_web.base_url}{PAGE_PREFIX}0.html"
    run = f"t{uuid.uuid4().hex[:8]}"
    first = start_worker(
        tmp_path, "first", start, redis_url, mongo_uri, mongo_db.name, **keys_for(run)
    )
    deadline = time.monotonic() + 60
    while sum(page_hits(bench_web).values()) < 200:
        assert time.monotonic() < deadline, first.log.read_text()[-3000:]
        assert first.proc.poll() is None, first.log.read_text()[-3000:]
        time.sleep(0.02)
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait(10)
    server = redis.Redis.from_url(redis_url)
    held = server.zcard(f"{run}:site:requests:leases")

    second = start_worker(
        tmp_path, "second", start, redis_url, mongo_uri, mongo_db.name, **keys_for(run)
    )
    assert wait(second, 50) == 0, second.log.read_text()[-3000:]  # < the 60 s lease
    log = second.log.read_text()
    unclean = [x for x in log.splitlines() if "stopped without closing" in x]
    assert any("WARNING" in x and "leased request(s) are back in the queue" in x for x in unclean)
    stats = second.stats()
    assert stats["finish_reason"] == "finished"
    assert stats["redis/unclean_workers"] == 1
    assert stats["redis/lease_requeued_unclean"] == held > 0
    pages = mongo_db["pages"]
    print(
        f"\nkilled worker, restarted: {held} leases given back at once, "
        f"{stats.get('mongo/journal_recovered', 0)} items from the journal, "
        f"{pages.count_documents({})} stored / {N_PAGES}, {len(pages.distinct('url'))} distinct"
    )
    assert pages.count_documents({}) == N_PAGES
    assert len(pages.distinct("url")) == N_PAGES
    assert not server.hgetall(f"{run}:site:requests:workers")  # the second one closed cleanly


def test_start_urls_pushed_to_redis(
    tmp_path: Path, redis_url: str, mongo_uri: str, mongo_db: Any, bench_web: DemoServer
) -> None:
    """A spider with its start URL only in Redis (scrapy-redis's <spider>:start_urls list)."""
    run = f"t{uuid.uuid4().hex[:8]}"
    server = redis.Redis.from_url(redis_url)
    extra = f"{bench_web.base_url}/bench/n20/p/0.html"
    server.rpush(f"{run}:site:start_urls", extra, "  ", '{"url": ')
    # The site spider needs a start_url argument; a page outside its scope is not followed,
    # so what is crawled beyond it comes from the pushed URL.
    w = start_worker(
        tmp_path,
        "w",
        f"{bench_web.base_url}/bench/n1/p/0.html",
        redis_url,
        mongo_uri,
        mongo_db.name,
        **keys_for(run),
    )
    assert wait(w, 90) == 0, w.log.read_text()[-3000:]
    urls = set(w.urls())
    assert {f"{bench_web.base_url}/bench/n20/p/{i}.html" for i in range(20)} <= urls
    # The blank and the malformed entries are skipped and counted.
    assert w.stats().get("redis/start_urls") == 1
    assert w.stats().get("redis/start_urls_skipped") == 2
    assert server.llen(f"{run}:site:start_urls") == 0


def test_addon_switches_only_with_redis_url(redis_url: str) -> None:
    from scrapy.settings import Settings

    from eduscrape.distributed import RedisAddon

    plain = Settings({"SPIDER_MIDDLEWARES": {}, "DOWNLOADER_MIDDLEWARES": {}})
    RedisAddon().update_settings(plain)
    assert plain["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert not plain.getdict("SPIDER_MIDDLEWARES")

    distributed = Settings(
        {
            "REDIS_URL": redis_url,
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
            "SPIDER_MIDDLEWARES": {},
            "DOWNLOADER_MIDDLEWARES": {},
        },
        priority="project",
    )
    RedisAddon().update_settings(distributed)
    assert distributed["SCHEDULER"] == "eduscrape.distributed.scheduler.RedisScheduler"
    assert distributed["DUPEFILTER_CLASS"] == "eduscrape.distributed.scheduler.RedisDupeFilter"
    # An explicit choice wins over the add-on's default.
    assert distributed["SCHEDULER_QUEUE_CLASS"] == "scrapy_redis.queue.FifoQueue"
    assert "eduscrape.distributed.middleware.RedisStartMiddleware" in distributed.getdict(
        "SPIDER_MIDDLEWARES"
    )


def test_dupefilter_uses_scrapys_fingerprints(redis_url: str) -> None:
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler

    from eduscrape.distributed.scheduler import RedisDupeFilter

    run = f"t{uuid.uuid4().hex[:8]}"
    crawler = get_crawler(
        Spider, {"REDIS_URL": redis_url, "SCHEDULER_DUPEFILTER_KEY": f"{run}:%(spider)s:df"}
    )
    spider = crawler._create_spider("fp")
    df = RedisDupeFilter.from_spider(spider)
    request = Request("http://example.test/a?b=2&a=1#frag")
    assert (
        df.request_fingerprint(request) == crawler.request_fingerprinter.fingerprint(request).hex()
    )
    assert not df.request_seen(request)
    # Same canonical URL (query order, fragment): a duplicate for every worker sharing the key.
    assert df.request_seen(Request("http://example.test/a?a=1&b=2"))
    other = RedisDupeFilter.from_spider(spider)
    assert other.request_seen(Request("http://example.test/a?a=1&b=2#x"))
    assert not other.request_seen(Request("http://example.test/a?a=1&b=3"))
    df.clear()


def test_redis_command_push_and_status(redis_url: str) -> None:
    run = f"t{uuid.uuid4().hex[:8]}"
    opts = ["-s", f"REDIS_START_URLS_KEY={run}:%(name)s:start_urls"]
    opts += ["-s", f"SCHEDULER_QUEUE_KEY={run}:%(spider)s:requests"]
    env = crawl_env(None, REDIS_URL=redis_url)
    push = scrapy_command(
        "redis", "push", "site", "http://a.test/", "http://b.test/", *opts, env=env
    )
    assert push.returncode == 0, push.stderr
    assert "pushed 2 start URL(s); 2 waiting" in push.stdout
    status = scrapy_command("redis", "status", "site", "--json", *opts, env=env)
    report = json.loads(status.stdout)
    assert report["start_urls"] == 2 and report["queued"] == 0 and report["leased"] == 0
    assert redis.Redis.from_url(redis_url).lrange(f"{run}:site:start_urls", 0, -1) == [
        b"http://a.test/",
        b"http://b.test/",
    ]
    missing = scrapy_command("redis", "status", "site")
    assert missing.returncode != 0 and "REDIS_URL is not set" in missing.stderr + missing.stdout


def test_redis_url_password_is_redacted() -> None:
    # `scrapy redis status` and every log record go through the project's redaction.
    from eduscrape._logging import redact

    assert redact("redis://:s3cret@h.lan:6380/1") == "redis://:***@h.lan:6380/1"
    assert redact("redis://u:s3cret@h.lan/0") == "redis://u:***@h.lan/0"


@pytest.mark.parametrize("case", ["connection_refused", "http_404"])
def test_failed_requests_release_their_lease(
    case: str, tmp_path: Path, redis_url: str, mongo_uri: str, mongo_db: Any, bench_web: DemoServer
) -> None:
    """A request that never reaches the spider's callback is still acknowledged: no hang."""
    from _support import free_port

    run = f"t{uuid.uuid4().hex[:8]}"
    if case == "connection_refused":
        start, extra = f"http://127.0.0.1:{free_port()}/x.html", {"RETRY_TIMES": 1}
    else:  # the HttpError middleware drops it (the site spider normally records error pages)
        start, extra = f"{bench_web.base_url}/bench/n10/p/99.html", {"HTTPERROR_ALLOW_ALL": False}
    t0 = time.monotonic()
    w = start_worker(
        tmp_path, "w", start, redis_url, mongo_uri, mongo_db.name, **keys_for(run), **extra
    )
    # A crawl that got no item and only a refused connection exits 1 (honest exits).
    expected_exit = 1 if case == "connection_refused" else 0
    assert wait(w, 60) == expected_exit, w.log.read_text()[-3000:]
    stats = w.stats()
    assert stats["finish_reason"] == "finished"
    assert stats.get("redis/lease_ack_timeout", 0) == 0
    assert stats.get("redis/lease_acked", 0) >= 1
    assert time.monotonic() - t0 < 40  # well under EDUSCRAPE_REDIS_ACK_TIMEOUT
    assert not redis.Redis.from_url(redis_url).keys(f"{run}:*")
