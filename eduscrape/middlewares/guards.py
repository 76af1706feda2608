"""Guards every spider gets (installed by :class:`GuardsAddon`, enabled in ``ADDONS``).

- :class:`StartGuardMiddleware` (spider middleware): a spider's ``start()`` that
  raises (a ``javascript:`` or scheme-less start URL, a missing ``url_file``) or
  yields a start URL whose scheme the spider does not crawl ends in one ERROR
  line and the finish reason ``start_error``, not in a traceback; so does a
  ``start()`` that yields nothing (outside scrapy-redis). The message is
  kept in the stat ``eduscrape/failure`` for ``scrapy crawl``'s exit line.
- :class:`SchemeGuardMiddleware` (downloader middleware): requests whose scheme
  the spider does not crawl are refused before any handler (or robots.txt) is
  asked for them. Scrapy's FTP handler ignores ``DOWNLOAD_TIMEOUT`` (a server
  that accepts and never answers hangs the crawl), S3 needs botocore; the
  schemes kept (``http``, ``https``, ``file``, ``data``) all end within
  ``DOWNLOAD_TIMEOUT``. A spider narrows or widens them with a ``url_schemes``
  attribute, a project with ``EDUSCRAPE_URL_SCHEMES``.

Stats: ``eduscrape/start_errors``, ``eduscrape/refused_scheme/<scheme>``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, IgnoreRequest

logger = logging.getLogger(__name__)

FAILURE_STAT = "eduscrape/failure"


def url_schemes(spider: Spider, settings: Any) -> frozenset[str]:
    """The URL schemes *spider* crawls: its ``url_schemes``, else ``EDUSCRAPE_URL_SCHEMES``."""
    schemes = getattr(spider, "url_schemes", None) or settings.getlist("EDUSCRAPE_URL_SCHEMES")
    return frozenset(s.lower() for s in schemes)


def refusal(url: str, spider: Spider, schemes: frozenset[str]) -> str | None:
    """Why *url* is refused (its scheme is not crawled), or None."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in schemes:
        return None
    return (
        f"the {spider.name} spider does not crawl {scheme or 'scheme-less'} URLs ({url[:200]}); "
        f"it crawls {', '.join(sorted(schemes))} (EDUSCRAPE_URL_SCHEMES)"
    )


class StartGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StartGuardMiddleware:
        return cls(crawler)

    def _error(self, message: str) -> None:
        logger.error("start error: %s", message)
        stats = self.crawler.stats
        stats.inc_value("eduscrape/start_errors")
        if not stats.get_value(FAILURE_STAT):
            stats.set_value(FAILURE_STAT, f"start error: {message}")

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        assert spider is not None  # set before the start requests are read
        schemes = url_schemes(spider, self.crawler.settings)
        yielded = errors = 0
        try:
            async for entry in start:
                if isinstance(entry, Request):
                    reason = refusal(entry.url, spider, schemes)
                    if reason is not None:
                        errors += 1
                        self._error(reason)
                        continue
                yielded += 1
                yield entry
        except CloseSpider:
            raise
        except Exception as exc:  # the spider's own start(): bad arguments or URLs
            errors += 1
            self._error(str(exc) or type(exc).__name__)
        if not yielded and not errors and not self.crawler.settings.get("REDIS_URL"):
            # Nothing to crawl (e.g. every start URL skipped as unusable): a failed start.
            # A scrapy-redis worker may legitimately wait for pushed URLs instead.
            errors += 1
            self._error(
                f"the {spider.name} spider's start() produced no request or item "
                "(check its -a arguments: are the start URLs usable http(s) URLs?)"
            )
        if errors and not yielded:
            raise CloseSpider("start_error")


class SchemeGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemeGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        assert spider is not None  # set before any request is scheduled
        reason = refusal(request.url, spider, url_schemes(spider, self.crawler.settings))
        if reason is None:
            return
        scheme = urlsplit(request.url).scheme.lower()
        self.crawler.stats.inc_value(f"eduscrape/refused_scheme/{scheme or 'none'}")
        if scheme not in self._warned:
            self._warned.add(scheme)
            logger.warning("refused: %s (further %s URLs are only counted)", reason, scheme)
        raise IgnoreRequest(reason)


class GuardsAddon:
    """Installs the guards whatever a spider's ``custom_settings`` set."""

    def update_settings(self, settings: Any) -> None:
        # 20: around the spider's start() (inside the scrapy-redis start middleware).
        settings["SPIDER_MIDDLEWARES"].setdefault(f"{__name__}.StartGuardMiddleware", 20)
        # 40: before robots.txt (100), which would otherwise fetch ftp://host/robots.txt.
        settings["DOWNLOADER_MIDDLEWARES"].setdefault(f"{__name__}.SchemeGuardMiddleware", 40)
