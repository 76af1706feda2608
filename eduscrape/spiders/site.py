"""``site``: crawl web sites and record every page (HTML and files).

    scrapy crawl site -a start_url=https://www.example.edu/ [-a max_pages=500]
    scrapy crawl site -a start_url=https://a.example.edu/,https://b.example.org/ -a scope=path
    scrapy crawl site -a start_url=https://www.uni-a.edu/ -a scope=domain

Each start URL is one site (an institution, for webometrics). The crawl stays on each
start URL's host (``scope=host``), below its folder (``scope=path``, for sites sharing a
host) or anywhere in its registered domain (``scope=domain``: ``www.a.edu``,
``lib.a.edu``... are one site ``a.edu``). One :class:`~eduscrape.items.PageItem` per
fetched URL, including files (PDFs...) and error pages, with what webometrics needs:
out-links, ``rel=canonical``, the rich-file type read from the body, scholarly metadata.
``max_pages`` caps each site; with a cap, one :class:`~eduscrape.items.SiteCrawlItem` per
site at the end says whether the cap cut it. ``-a proxy=http://host:port`` sends every request
through an HTTP proxy (the demo web serves its institutions' hosts that way).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from w3lib.url import canonicalize_url

from eduscrape.arguments import MAX_PAGES, Argument, url_list
from eduscrape.items import PageItem, SiteCrawlItem
from eduscrape.spiders._base import EduscrapeSpider
from eduscrape.webometrics.files import sniff_rich_type
from eduscrape.webometrics.identity import netloc_of, registered_domain
from eduscrape.webometrics.scholarly import scholarly_metadata

FAILED_FETCH_ITEMS = "eduscrape/failed_fetch_items"


def fetch_failure(failure: Any) -> str | None:
    """A short reason for a fetch that got no response (None: refused by robots.txt)."""
    from scrapy.exceptions import IgnoreRequest
    from twisted.internet.error import (
        ConnectionRefusedError,
        DNSLookupError,
        TCPTimedOutError,
        TimeoutError,
    )
    from twisted.web._newclient import ResponseFailed

    exc = failure.value
    if isinstance(exc, IgnoreRequest):
        message = str(exc).lower()
        if "robots.txt" in message:
            return None
        if "redirect" in message:
            return "redirect loop"
        return f"ignored: {str(exc)[:80]}"
    # Scrapy 2.19 raises its own DownloadTimeoutError; older versions Twisted's.
    if isinstance(exc, (TimeoutError, TCPTimedOutError)) or "Timeout" in type(exc).__name__:
        return "timeout"
    if "DataLoss" in type(exc).__name__:  # Scrapy 2.19's ResponseDataLossError
        return "truncated download"
    if isinstance(exc, ResponseFailed):
        if any("DataLoss" in type(r.value).__name__ for r in getattr(exc, "reasons", [])):
            return "truncated download"
        return "connection lost"
    name = type(exc).__name__  # Scrapy 2.19 wraps Twisted's errors in its own
    if isinstance(exc, ConnectionRefusedError) or "ConnectionRefused" in name:
        return "connection refused"
    if isinstance(exc, DNSLookupError) or "DNSLookup" in name:
        return "DNS lookup failed"
    return type(exc).__name__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SiteSpider(EduscrapeSpider):
    name = "site"
    item_types: ClassVar[list[type]] = [PageItem, SiteCrawlItem]
    arguments = (
        Argument(
            "start_url", "the sites' home pages (one site each)", type=url_list, required=True
        ),
        Argument(
            "scope",
            "what belongs to a site: its host, its start URL's folder, or its registered domain",
            default="host",
            choices=("host", "path", "domain"),
        ),
        MAX_PAGES,
        Argument("proxy", "send every request through this HTTP proxy (http://host:port)"),
    )
    # A site is the start URL's scope (several may share a host): it budgets pages itself.
    own_page_budget = True
    start_url: list[str]
    scope: str
    max_pages: int
    proxy: str | None
    custom_settings: dict[str, Any] = {
        # Error pages are part of a site's picture; record them instead of dropping them.
        "HTTPERROR_ALLOW_ALL": True,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        urls = list(self.start_url or [])
        scope = self.scope
        self.proxy = self.proxy or None
        # One (site id, netloc or domain, path prefix) per start URL; the longest prefix wins.
        self.roots: list[tuple[str, str, str]] = []
        self.start_of: dict[str, str] = {}
        for url in urls:
            parts = urlsplit(url)
            netloc = netloc_of(url)
            if scope == "path":
                prefix = parts.path.rsplit("/", 1)[0] + "/"
                site = netloc + prefix.rstrip("/")
            elif scope == "domain":
                prefix, netloc = "/", registered_domain(netloc)
                site = netloc
            else:
                prefix, site = "/", netloc
            self.roots.append((site, netloc, prefix))
            self.start_of.setdefault(site, url)
        self.roots.sort(key=lambda root: len(root[2]), reverse=True)
        hosts = {urlsplit(u).hostname or "" for u in urls}
        self.allowed_domains = sorted(
            {registered_domain(h) for h in hosts} if scope == "domain" else hosts
        )
        # Scope is checked on host:port in site_of (allow_domains would compare the port too).
        self.link_extractor = LinkExtractor(deny_extensions=[], unique=True)
        self.scheduled: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.started_at = _now()
        self.reported = False
        self.pending_failures: list[PageItem] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        if spider.proxy:
            # Every request, robots.txt included, goes through the proxy (before HttpProxyMiddleware).
            middlewares = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
            middlewares[f"{__name__}.ProxyEveryRequest"] = 740
            crawler.settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
        return spider

    def _request(self, url: str, depth: int) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse, errback=self.failed, cb_kwargs={"depth": depth}
        )

    def failed(self, failure: Any) -> Iterator[Any]:
        """A fetch that got no response is a page of the site too: recorded with why."""
        request = failure.request
        reason = fetch_failure(failure)
        if reason is None:  # robots.txt forbids it: not fetched, not an error of the site
            self.crawler.stats.inc_value("site/not_fetched/robots_txt")
            return
        self.crawler.stats.inc_value(f"site/fetch_failed/{reason}")
        # A record of a failure, not a page: a crawl of only these still failed.
        self.crawler.stats.inc_value(FAILED_FETCH_ITEMS)
        yield PageItem(
            url=request.url,
            site=self.site_of(request.url) or netloc_of(request.url),
            status=0,
            depth=request.cb_kwargs.get("depth", 0),
            fetched_at=_now(),
            error=reason,
        )

    def _claim(self, url: str) -> bool:
        """Schedule *url* unless seen, out of scope or over its site's page cap."""
        site = self.site_of(url)
        key = canonicalize_url(url)
        if site is None or key in self.seen:
            return False
        if self.max_pages and self.scheduled[site] >= self.max_pages:
            self.dropped[site] += 1
            return False
        self.seen.add(key)
        self.scheduled[site] += 1
        return True

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        for url in self.start_url or []:
            if self._claim(url):
                yield self._request(url, 0)

    def site_of(self, url: str) -> str | None:
        """The site (start URL root) *url* belongs to, or None when it is out of scope."""
        parts = urlsplit(url)
        netloc = netloc_of(url)
        for site, root, prefix in self.roots:
            here = registered_domain(netloc) if self.scope == "domain" else netloc
            if here == root and parts.path.startswith(prefix):
                return site
        return None

    def parse(self, response: Response, depth: int = 0) -> Iterator[Any]:
        """One page: its PageItem, and requests for its links in scope.

        @demo /university/en/index.html
        @returns items 1 1
        @returns requests 5
        @scrapes url site status title content_type outlinks
        """
        if not self.roots:  # scrapy parse / check: the first page's host is the site
            netloc = netloc_of(response.url)
            self.roots.append((netloc, netloc, "/"))
            self.start_of.setdefault(netloc, response.url)
            self._claim(response.url)
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[
            0
        ].strip() or None
        outlinks: list[str] = []
        title = canonical = None
        scholarly: list[str] = []
        dois: list[str] = []
        rich = (
            sniff_rich_type(response.body, ctype, response.url) if response.status < 400 else None
        )
        if isinstance(response, TextResponse) and response.status < 400 and rich is None:
            title = (response.css("title::text").get() or "").strip() or None
            outlinks = [link.url for link in self.link_extractor.extract_links(response)]
            href = response.xpath('//link[@rel="canonical"]/@href').get()
            canonical = response.urljoin(href.strip()) if href and href.strip() else None
            scholarly, dois = scholarly_metadata(response.selector)
        yield PageItem(
            url=response.url,
            site=self.site_of(response.url) or netloc_of(response.url),
            status=response.status,
            title=title,
            content_type=ctype,
            size_bytes=len(response.body),
            depth=depth,
            outlinks=outlinks,
            fetched_at=_now(),
            canonical_url=canonical,
            rich_type=rich,
            scholarly=scholarly,
            dois=dois,
        )
        for url in outlinks:
            if self._claim(url):
                yield self._request(url, depth + 1)

    def request_dropped(self, request: scrapy.Request) -> None:
        """A redirect back into its own chain is dropped by the duplicate filter: a loop."""
        chain = request.meta.get("redirect_urls") or []
        if chain and request.url in chain and request.callback == self.parse:
            self.crawler.stats.inc_value("site/fetch_failed/redirect loop")
            self.crawler.stats.inc_value(FAILED_FETCH_ITEMS)
            self.pending_failures.append(
                PageItem(
                    url=chain[0],
                    site=self.site_of(chain[0]) or netloc_of(chain[0]),
                    status=0,
                    depth=request.cb_kwargs.get("depth", 0),
                    fetched_at=_now(),
                    error="redirect loop",
                )
            )

    def spider_idle(self) -> None:
        if self.pending_failures:  # recorded outside a callback: yielded from one
            self.crawler.engine.crawl(
                scrapy.Request("data:,", callback=self._failures, dont_filter=True)
            )
            raise DontCloseSpider
        # Once, when the crawl is done: a data: request whose callback yields the records.
        # Only a capped crawl can be cut short, so only a capped crawl reports.
        if self.reported or not self.max_pages:
            return
        self.reported = True
        self.crawler.engine.crawl(
            scrapy.Request("data:,", callback=self._crawl_records, dont_filter=True)
        )
        raise DontCloseSpider

    def _failures(self, response: Response) -> Iterator[PageItem]:
        pending, self.pending_failures = self.pending_failures, []
        yield from pending

    def _crawl_records(self, response: Response) -> Iterator[SiteCrawlItem]:
        finished = _now()
        for site, start_url in self.start_of.items():
            yield SiteCrawlItem(
                site=site,
                start_url=start_url,
                started_at=self.started_at,
                finished_at=finished,
                pages=self.scheduled[site],
                max_pages=self.max_pages,
                truncated=self.dropped[site] > 0,
                dropped_links=self.dropped[site],
            )


class ProxyEveryRequest:
    """Downloader middleware the spider installs for ``-a proxy=``: sets ``meta["proxy"]``."""

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProxyEveryRequest:
        return cls(getattr(crawler.spider, "proxy", None))

    def process_request(self, request: scrapy.Request) -> None:
        if self.proxy and request.url.startswith("http") and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
