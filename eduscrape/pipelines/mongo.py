"""MongoPipeline: every item type into MongoDB, batched and off the reactor.

The MongoDB side (client, embedded server, batching writer, retries, spool) is the
crawler's :class:`~eduscrape.storage.service.StorageService`; this class only maps
items to documents and natural keys, and settles the writes when it closes.

Stats: ``mongo/queued``, ``mongo/collection/<name>``, ``mongo/no_key``; the
service adds ``mongo/written``, ``mongo/retried``, ``mongo/spooled``,
``mongo/replayed``, ``mongo/rejected``, ``mongo/batches``, ``mongo/spool_pending``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured

from eduscrape.config import from_settings, setting
from eduscrape.pipelines._targets import document_for, target_for, targets_of
from eduscrape.storage.connect import BadStorageSetting
from eduscrape.storage.service import StorageService, storage_enabled
from eduscrape.storage.uri import BadMongoURI

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MongoPipelineConfig:
    default_collection: str | None = setting("MONGO_DEFAULT_COLLECTION")


class MongoPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = from_settings(MongoPipelineConfig, crawler.settings)
        self.storage = StorageService.of(crawler)
        self._ready = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        if not storage_enabled(crawler.settings):
            raise NotConfigured("MONGO_ENABLED is False: feeds only")
        return cls(crawler)

    @property
    def spider(self) -> Spider:
        assert self.crawler.spider is not None  # set before any pipeline method runs
        return self.crawler.spider

    async def open_spider(self) -> None:
        # Only the configuration is checked here: MongoDB (and the embedded server)
        # starts with the first item, so `scrapy fetch`, `shell` or a crawl that
        # stores nothing start no database.
        try:
            self.storage.config.configured_uri()
        except BadMongoURI as exc:
            logger.error("%s", exc)
            self.stats.set_value("mongo/error", "bad_uri")
            raise CloseSpider("bad_mongo_uri") from None
        try:
            self.storage.config.check()
        except BadStorageSetting as exc:
            logger.error("%s", exc)
            self.stats.set_value("mongo/error", "bad_setting")
            raise CloseSpider("bad_mongo_setting") from None

    async def _start(self) -> None:
        await self.storage.started()
        item_types = list(getattr(self.spider, "item_types", []) or [])
        await asyncio.to_thread(self.storage.ensure_indexes, targets_of(item_types))
        self._ready = True

    async def process_item(self, item: Any) -> Any:
        if not self._ready:
            await self._start()
        target = target_for(item, self.config.default_collection or self.spider.name)
        document = document_for(item, target)
        if not target.key_fields or any(document.get(f) in (None, "") for f in target.key_fields):
            # No natural key: key on a content hash, so a re-crawl still does not duplicate.
            self.stats.inc_value("mongo/no_key")
            digest = hashlib.sha1(
                json.dumps(document, sort_keys=True, default=str).encode()
            ).hexdigest()
            document["_content_hash"] = digest
            target = type(target)(target.collection, ("_content_hash",))
        self.storage.put(target, document)
        self.stats.inc_value("mongo/queued")
        self.stats.inc_value(f"mongo/collection/{target.collection}")
        return item

    async def close_spider(self) -> None:
        # The service stops at spider_closed; settle the items now, so the stats
        # are final when the crawl summary is written.
        await self.storage.flush()
