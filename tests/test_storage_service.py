"""StorageService: the crawl's one MongoDB (real nx-27017 servers, a real Scrapy crawler)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from _support import free_port
from scrapy.utils.test import get_crawler
from twisted.internet import reactor, task

from eduscrape.adaptation import learn
from eduscrape.adaptation.store import MongoStore
from eduscrape.storage import WriteTarget
from eduscrape.storage.embedded import EmbeddedMongo, ping
from eduscrape.storage.service import StorageService, items_persisted

PAGES = WriteTarget("pages", ("url",))
PAGE = "<html><body><h1 class='title'>Hello</h1><p class='by'>Ann Lee</p></body></html>"


def make_service(tmp_path: Path, **settings: Any) -> StorageService:
    crawler = get_crawler(
        settings_dict={
            "EXTENSIONS": {"eduscrape.storage.service.StorageService": 100},
            "MONGO_SPOOL_PATH": str(tmp_path / "spool.jsonl"),
            "EDUSCRAPE_MONGO_DATA_DIR": str(tmp_path / "mongo"),
            "MONGO_FLUSH_INTERVAL": 0.1,
            **settings,
        }
    )
    crawler.stats.open_spider()
    return StorageService.of(crawler)  # the Scrapy way: crawler.get_extension(...)


def test_started_once_by_whoever_asks_first_and_stopped_once(tmp_path: Path) -> None:
    service = make_service(tmp_path, MONGO_URI="")  # unset: the embedded server
    # Four components ask at once, from worker threads as asyncio.to_thread does. (The
    # threads outlive the server: it gets SIGTERM when the thread that started it ends.)
    pool = ThreadPoolExecutor(4)
    answers = list(pool.map(lambda _: service.start(), range(4)))
    assert answers == [True] * 4
    writer, server = service.writer, service.embedded
    assert writer is not None and server is not None and server.info is not None
    uri = server.info.uri
    assert service.uri == uri and ping(uri)
    assert service.start() and service.writer is writer  # later askers get the same one
    # Another crawl of the same data folder reuses the server and does not own it.
    other = make_service(tmp_path, MONGO_URI="")
    assert other.start() and other.uri == uri and other.embedded is None
    other.stop()
    assert ping(uri)
    service.put(PAGES, {"url": "http://x/1"})
    service.stop()
    service.stop()  # once only
    assert not ping(uri) and EmbeddedMongo(tmp_path / "mongo").status() is None
    assert writer.counts["written"] == 1
    with pytest.raises(RuntimeError):
        service.start()
    pool.shutdown()


def test_treegram_saves_are_spooled_while_down_then_replayed(
    tmp_path: Path, mongo_uri: str, mongo_db: Any
) -> None:
    tg = learn(PAGE, css="p.by")
    assert tg is not None
    dead = make_service(
        tmp_path,
        MONGO_URI=f"mongodb://127.0.0.1:{free_port()}/",
        MONGO_DATABASE=mongo_db.name,
        MONGO_TIMEOUT_MS=200,
        MONGO_RETRY_TIMES=0,
    )
    assert dead.start() is False  # not an error: writes wait in the spool
    store = MongoStore(dead.collection("treegrams"), dead)
    store.save("site", "post/author", tg, "learned")
    dead.stop()
    stats = dead.crawler.stats
    assert stats.get_value("mongo/spooled") == 1 and stats.get_value("mongo/spool_pending") == 1
    # The next crawl's service replays the spool when it starts.
    live = make_service(tmp_path, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    assert live.start()
    assert live.crawler.stats.get_value("mongo/replayed") == 1
    doc = mongo_db["treegrams"].find_one({"_id": "site|post/author"})
    assert doc["reason"] == "learned" and doc["xpath"] == tg.xpath
    assert MongoStore(live.collection("treegrams"), live).load("site")["post/author"].tag == "p"
    live.stop()


@pytest_twisted.ensureDeferred
async def test_persisted_signal_reports_the_watermark(
    tmp_path: Path, mongo_uri: str, mongo_db: Any
) -> None:
    service = make_service(
        tmp_path, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name, MONGO_BATCH_SIZE=2
    )
    seen: list[int] = []

    def on_persisted(watermark: int, **kwargs: Any) -> None:
        assert threading.current_thread() is threading.main_thread()  # the reactor's
        seen.append(watermark)

    service.crawler.signals.connect(on_persisted, signal=items_persisted, weak=False)
    assert service.start()
    assert service.queued == service.persisted == 0
    for i in range(5):
        service.put(PAGES, {"url": f"http://x/{i}"})
    assert service.queued == 5
    assert service.writer is not None and service.writer.flush(timeout=30)
    for _ in range(200):  # the signal is delivered through the reactor
        if seen and seen[-1] == 5:
            break
        await task.deferLater(reactor, 0.02)
    assert seen == sorted(seen) and seen[-1] == 5 and service.persisted == 5
    assert mongo_db.pages.count_documents({}) == 5
    service.stop()
