"""CrawlSummary: a readable summary table at the end of every crawl.

Logs a table of the numbers people look at first (pages, items, errors,
storage counters, time) and, with ``EDUSCRAPE_STATS_FILE``, writes every stat
as JSON for scripts (``make demo``, the tests, the benchmarks).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from eduscrape.config import from_settings, setting

logger = logging.getLogger(__name__)


def stats_to_json(stats: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif not isinstance(value, (int, float, str, bool, type(None), list, dict)):
            value = str(value)
        out[key] = value
    return out


def summary_rows(stats: dict[str, Any]) -> list[tuple[str, str]]:
    errors = sum(
        v
        for k, v in stats.items()
        if k.startswith("log_count/ERROR") or k == "spider_exceptions/count"
    )
    rows = [
        ("pages", stats.get("response_received_count", 0)),
        ("items", stats.get("item_scraped_count", 0)),
        ("dropped", stats.get("item_dropped_count", 0)),
        ("errors", errors),
        ("broken pages", stats.get("eduscrape/pages/broken", 0)),
        # Self-healing page models: selectors repaired / left broken in this crawl.
        ("repaired selectors", stats.get("wrapper/repaired", 0)),
        ("unrepaired selectors", stats.get("wrapper/unrepaired", 0)),
        ("stored in MongoDB", stats.get("mongo/written", 0)),
        ("spooled", stats.get("mongo/spooled", 0)),
        ("replayed", stats.get("mongo/replayed", 0)),
        ("time (s)", f"{stats.get('elapsed_time_seconds', 0):.1f}"),
        ("finish reason", stats.get("finish_reason", "")),
    ]
    return [(k, str(v)) for k, v in rows]


def render_table(title: str, rows: list[tuple[str, str]]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key, value in rows:
        table.add_row(key, value)
    buffer = io.StringIO()
    Console(width=100, file=buffer, color_system=None).print(table)
    return buffer.getvalue()


@dataclass(frozen=True)
class SummaryConfig:
    stats_file: str | None = setting("EDUSCRAPE_STATS_FILE")
    enabled: bool = setting("EDUSCRAPE_SUMMARY")


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = from_settings(SummaryConfig, crawler.settings)
        self.stats_file = config.stats_file
        self.enabled = config.enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        # spider_closed fires after the pipelines closed, and after CoreStats (loaded
        # before us) recorded finish_reason and elapsed time.
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        name = self.crawler.spider.name if self.crawler.spider else "spider"
        if self.enabled:
            logger.info("\n%s", render_table(f"eduscrape: {name}", summary_rows(stats)))
        if self.stats_file:
            path = Path(self.stats_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(stats_to_json(stats), indent=2, sort_keys=True))
