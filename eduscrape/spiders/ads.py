"""``ads``: housing ads from Craigslist-style "apts/housing for rent" pages.

    scrapy crawl ads -a start_url=https://boston.craigslist.org/search/apa [-a max_pages=50]
    scrapy crawl ads -a url_file=postings.txt     # http(s):// or file:// URLs, one a line

From a listing: follows posting links and the "next" page (at most ``max_pages``
pages per site, 0 = no limit). Every posting page becomes one
:class:`~eduscrape.items.HousingAdItem` with the page's ``attributes``; the
housing pipeline adds ``text_fields`` / ``fields``. Deleted, flagged, expired,
empty and non-English postings are recorded with their status and counted
(``ads/status/<status>``), never extracted from.

Pages are read through declared page models (``eduscrape/wrappers/craigslist-posting.yaml``,
``craigslist-listing.yaml``), checked and repaired by the wrapper middleware before the
callbacks run. Never silent: a posting whose title or body cannot be found (and that
does not say it was removed), or whose model has a broken required field, is flagged
(``broken``, ``page_path``, a WARNING, stats) and a crawl of mostly broken pages fails.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse

from eduscrape.arguments import MAX_PAGES, Argument, url_list
from eduscrape.housing.craigslist import (
    BUBBLE_PATTERNS,
    language_of,
    listing_of,
    posting_of,
    removal_notice,
)
from eduscrape.items import HousingAdItem
from eduscrape.spiders._base import EduscrapeSpider
from eduscrape.spiders._broken import record_broken_page


class AdsSpider(EduscrapeSpider):
    name = "ads"
    item_types: ClassVar[list[type]] = [HousingAdItem]
    arguments = (
        Argument("start_url", "listing page(s) (or postings) to start from", type=url_list),
        Argument("url_file", "a file of posting URLs (http(s):// or file://), one a line"),
        MAX_PAGES,
        Argument(
            "language",
            "language of the ads extracted (others are recorded as non_english)",
            default="en",
        ),
    )
    page_models: ClassVar[dict[str, str]] = {
        "posting": "craigslist-posting",
        "listing": "craigslist-listing",
    }
    custom_settings: dict[str, Any] = {
        # Deleted postings answer 404/410 on the real site; they are recorded, not dropped.
        "HTTPERROR_ALLOWED_CODES": [404, 410],
        # One posting at a time per site (Craigslist throttles anyway): after a redesign,
        # the first repaired page sets the selectors for the rest, instead of every
        # concurrent page repairing on its own from tree-grams of other postings.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }

    start_url: list[str]
    url_file: str | None
    max_pages: int
    language: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listing_pages = 0

    def _posting_urls(self) -> list[str]:
        path = Path(self.url_file or "")
        if not path.is_file():
            raise ValueError(f"url_file not found: {path}")
        urls = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "://" not in line:  # a plain path: make it a file:// URL
                line = Path(line).resolve().as_uri()
            urls.append(line)
        return urls

    def check_arguments(self) -> None:
        super().check_arguments()
        if not self.start_url and not self.url_file:
            raise ValueError("the ads spider needs -a start_url=LISTING_URL or -a url_file=PATH")

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        if self.url_file:
            for url in self._posting_urls():
                yield scrapy.Request(
                    url,
                    callback=self.parse_posting,
                    errback=self.on_error,
                    meta={"wrapper": "posting"},
                )
        for url in self.start_url or []:
            yield scrapy.Request(
                url, callback=self.parse, errback=self.on_error, meta={"wrapper": "listing"}
            )

    def on_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value("ads/errors")
        self.logger.warning("ads: request failed: %s", failure.getErrorMessage())

    def parse(self, response: Response) -> Iterator[Any]:
        """A listing page (or a posting given as start URL).

        @demo /classifieds/search/apa/
        @returns items 0 0
        @returns requests 2
        """
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("ads/skipped/not_text")
            return
        result = self.page(response, "listing")
        listing = listing_of(result, response.url)
        if not listing.postings and self._looks_like_posting(response):
            # A start URL may be a posting: its own page model finds it.
            yield from self.parse_posting(response)
            return
        self.listing_pages += 1
        self.crawler.stats.inc_value("ads/listing_pages")
        broken = result.broken_fields()
        if not listing.postings:
            # An empty search, or rows the model no longer finds: say it either way.
            broken.setdefault("result", "no posting links on the listing page")
        record_broken_page(self.crawler, response, broken)
        for url in listing.postings:
            yield response.follow(
                url,
                callback=self.parse_posting,
                errback=self.on_error,
                meta={"wrapper": "posting"},
            )
        if listing.next_url:
            yield response.follow(
                listing.next_url,
                callback=self.parse,
                errback=self.on_error,
                meta={"wrapper": "listing"},
            )

    def _looks_like_posting(self, response: Response) -> bool:
        """Whether the posting model finds a posting (title and body, or a removal notice)."""
        page = self.page(response, "posting")
        has_title = bool(page.selector("title")) and bool(page.selector("body"))
        return has_title or removal_notice(page) is not None

    def parse_posting(self, response: Response) -> Iterator[Any]:
        """A posting page: one HousingAdItem.

        @demo /classifieds/apa/d/greenfield-apartment-1/7600000001.html
        @returns items 1 1
        @returns requests 0 0
        @scrapes url post_id status title body attributes
        """
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("ads/skipped/not_text")
            return
        result = self.page(response, "posting")
        page = posting_of(result, response.url)
        status = page.status
        language = None
        if status == "ok":
            language = language_of(f"{page.title or ''}\n{page.body}")
            if language and self.language and language != self.language:
                status = "non_english"
        if response.status in (404, 410) and status == "empty":
            status = "deleted"
        stats.inc_value("ads/postings")
        stats.inc_value(f"ads/status/{status}")
        broken = result.broken_fields()
        bubbles = [k for k in broken if k.split(".")[0] in BUBBLE_PATTERNS]
        if bubbles:
            # The bubbles are read into ``attributes``: the item names the field it
            # stores, not only the page model's part.
            broken.setdefault("attributes", f"attribute bubbles broken: {broken[bubbles[0]]}")
        if status not in ("deleted", "flagged", "expired"):
            # Every live posting has a title and a body; the model declares them optional
            # only because removed postings lack them. An empty body cannot be told from
            # a body selector the redesign broke: flagged for a look either way.
            if page.title is None:
                broken["title"] = "no title on the page (and no removal notice)"
            if status == "empty":
                broken["body"] = "no posting body text on the page (and no removal notice)"
                # The status is read off the body: "empty" is what was seen, not a fact
                # about the posting, so the item names it as unconfirmed too.
                broken["status"] = "'empty' only because no body was found (see body)"
        page_path = record_broken_page(self.crawler, response, broken) or result.page_path
        yield HousingAdItem(
            url=page.url or response.url,
            post_id=page.post_id,
            status=status,
            title=page.title,
            body=page.body,
            posted=page.posted,
            posted_at=page.posted_at,
            language=language,
            attributes=page.attributes,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            broken=broken,
            page_path=page_path,
        )
