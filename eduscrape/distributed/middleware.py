"""Spider and downloader middlewares of the Redis mode (installed by the add-on).

- :class:`RedisStartMiddleware` (spider middleware): after the spider's own
  ``start()`` requests, feeds the URLs pushed to ``<spider>:start_urls`` in Redis
  (also while the crawl runs, and for ``EDUSCRAPE_REDIS_IDLE_TIMEOUT`` seconds of
  idleness when set), and reports a response as processed once the spider's
  output for it has been consumed (lease acknowledgement);
- :class:`LeaseDownloaderMiddleware`: reports a request as processed when its
  download fails for good (no response will reach the spider).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import defaults
from scrapy_redis.connection import get_redis_from_settings

from eduscrape.config import from_settings
from eduscrape.distributed.addon import RedisConfig
from eduscrape.distributed.queue import LEASE_META_KEY
from eduscrape.distributed.scheduler import lease_done

logger = logging.getLogger(__name__)


def start_urls_key(settings: Any, spider_name: str) -> str:
    return settings.get("REDIS_START_URLS_KEY", defaults.START_URLS_KEY) % {"name": spider_name}


def request_from_pushed(data: bytes | str) -> Request | None:
    """A pushed start entry: a URL, or JSON ``{"url": ..., "meta": {...}}``."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            obj = json.loads(text)
            return Request(obj["url"], meta=obj.get("meta") or {}, dont_filter=False)
        except (ValueError, KeyError, TypeError):
            logger.warning("Ignoring a malformed start entry from Redis: %.200r", text)
            return None
    return Request(text)


class RedisStartMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.server = get_redis_from_settings(s)
        # scrapy-redis' own setting; its default is Scrapy's CONCURRENT_REQUESTS.
        self.batch = s.getint("REDIS_START_URLS_BATCH_SIZE") or s.getint("CONCURRENT_REQUESTS")
        self.idle_timeout = from_settings(RedisConfig, s).idle_timeout
        self._idle_since: float | None = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisStartMiddleware:
        return cls(crawler)

    @property
    def key(self) -> str:
        return start_urls_key(self.crawler.settings, self.crawler.spider.name)

    def pop_start_requests(self) -> list[Request]:
        pipe = self.server.pipeline()
        pipe.lrange(self.key, 0, self.batch - 1).ltrim(self.key, self.batch, -1)
        entries, _ = pipe.execute()
        requests = [r for r in map(request_from_pushed, entries) if r is not None]
        if requests:
            self.crawler.stats.inc_value("redis/start_urls", len(requests))
        if len(requests) < len(entries):
            self.crawler.stats.inc_value("redis/start_urls_skipped", len(entries) - len(requests))
        return requests

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            yield item_or_request
        while requests := self.pop_start_requests():
            for request in requests:
                yield request

    def spider_idle(self) -> None:
        requests = self.pop_start_requests()
        if requests:
            self._idle_since = None
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider
        if self.idle_timeout > 0:
            now = time.monotonic()
            self._idle_since = self._idle_since or now
            if now - self._idle_since < self.idle_timeout:
                raise DontCloseSpider

    def _done(self, response: Any) -> None:
        request = getattr(response, "request", None)
        if request is not None and request.meta.get(LEASE_META_KEY):
            self.crawler.signals.send_catch_log(lease_done, request=request)

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterable[Any]:
        yield from result
        self._done(response)

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for x in result:
            yield x
        self._done(response)

    def process_spider_exception(self, response: Any, exception: BaseException) -> None:
        self._done(response)


class LeaseDownloaderMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeaseDownloaderMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        # Called last (lowest order): the retry middleware has given up, or the
        # request was ignored. The failure goes to the errback/log; the lease is done.
        if request.meta.get(LEASE_META_KEY):
            self.crawler.signals.send_catch_log(lease_done, request=request)
