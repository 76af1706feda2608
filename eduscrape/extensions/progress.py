"""CrawlProgress: live progress on a terminal, plain progress lines elsewhere.

Replaces Scrapy's LogStats (a line a minute, so a short crawl says "Crawled 0
pages" and ends). On an interactive terminal it shows a live line under the
log: pages, items, stored, spooled, errors, repaired/broken wrapper fields and
rates, refreshed a few times a second. Elsewhere (logs, CI, scrapyd) it logs the
same numbers as one plain line every ``EDUSCRAPE_PROGRESS_INTERVAL`` seconds,
phrased like LogStats' ("Crawled N pages (at R pages/min), scraped ...").
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from eduscrape.config import from_settings, setting

logger = logging.getLogger(__name__)

MODES = ("auto", "live", "lines", "off")


@dataclass(frozen=True)
class ProgressConfig:
    mode: str = setting("EDUSCRAPE_PROGRESS")
    interval: float = setting("EDUSCRAPE_PROGRESS_INTERVAL")


@dataclass(frozen=True)
class Snapshot:
    """The numbers progress shows, read from the crawl's stats."""

    pages: int
    items: int
    stored: int
    spooled: int
    errors: int
    repaired: int
    broken: int

    @classmethod
    def of(cls, stats: dict[str, Any]) -> Snapshot:
        return cls(
            pages=int(stats.get("response_received_count", 0)),
            items=int(stats.get("item_scraped_count", 0)),
            stored=int(stats.get("mongo/written", 0)),
            spooled=int(stats.get("mongo/spooled", 0)),
            errors=int(stats.get("log_count/ERROR", 0))
            + int(stats.get("spider_exceptions/count", 0)),
            repaired=int(stats.get("wrapper/repaired", 0)),
            broken=int(stats.get("wrapper/broken_fields", 0)),
        )

    def line(self, pages_per_min: float, items_per_min: float) -> str:
        text = (
            f"Crawled {self.pages} pages (at {pages_per_min:.0f} pages/min), "
            f"scraped {self.items} items (at {items_per_min:.0f} items/min); "
            f"stored {self.stored}, errors {self.errors}"
        )
        if self.spooled:
            text += f", spooled {self.spooled}"
        if self.repaired or self.broken:
            text += f", wrapper fields repaired {self.repaired}, broken {self.broken}"
        return text


class CrawlProgress:
    def __init__(self, crawler: Crawler, config: ProgressConfig) -> None:
        if config.mode not in MODES:
            raise ValueError(
                f"EDUSCRAPE_PROGRESS must be one of {', '.join(MODES)}: {config.mode!r}"
            )
        self.crawler = crawler
        self.config = config
        self.live: Any = None
        self.task: Any = None
        self._redirected: list[tuple[logging.StreamHandler[Any], Any]] = []
        self._started = time.monotonic()
        self._last = (self._started, Snapshot(0, 0, 0, 0, 0, 0, 0))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        config = from_settings(ProgressConfig, crawler.settings)
        if config.mode == "off":
            raise NotConfigured
        ext = cls(crawler, config)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def uses_live_display(self) -> bool:
        mode = self.config.mode
        return mode == "live" or (mode == "auto" and sys.stderr.isatty())

    def snapshot(self) -> Snapshot:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return Snapshot.of(stats)

    def spider_opened(self) -> None:
        self._started = time.monotonic()
        if self.uses_live_display:
            self._start_live()
            self.task = create_looping_call(self._refresh)
            self.task.start(0.25)
        else:
            self.task = create_looping_call(self._log_line)
            self.task.start(max(0.1, self.config.interval), now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.live is not None:
            self._refresh()
            self.live.stop()
            for handler, stream in self._redirected:
                handler.setStream(stream)
            self._redirected = []
            self.live = None

    # -- plain lines -------------------------------------------------------------

    def _rates(self, now: Snapshot) -> tuple[float, float]:
        then, before = self._last
        elapsed = max(time.monotonic() - then, 1e-6)
        self._last = (time.monotonic(), now)
        return (
            (now.pages - before.pages) * 60 / elapsed,
            (now.items - before.items) * 60 / elapsed,
        )

    def _log_line(self) -> None:
        now = self.snapshot()
        logger.info(now.line(*self._rates(now)))

    # -- live display ------------------------------------------------------------

    def _start_live(self) -> None:
        from rich.console import Console
        from rich.live import Live

        console = Console(stderr=True)
        self.live = Live(
            self._renderable(), console=console, refresh_per_second=4, redirect_stderr=True
        )
        self.live.start()
        # Scrapy's log handler holds the stderr it saw at start: point it at the live
        # console's proxy, so log lines print above the progress line, not through it.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (
                sys.__stderr__,
                getattr(self.live, "_restore_stderr", None),
            ):
                self._redirected.append((handler, handler.setStream(sys.stderr)))

    def _renderable(self) -> Any:
        from rich.text import Text

        now = self.snapshot()
        elapsed = max(time.monotonic() - self._started, 1e-6)
        name = self.crawler.spider.name if self.crawler.spider else "crawl"
        text = Text()
        text.append(f"{name} ", style="bold cyan")
        text.append(f"{now.pages} pages  {now.items} items  ")
        text.append(f"{now.stored} stored", style="green")
        if now.spooled:
            text.append(f"  {now.spooled} spooled", style="yellow")
        text.append(f"  {now.errors} errors", style="red" if now.errors else "")
        if now.repaired or now.broken:
            text.append(f"  repaired {now.repaired}, broken {now.broken}", style="magenta")
        text.append(f"  {now.pages * 60 / elapsed:.0f} pages/min  {elapsed:.0f} s", style="dim")
        return text

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._renderable())
