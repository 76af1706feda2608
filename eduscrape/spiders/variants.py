"""``variants``: compare language variants of a web site, page by page, in lock-step.

    scrapy crawl variants -a left=https://example.org/en/ -a right=https://example.org/es/
    scrapy crawl variants -a variants=URL_EN,URL_ES,URL_FR      # first = reference
    scrapy crawl variants -a left=... -a right=... -a track=1   # re-check since last session

The walk, the pairing and the tracking are :class:`eduscrape.variants.walk.VariantWalk`
(Scrapy-free); this spider builds its configuration from the ``VARIANTS_*``
settings, gives it a fetch function on Scrapy's engine (so pages go through the
downloader middlewares and the HTTP cache), reads the previous session from
MongoDB when tracking, and yields the walk's items.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS

from eduscrape.arguments import Argument, boolean, url_list, whole_number
from eduscrape.config import from_settings, setting
from eduscrape.items import VariantPageItem, VariantSessionItem, VariantSetItem
from eduscrape.spiders._base import EduscrapeSpider
from eduscrape.variants.fetching import Download
from eduscrape.variants.structure import DEFAULT_IGNORED_TAGS, Criteria
from eduscrape.variants.walk import (
    Previous,
    VariantWalk,
    WalkConfig,
    new_session_id,
    pair_id_of,
)

_SKIP_EXT = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)


def _header(response: Response, name: str) -> str:
    return (response.headers.get(name) or b"").decode("latin-1")


@dataclass(frozen=True)
class VariantsConfig:
    """The ``VARIANTS_*`` settings (defaults and documentation: eduscrape/settings.py)."""

    ignored_tags: list[str] = setting("VARIANTS_IGNORED_TAGS")
    tags_of_interest: list[str] = setting("VARIANTS_TAGS_OF_INTEREST")
    skipped_classes: list[str] = setting("VARIANTS_SKIPPED_CLASSES")
    ignore_fragments: bool = setting("VARIANTS_IGNORE_FRAGMENTS")
    internal_anchors: bool = setting("VARIANTS_INTERNAL_ANCHORS")
    max_page_bytes: int = setting("VARIANTS_MAX_PAGE_BYTES")
    translation_mode: str = setting("VARIANTS_TRANSLATION_MODE")
    block_checks: list[str] = setting("VARIANTS_BLOCK_CHECKS")
    mapping_rule: str = setting("VARIANTS_MAPPING_RULE")
    min_similarity: float = setting("VARIANTS_MIN_SIMILARITY")
    max_sets: int = setting("VARIANTS_MAX_SETS")
    concurrent_sets: int = setting("VARIANTS_CONCURRENT_SETS")
    convention_min_pages: int = setting("VARIANTS_CONVENTION_MIN_PAGES")
    convention_min_share: float = setting("VARIANTS_CONVENTION_MIN_SHARE")

    def walk_config(self, **overrides: Any) -> WalkConfig:
        criteria = Criteria(
            ignored_tags=frozenset(t.lower() for t in self.ignored_tags)
            if self.ignored_tags
            else DEFAULT_IGNORED_TAGS,
            tags_of_interest=frozenset(t.lower() for t in self.tags_of_interest)
            if self.tags_of_interest
            else None,
            skipped_classes=frozenset(self.skipped_classes),
            ignore_fragments=self.ignore_fragments,
            include_internal_anchors=self.internal_anchors,
            max_bytes=self.max_page_bytes,
            translation_block_checks=frozenset(
                c.strip().lower() for c in self.block_checks if c.strip()
            ),
        )
        values = {
            "criteria": criteria,
            "rule": self.mapping_rule,
            "translation_mode": self.translation_mode,
            "min_similarity": self.min_similarity,
            "max_sets": self.max_sets,
            "concurrent_sets": max(1, self.concurrent_sets),
            "convention_min_pages": self.convention_min_pages,
            "convention_min_share": self.convention_min_share,
        }
        return WalkConfig(**{**values, **overrides})


class VariantsSpider(EduscrapeSpider):
    name = "variants"
    item_types: ClassVar[list[type]] = [VariantSetItem, VariantSessionItem, VariantPageItem]
    custom_settings: dict[str, Any] = {
        # Repeated sessions do not refetch: RFC 2616 policy revalidates stale
        # entries with conditional requests (304 keeps the cached body).
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
        "HTTPCACHE_IGNORE_HTTP_CODES": [500, 502, 503, 504],
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOAD_MAXSIZE": 20 * 1024 * 1024,
        "REDIRECT_MAX_TIMES": 10,
        "RETRY_TIMES": 1,
        # Python's http.server listens with a backlog of 5: more simultaneous
        # connections get SYNs dropped and a 1 s retransmit each. 4 keeps loopback fast.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    }

    arguments = (
        Argument("left", "the reference variant's home page (with right)"),
        Argument("right", "the other variant's home page (with left)"),
        Argument(
            "variants",
            "two or more variants' home pages instead of left/right, the first is the reference",
            type=url_list,
        ),
        Argument(
            "track",
            "re-check only what changed since the last session",
            type=boolean,
            default=False,
        ),
        Argument(
            "max_sets",
            "the most page sets compared (0: VARIANTS_MAX_SETS)",
            type=whole_number,
            default=0,
        ),
        Argument(
            "rule",
            "how counterpart URLs are found: auto, or patterns like /en/,/es/ (VARIANTS_MAPPING_RULE)",
        ),
    )
    left: str | None
    right: str | None
    variants: list[str] | None
    track: bool
    max_sets: int
    rule: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roots = list(self.variants or [])
        if not roots and self.left and self.right:
            roots = [self.left, self.right]
        self.session = new_session_id()
        self.set_roots(roots)

    def set_roots(self, roots: list[str]) -> None:
        """The sites compared (first = reference), as ``-a variants=`` gives them."""
        self.roots = list(roots)
        self.pair_id = pair_id_of(self.roots)

    def walk_config(self) -> WalkConfig:
        """``VARIANTS_*`` settings, overridden by the ``-a`` arguments given."""
        given = {"rule": self.rule, "max_sets": self.max_sets}
        return from_settings(VariantsConfig, self.crawler.settings).walk_config(
            track=self.track,
            skipped_extensions=_SKIP_EXT,
            **{k: v for k, v in given.items() if v},
        )

    def check_arguments(self) -> None:
        super().check_arguments()
        if len(self.roots) < 2:
            raise ValueError(
                "the variants spider needs -a left=URL -a right=URL or -a variants=URL1,URL2,..."
            )

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        # One driving request (no network); the walk fetches every page itself, in lock-step.
        yield scrapy.Request(
            "data:,", callback=self.walk, dont_filter=True, meta={"dont_cache": True}
        )

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """``scrapy parse --spider=variants -a left=URL -a right=URL URL``: the walk
        (URL, e.g. the left one, only drives it: the walk fetches the pages itself)."""
        self.check_arguments()
        async for item in self.walk(response):
            yield item

    async def walk(self, response: Response) -> AsyncIterator[Any]:
        """The whole comparison, driven by one request (no network).

        @url data:,
        @roots /university/en/index.html /university/es/index.html
        @returns items 3
        @returns requests 0 0
        """
        config = self.walk_config()
        previous = Previous(*await asyncio.to_thread(self._load_previous))
        engine = VariantWalk(
            self.roots,
            self._download,
            config,
            session=self.session,
            previous=previous,
            stats=self.crawler.stats,
        )
        async for item in engine.run():
            yield item

    async def _download(self, url: str, headers: Mapping[str, str]) -> Download:
        """The walk's fetch function: Scrapy's downloader (middlewares, HTTP cache)."""
        request = scrapy.Request(
            url, headers=dict(headers), dont_filter=True, meta={"dont_cache": self.track}
        )
        response = await self.crawler.engine.download_async(request)
        return Download(
            url=response.url,
            status=response.status,
            body=response.body,
            content_type=_header(response, "Content-Type"),
            etag=_header(response, "ETag") or None,
            last_modified=_header(response, "Last-Modified") or None,
            is_text=isinstance(response, TextResponse),
        )

    # -- previous session (tracking) ----------------------------------------------------

    def _load_previous(
        self,
    ) -> tuple[str | None, dict[tuple[str, int], dict[str, Any]], dict[str, Any]]:
        if not self.track:
            return None, {}, {}
        from eduscrape.variants import store

        try:
            db = self._database()
            prev = store.latest_session(db, self.pair_id)
            if prev is None:
                self.logger.info("tracking: no earlier session of this pair, full comparison")
                return None, {}, {}
            sets = {
                (d["set_key"], d["variant"]): d for d in store.session_sets(db, prev["session"])
            }
            return prev["session"], sets, store.page_states(db, self.pair_id)
        except Exception as exc:  # no database: tracking degrades to a full comparison
            self.logger.warning("tracking: cannot read the previous session (%s)", exc)
            self.crawler.stats.set_value("variants/tracking_error", str(exc)[:200])
            return None, {}, {}

    def _database(self) -> Any:
        from eduscrape.storage.service import StorageService

        return StorageService.of(self.crawler).database  # the crawl's one MongoDB
