"""PageBudgetMiddleware: ``-a max_pages=N`` means one thing in every spider.

At most N pages are requested from each site (host): once a site's budget is
spent, further requests the spider yields for it are dropped (never scheduled,
so no errback fires) and counted. A request seen before (same fingerprint) does
not count twice. A spider whose notion of "site" is not the host (the ``site``
spider with ``scope=path``) budgets its own sites (``own_page_budget``).

Stats: ``eduscrape/max_pages/dropped``, ``eduscrape/max_pages/sites_reached``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)


class PageBudgetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.requested: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.seen: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBudgetMiddleware:
        return cls(crawler)

    @property
    def limit(self) -> int:
        spider = self.crawler.spider
        if getattr(spider, "own_page_budget", False):
            return 0
        return int(getattr(spider, "max_pages", 0) or 0)

    def allows(self, request: Request) -> bool:
        """Count *request* against its site's budget; False when the budget is spent."""
        limit = self.limit
        if not limit:
            return True
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self.seen:
            return True  # the duplicate filter (or the spider) deals with it
        site = urlsplit(request.url).netloc
        if self.requested[site] < limit:
            self.requested[site] += 1
            self.seen.add(fingerprint)
            return True
        stats = self.crawler.stats
        if not self.dropped[site]:
            stats.inc_value("eduscrape/max_pages/sites_reached")
            logger.info("max_pages=%d reached for %s: further pages are not requested", limit, site)
        self.dropped[site] += 1
        stats.inc_value("eduscrape/max_pages/dropped")
        return False

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in start:
            if not isinstance(entry, Request) or self.allows(entry):
                yield entry

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for entry in result:
            if not isinstance(entry, Request) or self.allows(entry):
                yield entry

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for entry in result:
            if not isinstance(entry, Request) or self.allows(entry):
                yield entry
