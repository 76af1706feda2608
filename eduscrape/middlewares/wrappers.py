"""Self-healing wrapper middleware: evaluate, repair, record (thin Scrapy glue).

Active for spiders with a ``wrapper`` attribute (an
:class:`eduscrape.adaptation.wrapper.Wrapper`). On each HTML response the wrapper
matching the URL is evaluated with the stored tree-grams; broken or drifted
selectors are repaired (:mod:`eduscrape.adaptation`), the result travels in
``response.meta["wrapper_result"]`` (and the repaired wrapper as a dict in
``response.meta["wrapper"]``) for the spider to use. Tree-grams live in
MongoDB (``WRAPPER_TREEGRAM_COLLECTION``), written by a background thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response

from eduscrape.adaptation import Repairer
from eduscrape.adaptation.store import MemoryStore, MongoStore
from eduscrape.adaptation.wrapper import Wrapper, apply_stored_selectors, evaluate
from eduscrape.storage.connect import ensure_uri
from eduscrape.storage.embedded import EmbeddedMongo

logger = logging.getLogger(__name__)


class WrapperMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.wrapper: Wrapper | None = None
        self.grams: dict[str, Any] = {}
        self.store: MongoStore | MemoryStore | None = None
        self.repairer: Repairer | None = None
        self.update = self.settings.getbool("WRAPPER_UPDATE_TREEGRAMS", True)
        self.max_bytes = self.settings.getint("WRAPPER_MAX_PAGE_BYTES", 5_000_000)
        self.broken_dir = Path(self.settings.get("WRAPPER_BROKEN_DIR") or "output/wrapper-broken")
        self.seconds = 0.0
        self.embedded: EmbeddedMongo | None = None  # started here (then stopped here)
        # Pages whose repair failed; fetched once more after a repair succeeds on
        # another page (a repair learned from a page with the same content is surer).
        self.retry_limit = self.settings.getint("WRAPPER_RETRY_PAGES", 20)
        self.pending: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WrapperMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        return mw

    async def spider_opened(self) -> None:
        wrapper = getattr(self.crawler.spider, "wrapper", None)
        if not isinstance(wrapper, Wrapper):
            return
        self.wrapper = wrapper
        s = self.settings
        self.repairer = Repairer(
            algorithm=s.get("WRAPPER_ALGORITHM") or wrapper.algorithm,
            threshold=s.getfloat("WRAPPER_THRESHOLD", 0) or wrapper.threshold,
        )
        if s.getbool("WRAPPER_STORE_ENABLED", True):
            try:
                self.store = await asyncio.to_thread(self._open_store)
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

    def _open_store(self) -> MongoStore:
        s = self.settings
        # The embedded server is normally already started by MongoPipeline (it opens first).
        uri, self.embedded = ensure_uri(s)
        store = MongoStore(
            uri,
            s.get("MONGO_DATABASE"),
            s.get("WRAPPER_TREEGRAM_COLLECTION") or "treegrams",
            timeout_ms=s.getint("MONGO_TIMEOUT_MS", 5000),
        )
        try:
            store.client.admin.command("ping")
        except Exception:
            store.close()
            raise
        return store

    def spider_idle(self) -> None:
        # Pipelines close (and may stop an embedded MongoDB) before spider_closed:
        # write the few queued tree-grams while the server is surely up.
        if isinstance(self.store, MongoStore) and not self.store.flush(timeout=5.0):
            logger.warning("Tree-gram writes still pending after 5 s")

    async def spider_closed(self) -> None:
        if self.wrapper is not None:
            self.stats.set_value("wrapper/seconds", round(self.seconds, 4))
        if isinstance(self.store, MongoStore):
            await asyncio.to_thread(self.store.close)
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)

    def process_response(self, request: Request, response: Response) -> Response:
        wrapper = self.wrapper
        if wrapper is None or not wrapper.applies_to(response.url):
            return response
        if not isinstance(response, HtmlResponse):
            self.stats.inc_value("wrapper/skipped_not_html")
            return response
        if len(response.body) > self.max_bytes:
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
        self._record(result, request, response)
        self.seconds += time.perf_counter() - started
        return response

    def _record(self, result: Any, request: Request, response: Response) -> None:
        assert self.wrapper is not None and self.store is not None
        site = self.wrapper.site
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
                    if self.update:
                        self.store.save(site, name, event.treegram, "repaired")
            else:
                self.stats.inc_value("wrapper/unrepaired")
                logger.warning("Could not repair %s on %s: %s", name, response.url, event.reason)
        if result.wrapper is not None and result.repaired:
            self.wrapper = result.wrapper
            self._retry_pending()
        if not result.repairs and not result.broken:
            self.stats.inc_value("wrapper/intact_pages")
        if result.broken:
            if not request.meta.get("wrapper_retry") and len(self.pending) < self.retry_limit:
                self.pending.append(response.url)
            self.stats.inc_value("wrapper/broken_pages")
            self.stats.inc_value("wrapper/broken_fields", len(result.broken))
            request.meta["wrapper_page_path"] = self._keep_page(response)
        # request.meta is response.meta once the response reaches the spider.
        request.meta["wrapper_result"] = result
        request.meta["wrapper"] = (result.wrapper or self.wrapper).to_dict()

    def _retry_pending(self) -> None:
        pending, self.pending = self.pending, []
        engine = self.crawler.engine
        for url in pending:
            self.stats.inc_value("wrapper/retried_pages")
            logger.info("Re-fetching %s with the repaired wrapper", url)
            engine.crawl(Request(url, dont_filter=True, meta={"wrapper_retry": True}))

    def _keep_page(self, response: Response) -> str | None:
        """Save a page with broken fields for inspection; returns its path."""
        assert self.wrapper is not None
        digest = hashlib.sha1(response.url.encode()).hexdigest()[:16]
        path = self.broken_dir / self.wrapper.site / f"{digest}.html"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(response.body)
        except OSError as exc:
            logger.warning("Could not keep page %s: %s", response.url, exc)
            return None
        return str(path)
