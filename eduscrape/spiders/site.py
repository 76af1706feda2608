"""``site``: crawl web sites and record every page (HTML and files).

    scrapy crawl site -a start_url=https://www.example.edu/ [-a max_pages=500]
    scrapy crawl site -a start_url=https://a.example.edu/,https://b.example.org/ -a scope=path

Each start URL is one site (an institution, for webometrics). The crawl stays
on each start URL's host (and below its folder with ``-a scope=path``, for
sites that share a host). One :class:`~eduscrape.items.PageItem` per fetched
URL, including non-HTML files (PDFs...) and error pages, so site size, rich
files and links between sites can be measured (``scrapy webometrics``).
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
        urls = [u.strip() for u in (start_url or "").split(",") if u.strip()]
        if not urls:
            raise ValueError("the site spider needs -a start_url=URL[,URL...]")
        if scope not in ("host", "path"):
            raise ValueError("scope must be 'host' or 'path'")
        self.start_urls_list = urls
        # One (site id, netloc, path prefix) per start URL; the longest prefix wins.
        self.roots: list[tuple[str, str, str]] = []
        for url in urls:
            parts = urlsplit(url)
            prefix = parts.path.rsplit("/", 1)[0] + "/" if scope == "path" else "/"
            site = parts.netloc + (prefix.rstrip("/") if scope == "path" else "")
            self.roots.append((site, parts.netloc, prefix))
        self.roots.sort(key=lambda root: len(root[2]), reverse=True)
        self.max_pages = int(max_pages)
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in urls})
        # Scope is checked on host:port in site_of (allow_domains would compare the port too).
        self.link_extractor = LinkExtractor(deny_extensions=[], unique=True)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls_list:
            yield scrapy.Request(url, callback=self.parse, cb_kwargs={"depth": 0})

    def site_of(self, url: str) -> str | None:
        """The site (start URL root) *url* belongs to, or None when it is out of scope."""
        parts = urlsplit(url)
        for site, netloc, prefix in self.roots:
            if parts.netloc == netloc and parts.path.startswith(prefix):
                return site
        return None

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
            site=self.site_of(response.url) or urlsplit(response.url).netloc,
            status=response.status,
            title=title,
            content_type=ctype,
            size_bytes=len(response.body),
            depth=depth,
            outlinks=outlinks,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        for url in outlinks:
            if self.site_of(url) and (
                not self.max_pages
                or self.crawler.stats.get_value("item_scraped_count", 0) < self.max_pages
            ):
                yield response.follow(url, callback=self.parse, cb_kwargs={"depth": depth + 1})
