"""MongoPipeline: every item type into MongoDB, batched and off the reactor.

The writing itself (batches, retries, spool) is :class:`eduscrape.storage.MongoWriter`;
this class wires it to Scrapy: settings, stats, the embedded default server,
spool replay at open, a clean stop at close.

Stats: ``mongo/queued``, ``mongo/collection/<name>``, ``mongo/written``, ``mongo/retried``, ``mongo/spooled``,
``mongo/replayed``, ``mongo/rejected``, ``mongo/batches``, ``mongo/no_key``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider

from eduscrape.pipelines._targets import document_for, target_for, targets_of
from eduscrape.storage import MongoWriter, redact_uri
from eduscrape.storage.connect import configured_uri
from eduscrape.storage.embedded import EmbeddedMongo
from eduscrape.storage.spool import Spool
from eduscrape.storage.uri import BadMongoURI

logger = logging.getLogger(__name__)


# The one rule for picking MongoDB lives in eduscrape.storage.connect.
resolve_mongo_uri = configured_uri


class MongoPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.writer: MongoWriter | None = None
        self.embedded: EmbeddedMongo | None = None
        self._owns_embedded = False
        self.uri = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        return cls(crawler)

    @property
    def spider(self) -> Spider:
        return self.crawler.spider

    async def open_spider(self) -> None:
        s = self.settings
        try:
            uri = resolve_mongo_uri(s)
        except BadMongoURI as exc:
            logger.error("%s", exc)
            self.stats.set_value("mongo/error", "bad_uri")
            raise CloseSpider("bad_mongo_uri") from None
        if uri is None:
            self.embedded = EmbeddedMongo(s.get("EDUSCRAPE_MONGO_DATA_DIR"))
            info, self._owns_embedded = await asyncio.to_thread(self.embedded.ensure)
            uri = info.uri
        self.uri = uri
        self.writer = MongoWriter(
            uri,
            s.get("MONGO_DATABASE"),
            spool=Spool(s.get("MONGO_SPOOL_PATH")),
            batch_size=s.getint("MONGO_BATCH_SIZE"),
            flush_interval=s.getfloat("MONGO_FLUSH_INTERVAL"),
            retry_times=s.getint("MONGO_RETRY_TIMES"),
            retry_backoff=s.getfloat("MONGO_RETRY_BACKOFF"),
            timeout_ms=s.getint("MONGO_TIMEOUT_MS"),
            probe_interval=s.getfloat("MONGO_PROBE_INTERVAL"),
            on_count=lambda name, n: self.stats.inc_value(f"mongo/{name}", n),
        )
        await asyncio.to_thread(self._prepare, self.writer)
        self.writer.start()

    def _prepare(self, writer: MongoWriter) -> None:
        where = "embedded " if self.embedded else ""
        if not writer.ping():
            writer.mark_down(ConnectionError("ping failed"))
            return
        logger.info(
            "Storing items in %sMongoDB %s, database %r",
            where,
            redact_uri(self.uri),
            writer.database_name,
        )
        item_types = list(getattr(self.spider, "item_types", []) or [])
        writer.ensure_indexes(targets_of(item_types))
        replayed = writer.replay_spool()
        if replayed:
            logger.info("Replayed %d spooled item(s) from %s", replayed, writer.spool.path)

    def process_item(self, item: Any) -> Any:
        assert self.writer is not None
        target = target_for(item, self.settings.get("MONGO_DEFAULT_COLLECTION") or self.spider.name)
        document = document_for(item, target)
        if not target.key_fields or any(document.get(f) in (None, "") for f in target.key_fields):
            # No natural key: key on a content hash, so a re-crawl still does not duplicate.
            self.stats.inc_value("mongo/no_key")
            digest = hashlib.sha1(
                json.dumps(document, sort_keys=True, default=str).encode()
            ).hexdigest()
            document["_content_hash"] = digest
            target = type(target)(target.collection, ("_content_hash",))
        self.writer.put(target, document)
        self.stats.inc_value("mongo/queued")
        self.stats.inc_value(f"mongo/collection/{target.collection}")
        return item

    async def close_spider(self) -> None:
        writer = self.writer
        if writer is None:
            return
        await asyncio.to_thread(self._finish, writer)
        spooled = len(writer.spool)
        self.stats.set_value("mongo/spool_pending", spooled)
        if spooled:
            logger.warning(
                "%d item(s) wait in the spool %s; they are replayed at the next run or with `scrapy mongo replay`",
                spooled,
                writer.spool.path,
            )
        if self.embedded is not None and self._owns_embedded:
            await asyncio.to_thread(self.embedded.stop)

    @staticmethod
    def _finish(writer: MongoWriter) -> None:
        writer.close()
        # The database may have come back during the crawl: replay what was spooled.
        if writer.counts["spooled"] and writer.ping():
            writer.replay_spool()
        writer.disconnect()
