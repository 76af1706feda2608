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

from eduscrape.config import from_settings, setting
from eduscrape.items import VariantPageItem, VariantSessionItem, VariantSetItem
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


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


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
    mapping_rule: str = setting("VARIANTS_MAPPING_RULE")
    min_similarity: float = setting("VARIANTS_MIN_SIMILARITY")
    max_sets: int = setting("VARIANTS_MAX_SETS")
    concurrent_sets: int = setting("VARIANTS_CONCURRENT_SETS")

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
        )
        values = {
            "criteria": criteria,
            "rule": self.mapping_rule,
            "translation_mode": self.translation_mode,
            "min_similarity": self.min_similarity,
            "max_sets": self.max_sets,
            "concurrent_sets": max(1, self.concurrent_sets),
        }
        return WalkConfig(**{**values, **overrides})


class VariantsSpider(scrapy.Spider):
    name = "variants"
    item_types: ClassVar[list[type]] = [VariantSetItem, VariantSessionItem, VariantPageItem]
    custom_settings: ClassVar[dict[str, Any]] = {
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

    def __init__(
        self,
        left: str | None = None,
        right: str | None = None,
        variants: str | None = None,
        track: str | bool = False,
        max_sets: str | int = 0,
        rule: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        roots = [u.strip() for u in variants.split(",") if u.strip()] if variants else []
        if not roots and left and right:
            roots = [left, right]
        if len(roots) < 2:
            raise ValueError(
                "the variants spider needs -a left=URL -a right=URL or -a variants=URL1,URL2,..."
            )
        self.roots = roots
        self.track = _truthy(track)
        self.max_sets_arg = int(max_sets)
        self.rule_arg = rule
        self.session = new_session_id()
        self.pair_id = pair_id_of(roots)

    def walk_config(self) -> WalkConfig:
        """``VARIANTS_*`` settings, overridden by the ``-a`` arguments given."""
        given = {"rule": self.rule_arg, "max_sets": self.max_sets_arg}
        return from_settings(VariantsConfig, self.crawler.settings).walk_config(
            track=self.track,
            skipped_extensions=_SKIP_EXT,
            **{k: v for k, v in given.items() if v},
        )

    async def start(self) -> AsyncIterator[Any]:
        # One driving request (no network); the walk fetches every page itself, in lock-step.
        yield scrapy.Request(
            "data:,", callback=self.walk, dont_filter=True, meta={"dont_cache": True}
        )

    async def walk(self, response: Response) -> AsyncIterator[Any]:
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
