"""CrawlReport: a self-contained HTML report of every crawl, with charts.

Per run: the summary numbers, items per type, how often each field of each item
type was filled (for housing ads, each extracted fact), wrapper fields repaired
and broken, and every eduscrape stat grouped by component (``mongo/``,
``wrapper/``, ``variants/``, ``mooc/``, ``housing/``...). Written at spider close
to ``EDUSCRAPE_REPORT_DIR/<spider>-<start time>.html`` (Jinja2, autoescaped:
crawled text is untrusted; inline CSS and SVG, nothing fetched).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from jinja2 import Environment, PackageLoader, select_autoescape
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from eduscrape.config import from_settings, setting
from eduscrape.extensions.summary import summary_rows

logger = logging.getLogger(__name__)

_ENV = Environment(
    loader=PackageLoader("eduscrape.extensions", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Dict-valued fields whose keys are facts of their own (housing ads' extracted fields).
_NESTED_FIELDS = ("fields", "text_fields")
_COMPONENTS = ("mongo", "wrapper", "variants", "mooc", "housing", "webometrics", "redis")


@dataclass(frozen=True)
class ReportConfig:
    enabled: bool = setting("EDUSCRAPE_REPORT")
    folder: str = setting("EDUSCRAPE_REPORT_DIR")


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}, ())


@dataclass
class FieldFill:
    """How many items of one type were seen, and how many had each field filled."""

    items: int = 0
    filled: Counter[str] = field(default_factory=Counter)

    def add(self, item: Any) -> None:
        self.items += 1
        adapter = ItemAdapter(item)
        for name in adapter.field_names():
            value = adapter.get(name)
            if name in _NESTED_FIELDS and isinstance(value, dict):
                for key, inner in value.items():
                    self.filled[f"{name}.{key}"] += _filled(inner)
                continue
            self.filled[name] += _filled(value)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"label": name, "value": n, "share": n / self.items if self.items else 0.0}
            for name, n in sorted(self.filled.items())
        ]


def _bars(rows: list[tuple[str, float]], width: int = 360) -> list[dict[str, Any]]:
    top = max((v for _, v in rows), default=0) or 1
    return [{"label": k, "value": v, "width": round(width * v / top, 1)} for k, v in rows]


def render(spider: str, stats: dict[str, Any], fills: dict[str, FieldFill]) -> str:
    """The report's HTML for one finished crawl."""
    grouped: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for key in sorted(stats):
        prefix = key.split("/", 1)[0]
        if prefix in _COMPONENTS:
            grouped[prefix].append((key, stats[key]))
    repaired = [
        (k.split("/", 2)[2], v)
        for k, v in sorted(stats.items())
        if k.startswith("wrapper/repaired/")
    ]
    broken = [
        (k.split("/", 2)[2], v) for k, v in sorted(stats.items()) if k.startswith("wrapper/broken/")
    ]
    return _ENV.get_template("crawl_report.html.j2").render(
        spider=spider,
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        summary=summary_rows(stats),
        items_by_type=_bars(sorted((t, f.items) for t, f in fills.items())),
        fills={t: f.rows() for t, f in sorted(fills.items())},
        repaired=_bars(repaired),
        broken=_bars(broken),
        groups=[(name, grouped[name]) for name in _COMPONENTS if grouped.get(name)],
    )


class CrawlReport:
    def __init__(self, crawler: Crawler, config: ReportConfig) -> None:
        self.crawler = crawler
        self.folder = Path(config.folder)
        self.fills: dict[str, FieldFill] = defaultdict(FieldFill)
        self.started = datetime.now(timezone.utc)
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        config = from_settings(ReportConfig, crawler.settings)
        if not config.enabled or not config.folder:
            raise NotConfigured
        ext = cls(crawler, config)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        # Known from the start, so the stats file and the summary (written at close,
        # possibly before this extension) can name it.
        name = self.crawler.spider.name if self.crawler.spider else "crawl"
        self.path = self.folder / f"{name}-{self.started:%Y%m%dT%H%M%S}.html"
        self.crawler.stats.set_value("eduscrape/report", str(self.path))

    def item_scraped(self, item: Any) -> None:
        self.fills[type(item).__name__].add(item)

    def spider_closed(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        name = self.crawler.spider.name if self.crawler.spider else "crawl"
        path = self.path or self.folder / f"{name}-{self.started:%Y%m%dT%H%M%S}.html"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(name, stats, self.fills), encoding="utf-8")
        except OSError as exc:
            logger.warning("Could not write the crawl report %s: %s", path, exc)
            self.crawler.stats.set_value("eduscrape/report", None)
            return
        logger.info("Crawl report: %s", path)
