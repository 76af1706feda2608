"""StorageService: the one MongoDB of a crawl (a Scrapy extension).

Enabled in ``EXTENSIONS``; components reach it the Scrapy way,
``crawler.get_extension(StorageService)`` (or :meth:`StorageService.of`). It owns
the pymongo client, the embedded nx-27017 server (started when ``MONGO_URI`` is
unset), the batching :class:`~eduscrape.storage.writer.MongoWriter` and its
spool and journal (a write is journaled before :meth:`put` returns; at start,
what a killed crawl left in the journal is stored, with one WARNING). Whoever asks first starts it (:meth:`start`, :meth:`started`), so no
component depends on another one opening first; it stops once, when the spider
closes. Components read through :meth:`collection` and write through
:meth:`put` (batched, retried, spooled while MongoDB is down).

Signal :data:`items_persisted` (``watermark=n``): the first *n* writes queued
with :meth:`put` are settled (written, spooled or rejected). The Redis scheduler
acknowledges a request's lease once the writes its response queued are settled.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from eduscrape.config import from_settings, setting
from eduscrape.storage.connect import StorageConfig, writer_for
from eduscrape.storage.embedded import EmbeddedMongo
from eduscrape.storage.uri import redact_uri
from eduscrape.storage.writer import MongoWriter, WriteTarget

logger = logging.getLogger(__name__)

#: Custom signal, sent on the reactor thread with ``watermark`` (int): the first
#: *watermark* :meth:`StorageService.put` calls of the crawl are settled.
items_persisted = object()


@dataclass(frozen=True)
class _Switch:
    enabled: bool = setting("MONGO_ENABLED")


def storage_enabled(settings: Any) -> bool:
    """``MONGO_ENABLED``: False crawls to feeds only (no MongoDB at all)."""
    return from_settings(_Switch, settings).enabled


class StorageService:
    """``EXTENSIONS = {"eduscrape.storage.service.StorageService": 100}``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config = StorageConfig.from_settings(crawler.settings)
        self.writer: MongoWriter | None = None
        self.uri = ""
        self.embedded: EmbeddedMongo | None = None  # only a server started here
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._stopped = False
        self._flushed = -1  # writer.queued at the last flush

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorageService:
        if not storage_enabled(crawler.settings):
            raise NotConfigured("MONGO_ENABLED is False: feeds only")
        service = cls(crawler)
        crawler.signals.connect(service._spider_closed, signal=signals.spider_closed)
        return service

    @classmethod
    def of(cls, crawler: Crawler) -> StorageService:
        """The crawler's service; a clear error when the extension is not enabled."""
        service = crawler.get_extension(cls)
        if service is None:
            raise RuntimeError(
                "no MongoDB in this crawl: MONGO_ENABLED is False, or "
                "eduscrape.storage.service.StorageService is not in EXTENSIONS"
            )
        return service

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> bool:
        """Connect once (blocking; starts the embedded server when ``MONGO_URI`` is unset).

        Returns whether MongoDB answered; when it did not, writes are spooled until it
        does. Raises :class:`~eduscrape.storage.uri.BadMongoURI` or
        :class:`~eduscrape.storage.embedded.EmbeddedMongoError` (again on every call).
        """
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._stopped:
                raise RuntimeError("the storage service is stopped")
            if self.writer is None:
                try:
                    self.writer = self._connect()
                except Exception as exc:
                    self._error = exc
                    raise
            return not self.writer.is_down

    async def started(self) -> bool:
        """:meth:`start` off the reactor thread."""
        return await asyncio.to_thread(self.start)

    def _connect(self) -> MongoWriter:
        c = self.config
        uri = c.configured_uri()
        embedded = uri is None
        if uri is None:
            server = EmbeddedMongo(c.data_dir)
            info, started_here = server.ensure()
            self.embedded = server if started_here else None
            uri = info.uri
        self.uri = uri
        stats = self.crawler.stats
        writer = writer_for(
            c,
            uri,
            on_count=lambda name, n: stats.inc_value(f"mongo/{name}", n),
            on_settled=self._settled,
        )
        if writer.ping():
            where = "embedded " if embedded else ""
            logger.info(
                "Storing items in %sMongoDB %s, database %r", where, redact_uri(uri), c.database
            )
            replayed = writer.replay_spool()
            if replayed:
                logger.info("Replayed %d spooled item(s) from %s", replayed, writer.spool.path)
        else:
            writer.mark_down(ConnectionError("ping failed"))
        self._recover_journal(writer)
        writer.start()
        return writer

    def _recover_journal(self, writer: MongoWriter) -> None:
        recovered, files = writer.recover_journal()
        if files:
            logger.warning(
                "%d item(s) accepted by a crawl that stopped without closing (killed?) were "
                "recovered from its journal %s; they are stored now",
                recovered,
                ", ".join(str(f) for f in files),
            )

    async def flush(self) -> None:
        """Settle every write queued so far; if writes were spooled and MongoDB is back,
        replay the spool. Records ``mongo/spool_pending``.

        MongoPipeline calls it when it closes, so the ``mongo/*`` stats are final
        before ``spider_closed`` (when the crawl summary is written).
        """
        if self.writer is not None:
            await asyncio.to_thread(self._flush, self.writer)

    def _flush(self, writer: MongoWriter) -> None:
        writer.flush()
        self._flushed = writer.queued
        if writer.counts["spooled"] and len(writer.spool) and writer.ping():
            writer.replay_spool()
        pending = len(writer.spool)
        self.crawler.stats.set_value("mongo/spool_pending", pending)
        if pending:
            logger.warning(
                "%d item(s) wait in the spool %s; they are replayed at the next run or "
                "with `scrapy mongo replay`",
                pending,
                writer.spool.path,
            )

    def stop(self) -> None:
        """Write what is left, disconnect, stop the embedded server if started here (once)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            writer = self.writer
        if writer is not None:
            writer.close()
            if self._flushed != writer.queued:
                self._flush(writer)
            writer.disconnect()
        if self.embedded is not None:
            self.embedded.stop()

    async def _spider_closed(self) -> None:
        await asyncio.to_thread(self.stop)

    # -- use -----------------------------------------------------------------------

    def _writer(self) -> MongoWriter:
        if self.writer is None:
            self.start()
        assert self.writer is not None
        return self.writer

    @property
    def database(self) -> Any:
        """The pymongo database (starts the service if needed: blocking)."""
        return self._writer().db

    def collection(self, name: str) -> Any:
        """A pymongo collection, for reads (writes go through :meth:`put`)."""
        return self.database[name]

    def put(self, target: WriteTarget, document: dict[str, Any]) -> None:
        """Queue an upsert (never blocks on I/O once started): batched, retried, spooled."""
        self._writer().put(target, document)

    def ensure_indexes(self, targets: Iterable[WriteTarget]) -> None:
        """Unique natural-key indexes (blocking); skipped while MongoDB is down."""
        writer = self._writer()
        if not writer.is_down:
            writer.ensure_indexes(targets)

    @property
    def queued(self) -> int:
        """Writes queued with :meth:`put` so far (the watermark a request waits for)."""
        return self.writer.queued if self.writer is not None else 0

    @property
    def persisted(self) -> int:
        """Writes settled so far (see :data:`items_persisted`)."""
        return self.writer.settled if self.writer is not None else 0

    def _settled(self, watermark: int) -> None:  # writer thread
        from twisted.internet import reactor

        reactor.callFromThread(
            self.crawler.signals.send_catch_log, items_persisted, watermark=watermark
        )
