"""scrapy-redis scheduler and duplicate filter adapted to Scrapy 2.13+.

What this layer changes in scrapy-redis 0.9.1 (which it subclasses, not forks):

- fingerprints come from the crawler's ``REQUEST_FINGERPRINTER`` (Scrapy's own,
  so ``dont_filter``/``fingerprint`` meta and custom fingerprinters are honoured);
- with :class:`~eduscrape.distributed.queue.LeasedPriorityQueue` the scheduler
  tracks the leases this worker holds: it renews them while alive, and
  acknowledges a request once the spider has processed its response (signal
  :data:`lease_done`, sent by the middlewares) and the writes that response
  queued are settled in MongoDB (signal
  :data:`~eduscrape.storage.service.items_persisted`, a watermark);
- the crawl is "pending" while any worker still holds a lease, so a worker does
  not close while another one may still discover pages or die (its leases then
  expire and come back here); an idle worker polls Redis every
  ``EDUSCRAPE_REDIS_POLL`` seconds instead of Scrapy's 5 s heartbeat.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.http import Request
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from scrapy.utils.reactor import CallLaterOnce
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as _RedisScheduler
from twisted.internet.task import LoopingCall

from eduscrape.config import from_settings
from eduscrape.distributed.addon import RedisConfig
from eduscrape.distributed.queue import LEASE_META_KEY
from eduscrape.distributed.workers import WorkerRegistry, new_worker_id
from eduscrape.storage.service import StorageService, items_persisted

logger = logging.getLogger(__name__)

#: Custom signal: ``request``'s response (or failure) has been fully processed.
lease_done = object()


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis set of fingerprints, with Scrapy's request fingerprinter."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Any) -> RedisDupeFilter:
        instance = super().from_spider(spider)
        instance.fingerprinter = spider.crawler.request_fingerprinter
        return instance

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisDupeFilter:
        instance = super().from_crawler(crawler)
        instance.fingerprinter = crawler.request_fingerprinter
        return instance

    def request_fingerprint(self, request: Request) -> str:
        if self.fingerprinter is None:  # used without a crawler: scrapy-redis's own
            return super().request_fingerprint(request)
        return self.fingerprinter.fingerprint(request).hex()


class RedisScheduler(_RedisScheduler):
    """``SCHEDULER = "eduscrape.distributed.scheduler.RedisScheduler"``."""

    crawler: Any = None
    _held: set[str]
    # token -> [time done, writes queued to MongoDB by then (None: not yet read)]
    _done: dict[str, list[Any]]
    _last_renew: float
    _loop: AsyncioLoopingCall | LoopingCall | None
    # token -> when its response left the downloader (safety net for acks)
    _left: dict[str, float]
    _persisted: int

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisScheduler:
        instance: RedisScheduler = super().from_crawler(crawler)
        instance.crawler = crawler
        config = from_settings(RedisConfig, crawler.settings)
        instance.poll = config.poll
        instance.ack_grace = config.ack_grace
        instance.ack_timeout = config.ack_timeout
        instance._held = set()
        instance._done = {}
        instance._loop = None
        instance._last_renew = 0.0
        instance._left = {}
        # Without the storage service nothing waits for MongoDB.
        instance.storage = crawler.get_extension(StorageService)
        instance._persisted = 0  # watermark of settled MongoDB writes
        crawler.signals.connect(instance._on_lease_done, signal=lease_done)
        crawler.signals.connect(instance._on_left, signal=signals.request_left_downloader)
        crawler.signals.connect(instance._on_persisted, signal=items_persisted)
        return instance

    # -- Scheduler interface -------------------------------------------------------

    def open(self, spider: Any) -> None:
        super().open(spider)
        if self._leased_queue:
            self._register_worker()
            self._loop = create_looping_call(self._tick)
            self._loop.start(min(1.0, max(0.1, self.queue.lease / 6)), now=False)

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._leased_queue:
            self._tick(final=True)
            # Requests taken but not processed (shutdown, CLOSESPIDER_*): back to the queue now.
            self.queue.release(self._held)
            self._held.clear()
            self.workers.unregister(self.worker)  # a clean stop
            if self.stats is not None:
                self.stats.set_value("redis/lease_requeued", self.queue.requeued)
        # Other workers may still be crawling: the shared queue and fingerprints are
        # only dropped when the crawl is over everywhere (or SCHEDULER_PERSIST keeps them).
        if not self.persist and reason == "finished" and not self.has_pending_requests():
            self.flush()

    def enqueue_request(self, request: Request) -> bool:
        # A retry or redirect of a leased request: the new request is queued (or
        # dropped as a duplicate) here, so the old lease's work is done.
        token = request.meta.pop(LEASE_META_KEY, None)
        try:
            if not request.dont_filter and self._seen_or_queue(request):
                self.df.log(request, self.spider)
                return False
            if request.dont_filter or not self._atomic_push:
                self.queue.push(request)
            # (scrapy-redis passes spider= to the stats, deprecated in Scrapy 2.13+)
            if self.stats is not None:
                self.stats.inc_value("scheduler/enqueued/redis")
            return True
        finally:
            if token:
                self._mark_done(token)

    @property
    def _atomic_push(self) -> bool:
        return hasattr(self.queue, "push_new") and isinstance(self.df, RFPDupeFilter)

    def _seen_or_queue(self, request: Request) -> bool:
        """True if *request* was seen; else it is marked seen (and, with the leased
        queue, queued in the same atomic step)."""
        if not self._atomic_push:
            return bool(self.df.request_seen(request))
        fingerprint = self.df.request_fingerprint(request)
        if self.df.server.sismember(self.df.key, fingerprint):  # most links: no encoding
            return True
        return not self.queue.push_new(request, self.df.key, fingerprint)

    def next_request(self) -> Request | None:
        request = self.queue.pop(0)  # never a blocking pop on the reactor thread
        if request is None:
            if self.has_pending_requests():
                self._schedule_poll()
            return None
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        token = request.meta.get(LEASE_META_KEY)
        if token:
            self._held.add(token)
        return request

    def has_pending_requests(self) -> bool:
        if len(self.queue) > 0:
            return True
        return bool(self._leased_queue and self.queue.leased() > 0)

    # -- leases ------------------------------------------------------------------

    def _register_worker(self) -> None:
        """Give back at once the leases of workers that stopped without closing (one
        WARNING each), then register this one (see :mod:`eduscrape.distributed.workers`)."""
        self.worker = new_worker_id()
        self.queue.owner = self.worker
        self.workers = WorkerRegistry(self.server, self.queue.key, self.queue.lease)
        for worker, info in self.workers.dead(exclude=self.worker):
            requeued = self.queue.release_owner(worker)
            self.workers.forget(worker)
            if self.stats is not None:
                self.stats.inc_value("redis/unclean_workers")
                self.stats.inc_value("redis/lease_requeued_unclean", requeued)
            logger.warning(
                "Worker %s (pid %s on %s, started %s) of this crawl stopped without closing "
                "(killed?): its %d leased request(s) are back in the queue now; the items it "
                "had accepted are stored from its journal when a crawl starts again on %s",
                worker,
                info.get("pid", "?"),
                info.get("host", "?"),
                info.get("started", "?"),
                requeued,
                info.get("host", "its machine"),
            )
        self.workers.register(self.worker)

    @property
    def _leased_queue(self) -> bool:
        return hasattr(getattr(self, "queue", None), "ack")

    def _on_lease_done(self, request: Request, **kwargs: Any) -> None:
        token = request.meta.get(LEASE_META_KEY)
        if token:
            self._mark_done(token)

    def _on_left(self, request: Request, **kwargs: Any) -> None:
        token = request.meta.get(LEASE_META_KEY)
        if token in self._held:
            self._left.setdefault(token, time.monotonic())

    def _mark_done(self, token: str) -> None:
        if token in self._held and token not in self._done:
            self._done[token] = [time.monotonic(), None]

    def _on_persisted(self, watermark: int, **kwargs: Any) -> None:
        self._persisted = max(self._persisted, watermark)

    def _tick(self, final: bool = False) -> None:
        try:
            self._commit_acks(final)
            now = time.monotonic()
            if final or now - self._last_renew >= self.queue.lease / 3:
                self._last_renew = now
                if self._held:
                    self.queue.renew(self._held)
                self.workers.beat(self.worker)
            if not final and self.has_pending_requests():
                self._schedule_poll()
        except Exception:  # Redis hiccup: the next tick retries; leases cover the gap
            logger.warning("Redis lease upkeep failed", exc_info=True)

    def _commit_acks(self, final: bool) -> None:
        now = time.monotonic()
        # A response no middleware reported (an unusual code path) must not keep the
        # whole crawl open: done after EDUSCRAPE_REDIS_ACK_TIMEOUT, counted.
        for token, left in list(self._left.items()):
            if token not in self._held:
                del self._left[token]
            elif token not in self._done and now - left > self.ack_timeout:
                self._mark_done(token)
                if self.stats is not None:
                    self.stats.inc_value("redis/lease_ack_timeout")
        if not self._done:
            return
        queued = self.storage.queued if self.storage is not None else 0
        ready = []
        for token, entry in self._done.items():
            if now - entry[0] < self.ack_grace and not final:
                continue  # let the response's items reach the item pipelines first
            if entry[1] is None:
                entry[1] = queued
            # At close the pipelines have settled every write (MongoPipeline's close).
            if final or self._persisted >= entry[1]:
                ready.append(token)
        if ready:
            self.queue.ack(ready)
            for token in ready:
                del self._done[token]
                self._held.discard(token)
                self._left.pop(token, None)
            if self.stats is not None:
                self.stats.inc_value("redis/lease_acked", len(ready))

    def _schedule_poll(self) -> None:
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if isinstance(nextcall, CallLaterOnce):
            nextcall.schedule(self.poll)


__all__ = ["RedisDupeFilter", "RedisScheduler", "lease_done", "signals"]
