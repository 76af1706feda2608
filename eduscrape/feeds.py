"""One CSV file per item type, for spiders that yield several.

A CSV file has one header: a feed mixing item types (MOOC courses, videos and
relations; variant sets, sessions and pages) would be mostly blank cells. For a
spider with several ``item_types``, every CSV feed that does not already filter
by ``item_classes`` becomes one feed per type, next to the requested path:
``-O output/ocw.csv`` writes ``output/ocw-mooc_course.csv``,
``output/ocw-mooc_video.csv``... (the suffix is the type's MongoDB collection).
JSON and JSON-lines feeds keep every item in one file (each line says its
``entity`` or type).
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _is_csv(uri: str, options: dict[str, Any]) -> bool:
    return (options.get("format") or "").lower() == "csv"


def type_suffix(item_type: type) -> str:
    return str(getattr(item_type, "mongo_collection", "") or item_type.__name__.lower())


def per_type_uri(uri: str, item_type: type) -> str:
    """``output/ocw.csv`` -> ``output/ocw-mooc_course.csv`` (also for file:// URIs)."""
    head, sep, query = uri.partition("?")
    path = PurePosixPath(head)
    stem = path.stem if path.suffix else path.name
    renamed = str(path.with_name(f"{stem}-{type_suffix(item_type)}{path.suffix}"))
    if "://" in head and "://" not in renamed:  # PurePosixPath folds "//" after the scheme
        scheme, rest = head.split("://", 1)
        renamed = f"{scheme}://{PurePosixPath(rest).with_name(PurePosixPath(renamed).name)}"
    return renamed + (sep + query if sep else "")


def split_csv_feeds(feeds: dict[str, Any], item_types: list[type]) -> dict[str, Any]:
    """*feeds* (Scrapy's ``FEEDS``) with each mixed CSV feed split per item type."""
    if len(item_types) < 2:
        return dict(feeds)
    out: dict[str, Any] = {}
    for uri, options in feeds.items():
        options = dict(options or {})
        if not _is_csv(str(uri), options) or options.get("item_classes"):
            out[uri] = options
            continue
        for item_type in item_types:
            path = f"{item_type.__module__}.{item_type.__qualname__}"
            out[per_type_uri(str(uri), item_type)] = {**options, "item_classes": [path]}
        logger.info(
            "CSV feed %s: one file per item type (%s)",
            uri,
            ", ".join(per_type_uri(str(uri), t) for t in item_types),
        )
    return out


class CsvPerItemTypeAddon:
    """Scrapy add-on: split the mixed CSV feeds of spiders with several ``item_types``.

    An add-on because add-ons update settings after every other source (command
    line included) has been applied, and they see the crawler's spider class.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CsvPerItemTypeAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        item_types = list(getattr(self.crawler.spidercls, "item_types", []) or [])
        current = settings.getdict("FEEDS")
        split = split_csv_feeds(current, item_types)
        if split == current:
            return
        feeds = settings["FEEDS"]
        priority = settings.getpriority("FEEDS") or 0
        if isinstance(feeds, BaseSettings):
            # Setting a dict over a dict setting merges into it: replace its keys instead.
            for uri in current:
                if uri not in split:
                    del feeds[uri]
            for uri, options in split.items():
                feeds.set(uri, options, priority)
        else:
            settings.set("FEEDS", split, priority=priority)
