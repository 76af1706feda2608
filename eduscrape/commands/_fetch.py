"""Fetch a command's page URLs through Scrapy (``scrapy repair``, ``scrapy learn-wrapper``).

One small crawl with a spider that requests each URL once: the project's settings,
user agent, robots.txt, proxies and downloader middlewares apply as in a crawl,
unlike a direct download. Nothing is stored and no crawl report is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse


def is_url(path: str) -> bool:
    """True for an http(s) URL (fetched through Scrapy); anything else is a file."""
    return path.startswith(("http://", "https://"))


class PageFetchSpider(scrapy.Spider):
    """Requests each URL once; keeps the text of each page, or why it has none."""

    name = "eduscrape-fetch"
    custom_settings: dict[str, Any] = {
        # A tool fetching pages, not a crawl: no database, report, summary or progress line.
        "MONGO_ENABLED": False,
        "EDUSCRAPE_REPORT": False,
        "EDUSCRAPE_SUMMARY": False,
        "EDUSCRAPE_PROGRESS": "off",
    }

    def __init__(
        self, urls: Sequence[str], pages: dict[str, str], errors: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.urls, self.pages, self.errors = list(urls), pages, errors

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield scrapy.Request(
                url,
                callback=self.got,
                errback=self.failed,
                dont_filter=True,
                cb_kwargs={"url": url},
            )

    def got(self, response: Response, url: str) -> None:
        if not isinstance(response, TextResponse):
            self.errors[url] = f"not a text page ({response.headers.get('Content-Type')!r})"
        else:
            self.pages[url] = response.text

    def failed(self, failure: Any) -> None:
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.errors[failure.request.cb_kwargs.get("url", failure.request.url)] = reason


def fetch_pages(crawler_process: Any, paths: Sequence[str]) -> dict[str, str]:
    """The text of every http(s) URL among *paths*, fetched by one Scrapy crawl.

    Raises ValueError naming each URL that could not be fetched (and why: HTTP
    status, robots.txt, connection error).
    """
    urls = list(dict.fromkeys(p for p in paths if is_url(p)))
    pages: dict[str, str] = {}
    errors: dict[str, str] = {}
    if not urls:
        return pages
    crawler_process.crawl(PageFetchSpider, urls=urls, pages=pages, errors=errors)
    crawler_process.start()
    for url in urls:
        if url not in pages and url not in errors:
            errors[url] = "not fetched (the crawl stopped before it)"
    if errors:
        raise ValueError("; ".join(f"cannot fetch {u}: {why}" for u, why in errors.items()))
    return pages
