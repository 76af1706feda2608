"""Self-healing wrapper middleware: evaluate, repair, record (thin Scrapy glue).

Active for spiders that declare page models: ``wrappers`` (role -> an
:class:`eduscrape.adaptation.wrapper.Wrapper`, e.g. loaded from the spider's
``page_models`` by :class:`~eduscrape.spiders._base.EduscrapeSpider`) or one
``wrapper`` (the ``wrapper`` spider). A request names its model with
``meta["wrapper"] = role``; without it, the first wrapper whose ``url_regex``
matches the URL applies (the ``wrapper`` spider's one wrapper: every page
its ``url_regex`` allows). On each HTML response the model is
evaluated with its tree-grams; broken or drifted selectors are repaired
(:mod:`eduscrape.adaptation`) before the spider parses the page, and the spider
gets the outcome from :func:`wrapper_result`. A repair replaces the spider's
wrapper with the repaired one, so later pages start from it.

Tree-grams: the ones bundled with the wrapper (``NAME.treegrams.json``), overridden
by those stored in MongoDB by earlier crawls (``WRAPPER_TREEGRAM_COLLECTION``, saved
through the crawl's :class:`~eduscrape.storage.service.StorageService`: batched,
retried, spooled). Bundled keys are learned afresh from the crawled site.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsel import Selector, SelectorList
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response

from eduscrape._pages import keep_page
from eduscrape.adaptation import Repairer
from eduscrape.adaptation.bundle import load_bundled
from eduscrape.adaptation.store import MemoryStore, MongoStore
from eduscrape.adaptation.treegram import TreeGram
from eduscrape.adaptation.wrapper import (
    PageResult,
    RepairEvent,
    Session,
    Wrapper,
    apply_stored_selectors,
    evaluate,
)
from eduscrape.config import from_settings, setting
from eduscrape.storage.service import StorageService

logger = logging.getLogger(__name__)

_META_KEY = "_wrapper_result"
_SINGLE = ""  # role of a spider's one ``wrapper``


@dataclass(frozen=True)
class WrapperResult:
    """The wrapper's outcome on one page, for the spider (see :func:`wrapper_result`)."""

    site: str
    records: list[dict[str, Any]]  # {"pattern", "index", "fields", "broken", "node", "results"}
    repairs: list[RepairEvent]
    broken: list[str]  # "pattern/field" (or "pattern/") still broken
    page_path: str | None  # the page, kept under WRAPPER_BROKEN_DIR when something is broken
    role: str = _SINGLE

    def records_of(self, pattern: str = "") -> list[dict[str, Any]]:
        """The records of *pattern* ("" : the page-wide fields)."""
        return [r for r in self.records if r["pattern"] == pattern]

    def value(self, name: str, pattern: str = "", default: Any = None) -> Any:
        """Field *name* of *pattern*'s first record (checked or repaired)."""
        for record in self.records_of(pattern):
            value = record["fields"].get(name)
            return default if value is None else value
        return default

    def values(self, name: str, pattern: str) -> list[Any]:
        """Field *name* of every record of *pattern* (records lacking it skipped)."""
        out = []
        for record in self.records_of(pattern):
            value = record["fields"].get(name)
            if value is not None:
                out.append(value)
        return out

    def selector(self, name: str | None = None, pattern: str = "", index: int = 0) -> SelectorList:
        """The nodes behind field *name* (None: the record itself) of a record, as parsel
        selectors: spiders that need more than text (HTML, sub-elements) read them."""
        records = self.records_of(pattern)
        if index >= len(records):
            return SelectorList([])
        record = records[index]
        nodes = [record["node"]] if name is None else record["results"].get(name, [])
        return SelectorList(_as_selector(n) for n in nodes)

    def reasons(self) -> dict[str, str]:
        """Why each still-broken key broke (``pattern/field`` -> reason)."""
        out: dict[str, str] = {}
        for event in self.repairs:
            key = f"{event.pattern}/{event.field or ''}"
            if event.status != "repaired" and key in self.broken:
                out.setdefault(key, event.reason or "unrepaired")
        for key in self.broken:
            out.setdefault(key, "matches nothing")
        return out

    def broken_fields(self) -> dict[str, str]:
        """Broken keys named for items and stats: ``field`` for page-wide fields,
        ``pattern.field`` in records, ``pattern`` for a lost record pattern."""
        out = {}
        for key, why in self.reasons().items():
            pattern, _, name = key.partition("/")
            label = name if not pattern else f"{pattern}.{name}" if name else pattern
            out[label] = why
        return out


def _as_selector(node: Any) -> Selector:
    # An attribute result is a string: parsel wraps it the way its own xpath() does.
    return Selector(root=str(node) if isinstance(node, str) else node, type="html")


def wrapper_result(response: Response) -> WrapperResult | None:
    """What :class:`WrapperMiddleware` found on *response*.

    None when the wrapper was not evaluated there: no wrapper, a URL it does not
    apply to, not HTML, larger than ``WRAPPER_MAX_PAGE_BYTES``, or an evaluation error
    (each counted in the ``wrapper/*`` stats).
    """
    result = response.meta.get(_META_KEY)
    return result if isinstance(result, WrapperResult) else None


def page_model(response: Response, wrapper: Wrapper, role: str = _SINGLE) -> WrapperResult:
    """:func:`wrapper_result`, or, when the middleware did not evaluate the page (it is
    not installed, or skipped the page), *wrapper*'s declared selectors applied as they
    are: no tree-grams, no repair, broken fields still reported."""
    result = wrapper_result(response)
    if result is not None and result.role == role:
        return result
    root = (
        response.selector.root
        if isinstance(response, HtmlResponse)
        else Selector(text="<html></html>").root
    )
    page = evaluate(wrapper, root, {}, session=Session(learn=False))
    return WrapperResult(wrapper.site, page.records, page.repairs, page.broken, None, role)


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
    healing: bool = setting("WRAPPER_HEALING")
    bundled: bool = setting("WRAPPER_BUNDLED_TREEGRAMS")
    vanished_min_pages: int = setting("WRAPPER_VANISHED_MIN_PAGES")


@dataclass
class _Model:
    """A page model's state in this crawl (its wrapper itself stays on the spider)."""

    role: str
    site: str
    repairer: Repairer
    grams: dict[str, TreeGram] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # key -> bundled | stored | learned
    session: Session = field(default_factory=Session)
    pending: list[Request] = field(default_factory=list)  # pages to fetch again after a repair
    pages: int = 0


class WrapperMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = from_settings(WrapperConfig, crawler.settings)
        self.models: dict[str, _Model] = {}
        self.store: MongoStore | MemoryStore | None = None
        self.seconds = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WrapperMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    # -- the spider's page models -------------------------------------------------------

    @property
    def wrapper(self) -> Wrapper | None:
        """The spider's one ``wrapper`` attribute (repaired in place), if it has one."""
        wrapper = getattr(self.crawler.spider, "wrapper", None)
        return wrapper if isinstance(wrapper, Wrapper) else None

    def wrappers(self) -> dict[str, Wrapper]:
        """The spider's page models by role (its ``wrappers``, or its one ``wrapper``)."""
        declared = getattr(self.crawler.spider, "wrappers", None)
        out = {r: w for r, w in (declared or {}).items() if isinstance(w, Wrapper)}
        single = self.wrapper
        if single is not None:
            out[_SINGLE] = single
        return out

    def _set_wrapper(self, role: str, wrapper: Wrapper) -> None:
        spider: Any = self.crawler.spider
        if role == _SINGLE:
            spider.wrapper = wrapper
        else:
            spider.wrappers[role] = wrapper

    def _choose(self, request: Request, url: str) -> tuple[str, Wrapper] | None:
        wrappers = self.wrappers()
        if not wrappers:
            return None
        role = request.meta.get("wrapper")
        if isinstance(role, str) and role in wrappers:
            return role, wrappers[role]
        for role, wrapper in wrappers.items():
            if wrapper.url_regex and wrapper.applies_to(url):
                return role, wrapper
        # The one wrapper of a `wrapper` spider applies to every page it matches;
        # declared page models only where a request or their url_regex names them.
        single = wrappers.get(_SINGLE)
        if single is not None and single.applies_to(url):
            return _SINGLE, single
        return None

    async def spider_opened(self) -> None:
        wrappers = self.wrappers()
        if not wrappers:
            return
        c = self.config
        if c.store_enabled and c.healing:
            try:
                storage = StorageService.of(self.crawler)
                await storage.started()  # down: saves are spooled until it is back
                self.store = MongoStore(storage.collection(c.treegram_collection), storage)
            except Exception as exc:
                logger.warning("Tree-gram store unavailable (%s); tree-grams kept in memory", exc)
                self.stats.inc_value("wrapper/store_errors")
        if self.store is None:
            self.store = MemoryStore()
        for role, wrapper in wrappers.items():
            await self._open_model(role, wrapper)

    async def _open_model(self, role: str, wrapper: Wrapper) -> _Model:
        c = self.config
        model = _Model(
            role,
            wrapper.site,
            Repairer(
                algorithm=c.algorithm or wrapper.algorithm,
                threshold=c.threshold or wrapper.threshold,
            ),
        )
        self.models[role] = model
        if not c.healing:
            model.session.learn = False  # nothing would use the tree-grams
            logger.info("Wrapper %r: healing off (WRAPPER_HEALING), declared selectors only", role)
            return model
        if c.bundled:
            for key, tg in load_bundled(wrapper).items():
                model.grams[key], model.origin[key] = tg, "bundled"
            self.stats.inc_value("wrapper/bundled_treegrams", len(model.grams))
            # Kept after stored, learned or repaired ones replace them: tried when those fail.
            model.session.reference = dict(model.grams)
        assert self.store is not None
        try:
            stored = await asyncio.to_thread(self.store.load, wrapper.site)
        except Exception as exc:
            logger.warning("Could not load tree-grams for %s: %s", wrapper.site, exc)
            self.stats.inc_value("wrapper/store_errors")
            stored = {}
        for key, tg in stored.items():  # earlier crawls of the site win over the bundle
            model.grams[key], model.origin[key] = tg, "stored"
        # Bundled tree-grams come from reference pages: renew them from this site.
        model.session.relearn = {k for k, o in model.origin.items() if o == "bundled"}
        logger.info(
            "Wrapper %r: %d stored and %d bundled tree-gram(s)",
            wrapper.site,
            len(stored),
            len(model.grams) - len(stored),
        )
        for key in apply_stored_selectors(wrapper, stored):
            self.stats.inc_value("wrapper/stored_selectors")
            logger.info("Using the selector repaired in an earlier crawl for %s", key)
        return model

    def spider_closed(self) -> None:
        if not self.models:
            return
        self.stats.set_value("wrapper/seconds", round(self.seconds, 4))
        for model in self.models.values():
            self._report_vanished(model)

    def _report_vanished(self, model: _Model) -> None:
        """Optional parts with a tree-gram that no page of a long enough crawl had:
        most likely a redesign the repair could not follow, so say it."""
        if model.pages < self.config.vanished_min_pages:
            return
        present = {key for key, _ in model.session.present}
        for key, attempts in sorted(model.session.absent_attempts.items()):
            if key in present or attempts < model.session.max_absent_attempts:
                continue
            self.stats.inc_value("wrapper/vanished")
            self.stats.inc_value(f"wrapper/vanished/{model.site}/{key}")
            logger.warning(
                "Optional %s of wrapper %r matched on none of %d pages although its "
                "tree-gram (%s) expects it: a redesign the repair could not follow?",
                key,
                model.site,
                model.pages,
                model.origin.get(key, "learned"),
            )

    # -- pages ---------------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        chosen = self._choose(request, response.url)
        if chosen is None:
            return response
        role, wrapper = chosen
        if not isinstance(response, HtmlResponse):
            self.stats.inc_value("wrapper/skipped_not_html")
            return response
        if len(response.body) > self.config.max_page_bytes:
            self.stats.inc_value("wrapper/skipped_huge")
            logger.warning(
                "Not evaluating the wrapper on %s: %d bytes", response.url, len(response.body)
            )
            return response
        model = self.models.get(role)
        if model is None:  # given after the crawl opened (a scrapy check contract)
            if self.store is None:
                self.store = MemoryStore()
            model = self.models[role] = _Model(
                role,
                wrapper.site,
                Repairer(algorithm=wrapper.algorithm, threshold=wrapper.threshold),
            )
        started = time.perf_counter()
        try:
            # response.selector is cached: the spider reuses this parse.
            root = response.selector.root
            result = evaluate(wrapper, root, model.grams, model.repairer, model.session)
        except Exception as exc:
            self.stats.inc_value("wrapper/errors")
            logger.warning("Wrapper evaluation failed on %s: %s", response.url, exc)
            return response
        self._record(model, result, request, response)
        self.seconds += time.perf_counter() - started
        return response

    def _record(
        self, model: _Model, result: PageResult, request: Request, response: Response
    ) -> None:
        assert self.store is not None
        site = model.site
        model.pages += 1
        self.stats.inc_value("wrapper/pages")
        if self.config.healing:
            for key, tg in result.learned.items():
                model.grams[key] = tg
                model.origin[key] = "learned"
                model.session.relearn.discard(key)
                self.store.save(site, key, tg, "learned")
                self.stats.inc_value("wrapper/learned")
        for key in result.fallbacks:
            self.stats.inc_value(f"wrapper/fallback/{site}/{key}")
        # A page lacking most of its model (a removal notice, an error page) is a poor
        # witness: its repairs serve that page, but do not become the crawl's selectors.
        adopt = not _sparse(result)
        if result.repaired and not adopt:
            self.stats.inc_value("wrapper/repairs_not_adopted")
            logger.info(
                "Repairs on %s not adopted for the crawl: most of the page model is absent there",
                response.url,
            )
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
                if event.treegram is not None and adopt:
                    # The session follows the repair; the store only when asked to.
                    model.grams[name] = event.treegram
                    model.session.relearn.discard(name)
                    if self.config.update_treegrams:
                        self.store.save(site, name, event.treegram, "repaired")
            else:
                self.stats.inc_value("wrapper/unrepaired")
                logger.warning("Could not repair %s on %s: %s", name, response.url, event.reason)
        if result.wrapper is not None and result.repaired and adopt:
            self._set_wrapper(model.role, result.wrapper)  # the one wrapper, now repaired
            self._retry_pending(model)
        if not result.repairs and not result.broken:
            self.stats.inc_value("wrapper/intact_pages")
        page_path = None
        if result.broken:
            if (
                not request.meta.get("wrapper_retry")
                and len(model.pending) < self.config.retry_pages
                and self.config.healing
            ):
                model.pending.append(request)
            self.stats.inc_value("wrapper/broken_pages")
            self.stats.inc_value("wrapper/broken_fields", len(result.broken))
            for key in result.broken:
                self.stats.inc_value(f"wrapper/broken/{site}/{key}")
            page_path = keep_page(Path(self.config.broken_dir) / site, response)
        # request.meta is response.meta once the response reaches the spider.
        request.meta[_META_KEY] = WrapperResult(
            site=site,
            records=result.records,
            repairs=result.repairs,
            broken=result.broken,
            page_path=page_path,
            role=model.role,
        )

    def _retry_pending(self, model: _Model) -> None:
        if not model.pending:
            return
        pending, model.pending = model.pending, []
        engine = self.crawler.engine
        assert engine is not None
        for request in pending:
            self.stats.inc_value("wrapper/retried_pages")
            logger.info("Re-fetching %s with the repaired wrapper", request.url)
            meta = {k: v for k, v in request.meta.items() if k != _META_KEY}
            meta["wrapper_retry"] = True
            engine.crawl(request.replace(dont_filter=True, meta=meta))


def _sparse(result: PageResult) -> bool:
    """Whether fewer than half of the fields of the page's first records were found
    (only for models of at least 4 fields, where a share means something)."""
    found = total = 0
    seen: set[str] = set()
    for record in result.records:
        if record["pattern"] in seen:
            continue
        seen.add(record["pattern"])
        values = list(record["fields"].values())
        total += len(values)
        found += sum(v not in (None, "", []) for v in values)
    return total >= 4 and found * 2 < total


class WrappersAddon:
    """Installs the wrapper middleware for every spider, whatever its ``custom_settings``
    set (it only acts for spiders that declare page models)."""

    def update_settings(self, settings: Any) -> None:
        # 50: after decompression (590) and the rest have handled the response.
        settings["DOWNLOADER_MIDDLEWARES"].setdefault(f"{__name__}.WrapperMiddleware", 50)
