"""``site``: crawl one web site and record every page (HTML and files).

    scrapy crawl site -a start_url=https://www.example.edu/ [-a max_pages=500]

Stays on the start URL's host (and below its path with ``-a scope=path``).
One :class:`~eduscrape.items.PageItem` per fetched URL, including non-HTML
files (PDFs...) and error pages, so site size and rich files can be measured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from eduscrape.items import PageItem


class SiteSpider(scrapy.Spider):
    name = "site"
    item_types: ClassVar[list[type]] = [PageItem]
    demo_args: ClassVar[dict[str, str]] = {"start_url": "{demo}/campus/"}
    custom_settings: ClassVar[dict[str, Any]] = {
        # Error pages are part of a site's picture; record them instead of dropping them.
        "HTTPERROR_ALLOW_ALL": True,
    }

    def __init__(
        self,
        start_url: str | None = None,
        scope: str = "host",
        max_pages: str | int = 0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not start_url:
            raise ValueError("the site spider needs -a start_url=URL")
        self.start_url = start_url
        parts = urlsplit(start_url)
        self.site = parts.netloc
        self.prefix = parts.path.rsplit("/", 1)[0] + "/" if scope == "path" else "/"
        self.max_pages = int(max_pages)
        self.allowed_domains = [parts.hostname or ""]
        # Scope is checked on host:port in _in_scope (allow_domains would compare the port too).
        self.link_extractor = LinkExtractor(deny_extensions=[], unique=True)

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.start_url, callback=self.parse, cb_kwargs={"depth": 0})

    def _in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.netloc == self.site and parts.path.startswith(self.prefix)

    def parse(self, response: Response, depth: int = 0) -> Iterator[Any]:
        ctype = (
            response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip()
            or None
        )
        outlinks: list[str] = []
        title = None
        if isinstance(response, TextResponse) and response.status < 400:
            title = (response.css("title::text").get() or "").strip() or None
            outlinks = [link.url for link in self.link_extractor.extract_links(response)]
        yield PageItem(
            url=response.url,
            site=self.site,
            status=response.status,
            title=title,
            content_type=ctype,
            size_bytes=len(response.body),
            depth=depth,
            outlinks=outlinks,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        for url in outlinks:
            if self._in_scope(url) and (
                not self.max_pages
                or self.crawler.stats.get_value("item_scraped_count", 0) < self.max_pages
            ):
                yield response.follow(url, callback=self.parse, cb_kwargs={"depth": depth + 1})
