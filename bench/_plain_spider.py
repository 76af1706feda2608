"""The same crawl as eduscrape's `site` spider, in plain Scrapy (no project, no pipelines).

Run by bench_throughput.py with `scrapy runspider` outside the project, so
Scrapy's defaults apply; the parse work (link extraction, one item per page)
matches eduscrape's spider so the ratio measures eduscrape's overhead.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor


class PlainSiteSpider(scrapy.Spider):
    name = "plain_site"

    def __init__(self, start_url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.site = urlsplit(start_url).netloc
        self.link_extractor = LinkExtractor(deny_extensions=[], unique=True)

    async def start(self):
        yield scrapy.Request(self.start_url, cb_kwargs={"depth": 0})

    def parse(self, response, depth=0):
        outlinks = []
        title = None
        if isinstance(response, TextResponse) and response.status < 400:
            title = (response.css("title::text").get() or "").strip() or None
            outlinks = [link.url for link in self.link_extractor.extract_links(response)]
        yield {
            "url": response.url,
            "site": self.site,
            "status": response.status,
            "title": title,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "size_bytes": len(response.body),
            "depth": depth,
            "outlinks": outlinks,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        for url in outlinks:
            if urlsplit(url).netloc == self.site:
                yield response.follow(url, cb_kwargs={"depth": depth + 1})
