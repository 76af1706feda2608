"""Self-healing wrapper middleware: evaluate, repair, record (thin Scrapy glue).

Active for spiders with a ``wrapper`` attribute (an
:class:`eduscrape.adaptation.wrapper.Wrapper`): that attribute is the one wrapper
of the crawl, and a repair replaces it with the repaired wrapper. On each HTML
response the wrapper matching the URL is evaluated with the stored tree-grams;
broken or drifted selectors are repaired (:mod:`eduscrape.adaptation`) before the
spider parses the page, and the spider gets the outcome from
:func:`wrapper_result`. Tree-grams live in MongoDB
(``WRAPPER_TREEGRAM_COLLECTION``), saved through the crawl's
:class:`~eduscrape.storage.service.StorageService` (batched, retried, spooled).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response

from eduscrape._pages import keep_page
from eduscrape.adaptation import Repairer
from eduscrape.adaptation.store import MemoryStore, MongoStore
from eduscrape.adaptation.treegram import TreeGram
from eduscrape.adaptation.wrapper import (
    PageResult,
    RepairEvent,
    Wrapper,
    apply_stored_selectors,
    evaluate,
)
from eduscrape.config import from_settings, setting
from eduscrape.storage.service import StorageService

logger = logging.getLogger(__name__)

_META_KEY = "_wrapper_result"


@dataclass(frozen=True)
class WrapperResult:
    """The wrapper's outcome on one page, for the spider (see :func:`wrapper_result`)."""

    site: str
    records: list[dict[str, Any]]  # {"pattern", "index", "fields", "broken"}
    repairs: list[RepairEvent]
    broken: list[str]  # "pattern/field" (or "pattern/") still broken
    page_path: str | None  # the page, kept under WRAPPER_BROKEN_DIR when something is broken


def wrapper_result(response: Response) -> WrapperResult | None:
    """What :class:`WrapperMiddleware` found on *response*.

    None when the wrapper was not evaluated there: no wrapper, a URL it does not
    apply to, not HTML, larger than ``WRAPPER_MAX_PAGE_BYTES``, or an evaluation error
    (each counted in the ``wrapper/*`` stats).
    """
    result = response.meta.get(_META_KEY)
    return result if isinstance(result, WrapperResult) else None


@dataclass(frozen=True)
class WrapperConfig:
    """The ``WRAPPER_*`` settings (defaults and meaning: :mod:`eduscrape.settings`)."""

    treegram_collection: str = setting("WRAPPER_TREEGRAM_COLLECTION")
    store_enabled: bool = setting("WRAPPER_STORE_ENABLED")
    update_treegrams: bool = setting("WRAPPER_UPDATE_TREEGRAMS")
    algorithm: str | None = setting("WRAPPER_ALGORITHM")
    threshold: float = setting("WRAPPER_THRESHOLD")
    broken_dir: str = setting("WRAPPER_BROKEN_DIR")
    max_page_bytes: int = setting("WRAPPER_MAX_PAGE_BYTES")
    retry_pages: int = setting("WRAPPER_RETRY_PAGES")


class WrapperMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = from_settings(WrapperConfig, crawler.settings)
        self.grams: dict[str, TreeGram] = {}
        self.store: MongoStore | MemoryStore | None = None
        self.repairer: Repairer | None = None
        self.seconds = 0.0
        # Pages whose repair failed; fetched once more after a repair succeeds on
        # another page (a repair learned from a page with the same content is surer).
        self.pending: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WrapperMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    @property
    def wrapper(self) -> Wrapper | None:
        """The crawl's wrapper: the spider's ``wrapper`` attribute (repaired in place)."""
        wrapper = getattr(self.crawler.spider, "wrapper", None)
        return wrapper if isinstance(wrapper, Wrapper) else None

    async def spider_opened(self) -> None:
        wrapper = self.wrapper
        if wrapper is None:
            return
        c = self.config
        self.repairer = Repairer(
            algorithm=c.algorithm or wrapper.algorithm,
            threshold=c.threshold or wrapper.threshold,
        )
        if c.store_enabled:
            try:
                storage = StorageService.of(self.crawler)
                await storage.started()  # down: saves are spooled until it is back
                self.store = MongoStore(storage.collection(c.treegram_collection), storage)
            except Exception as exc:
                logger.warning("Tree-gram store unavailable (%s); tree-grams kept in memory", exc)
                self.stats.inc_value("wrapper/store_errors")
        if self.store is None:
            self.store = MemoryStore()
        try:
            self.grams = await asyncio.to_thread(self.store.load, wrapper.site)
        except Exception as exc:
            logger.warning("Could not load tree-grams for %s: %s", wrapper.site, exc)
            self.stats.inc_value("wrapper/store_errors")
        logger.info("Wrapper %r: %d stored tree-gram(s)", wrapper.site, len(self.grams))
        for key in apply_stored_selectors(wrapper, self.grams):
            self.stats.inc_value("wrapper/stored_selectors")
            logger.info("Using the selector repaired in an earlier crawl for %s", key)

    def spider_closed(self) -> None:
        if self.wrapper is not None:
            self.stats.set_value("wrapper/seconds", round(self.seconds, 4))

    def process_response(self, request: Request, response: Response) -> Response:
        wrapper = self.wrapper
        if wrapper is None or not wrapper.applies_to(response.url):
            return response
        if self.store is None:  # given after the crawl opened (a scrapy check contract)
            self.store = MemoryStore()
            self.repairer = Repairer(algorithm=wrapper.algorithm, threshold=wrapper.threshold)
        if not isinstance(response, HtmlResponse):
            self.stats.inc_value("wrapper/skipped_not_html")
            return response
        if len(response.body) > self.config.max_page_bytes:
            self.stats.inc_value("wrapper/skipped_huge")
            logger.warning(
                "Not evaluating the wrapper on %s: %d bytes", response.url, len(response.body)
            )
            return response
        started = time.perf_counter()
        try:
            # response.selector is cached: the spider reuses this parse.
            root = response.selector.root
            result = evaluate(wrapper, root, self.grams, self.repairer)
        except Exception as exc:
            self.stats.inc_value("wrapper/errors")
            logger.warning("Wrapper evaluation failed on %s: %s", response.url, exc)
            return response
        self._record(wrapper, result, request, response)
        self.seconds += time.perf_counter() - started
        return response

    def _record(
        self, wrapper: Wrapper, result: PageResult, request: Request, response: Response
    ) -> None:
        assert self.store is not None
        site = wrapper.site
        self.stats.inc_value("wrapper/pages")
        for key, tg in result.learned.items():
            self.grams[key] = tg
            self.store.save(site, key, tg, "learned")
            self.stats.inc_value("wrapper/learned")
        for event in result.repairs:
            name = f"{event.pattern}/{event.field or ''}"
            if event.status == "repaired":
                self.stats.inc_value("wrapper/repaired")
                self.stats.inc_value(f"wrapper/repaired/{name}")
                logger.info(
                    "Repaired %s on %s: %s -> %s (similarity %.3f; %s)",
                    name,
                    response.url,
                    event.old_xpath,
                    event.new_xpath,
                    event.similarity or 0.0,
                    event.reason or "drift",
                )
                if event.treegram is not None:
                    # The session follows the repair; the store only when asked to.
                    self.grams[name] = event.treegram
                    if self.config.update_treegrams:
                        self.store.save(site, name, event.treegram, "repaired")
            else:
                self.stats.inc_value("wrapper/unrepaired")
                logger.warning("Could not repair %s on %s: %s", name, response.url, event.reason)
        if result.wrapper is not None and result.repaired:
            spider: Any = self.crawler.spider  # a WrapperSpider (its wrapper attribute)
            spider.wrapper = result.wrapper  # the one wrapper, now repaired
            self._retry_pending()
        if not result.repairs and not result.broken:
            self.stats.inc_value("wrapper/intact_pages")
        page_path = None
        if result.broken:
            if (
                not request.meta.get("wrapper_retry")
                and len(self.pending) < self.config.retry_pages
            ):
                self.pending.append(response.url)
            self.stats.inc_value("wrapper/broken_pages")
            self.stats.inc_value("wrapper/broken_fields", len(result.broken))
            page_path = keep_page(Path(self.config.broken_dir) / site, response)
        # request.meta is response.meta once the response reaches the spider.
        request.meta[_META_KEY] = WrapperResult(
            site=site,
            records=result.records,
            repairs=result.repairs,
            broken=result.broken,
            page_path=page_path,
        )

    def _retry_pending(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        engine = self.crawler.engine
        for url in pending:
            self.stats.inc_value("wrapper/retried_pages")
            logger.info("Re-fetching %s with the repaired wrapper", url)
            engine.crawl(Request(url, dont_filter=True, meta={"wrapper_retry": True}))
