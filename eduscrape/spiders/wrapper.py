"""``wrapper``: apply a declarative, self-healing wrapper to a site.

    scrapy crawl wrapper -a wrapper=PATH_OR_NAME -a start_url=URL [-a max_pages=100]

``wrapper`` is a YAML/JSON file, or a name looked up in ``WRAPPERS_DIR`` and in
the bundled ``eduscrape/wrappers/``. Links matched by the wrapper's ``follow``
selectors are followed (same host). One :class:`WrapperRecordItem` per record;
the repair work happens in :class:`eduscrape.middlewares.wrappers.WrapperMiddleware`,
before ``parse`` sees the page; ``parse`` reads its outcome with
:func:`~eduscrape.middlewares.wrappers.wrapper_result`. ``self.wrapper`` is the
crawl's one wrapper (the middleware replaces it with the repaired one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response

from eduscrape.adaptation.wrapper import Wrapper, WrapperError, find_wrapper
from eduscrape.arguments import MAX_PAGES, Argument
from eduscrape.items import WrapperRecordItem
from eduscrape.middlewares.wrappers import WrapperResult, wrapper_result
from eduscrape.spiders._base import EduscrapeSpider


class WrapperSpider(EduscrapeSpider):
    name = "wrapper"
    item_types: ClassVar[list[type]] = [WrapperRecordItem]
    # Learn on the v1 template, then crawl the redesigned v2: selectors get repaired.
    custom_settings: dict[str, Any] = {
        "DOWNLOADER_MIDDLEWARES": {"eduscrape.middlewares.wrappers.WrapperMiddleware": 50},
        # One page at a time: the first repaired page updates the wrapper for the rest.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }
    wrapper_spec: ClassVar[dict[str, Any] | None] = None  # subclasses may declare it inline

    arguments = (
        Argument("wrapper", "the wrapper: a YAML/JSON file, or a name in WRAPPERS_DIR or bundled"),
        Argument(
            "start_url",
            "the page to start from (links the wrapper follows stay on its host)",
            required=True,
        ),
        dataclasses.replace(MAX_PAGES, default=100),
    )
    start_url: str | None
    max_pages: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wrapper_arg = self.argument_values["wrapper"]
        self.host = urlsplit(self.start_url or "").netloc
        self.seen: set[str] = set()
        self.wrapper: Wrapper | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WrapperSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.wrapper_spec:
            spider.wrapper = Wrapper.from_dict(spider.wrapper_spec)
        elif spider._wrapper_arg:
            spider.use_wrapper(spider._wrapper_arg)
        return spider  # no wrapper yet: scrapy parse/check (check_arguments stops a crawl)

    def use_wrapper(self, name: str) -> None:
        """Load wrapper *name* (a file, or a name in WRAPPERS_DIR or bundled)."""
        self.wrapper = Wrapper.load(find_wrapper(name, self.crawler.settings.get("WRAPPERS_DIR")))

    def check_arguments(self) -> None:
        super().check_arguments()
        if self.wrapper is None and not (self.wrapper_spec or self._wrapper_arg):
            raise WrapperError("the wrapper spider needs -a wrapper=PATH_OR_NAME")

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        assert self.start_url is not None
        self.seen.add(self.start_url)
        yield scrapy.Request(self.start_url, callback=self.parse)

    def parse(self, response: Response) -> Iterator[Any]:
        """A page: a record per wrapper match, requests for the links it follows.

        @demo /news/v1/articles/new-library.html
        @wrapper news-demo
        @returns items 1 1
        @returns requests 0 0
        @scrapes url site pattern fields
        """
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("wrapper/skipped_not_html")
            return
        result = wrapper_result(response)
        if result is not None:
            yield from self._items(response, result)
        assert self.wrapper is not None
        host = self.host or urlsplit(response.url).netloc  # no start_url: scrapy parse
        for sel in self.wrapper.follow:
            for node in response.xpath(sel):
                target = node.root
                href = str(target) if isinstance(target, str) else target.get("href")
                if not href:
                    continue
                url = response.urljoin(href)
                if urlsplit(url).netloc != host or url in self.seen:
                    continue
                self.seen.add(url)
                yield response.follow(url, callback=self.parse)

    def _items(self, response: Response, result: WrapperResult) -> Iterator[WrapperRecordItem]:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        repairs = [
            {
                "pattern": e.pattern,
                "field": e.field,
                "status": e.status,
                "old_xpath": e.old_xpath,
                "new_xpath": e.new_xpath,
                "similarity": e.similarity,
                "reason": e.reason,
            }
            for e in result.repairs
        ]
        page_path = result.page_path
        site = result.site
        for record in result.records:
            broken = list(record["broken"])
            if broken:
                self.crawler.stats.inc_value("wrapper/flagged_items")
            yield WrapperRecordItem(
                url=response.url,
                site=site,
                pattern=record["pattern"],
                index=record["index"],
                fields=record["fields"],
                flagged=bool(broken),
                broken=broken,
                repairs=repairs,
                page_path=page_path if broken else None,
                fetched_at=now,
            )
        # A record pattern that stayed broken yields no record: flag the page itself.
        for key in result.broken:
            pattern, _, field_name = key.partition("/")
            if field_name:
                continue
            self.crawler.stats.inc_value("wrapper/flagged_items")
            yield WrapperRecordItem(
                url=response.url,
                site=site,
                pattern=pattern,
                index=0,
                flagged=True,
                broken=[key],
                repairs=repairs,
                page_path=page_path,
                fetched_at=now,
            )
