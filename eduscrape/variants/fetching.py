"""One variant's page for the walk, through whatever fetches it (Scrapy-free).

The walk does not know how pages are downloaded: it is given a *fetch function*,
``async fetch(url, headers) -> Download | None`` (None: no response). The
``variants`` spider passes one built on Scrapy's engine; tests pass one over a
loopback HTTP server or local files. An exception raised by the fetch function
(redirect loop, timeout, size limit) is recorded as the page's problem, not raised.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from eduscrape.variants.outdated import PageSignals, page_signals
from eduscrape.variants.structure import (
    PAGE_URL,
    Criteria,
    PageStructure,
    content_hash,
    normalize_url,
    reduce_page,
)
from eduscrape.variants.tracking import conditional_headers


@dataclass
class Download:
    """One HTTP response, as a fetch function returns it."""

    url: str  # final URL, after redirects (relative links resolve against it)
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    is_text: bool = True  # the body decodes as text (Scrapy: a TextResponse)


Fetch = Callable[[str, Mapping[str, str]], Awaitable[Download | None]]


class Stats(Protocol):
    """What the walk counts into (Scrapy's stats collector is one)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def set_value(self, key: str, value: Any) -> None: ...


class Counts(dict[str, Any]):
    """A plain :class:`Stats` for use without a crawler."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] = self.get(key, start) + count

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


@dataclass
class Fetched:
    """One variant's page of a set, as fetched (or recalled from the previous session)."""

    url: str
    status: int | None = None
    page: PageStructure | None = None
    problem: str = ""  # why there is no page: 404, error, non-HTML...
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    not_modified: bool = False
    changed: bool = True
    signals: PageSignals | None = None  # freshness (notice, dates, sections): outdated.py


class PageFetcher:
    """Fetches and reduces pages; in tracking mode, revalidates them against *states*
    (the previous session's page states by URL) and reuses what answers 304."""

    def __init__(
        self,
        fetch: Fetch,
        criteria: Criteria,
        stats: Stats,
        *,
        states: Mapping[str, dict[str, Any]] | None = None,
        track: bool = False,
        skipped_extensions: tuple[str, ...] = (),
    ):
        self.fetch = fetch
        self.criteria = criteria  # replaced by the walk once the languages are known
        self.stats = stats
        self.states = states or {}
        self.track = track
        self.skipped_extensions = skipped_extensions

    async def get(self, url: str) -> Fetched:
        got = Fetched(url=url)
        if url.split("?")[0].lower().endswith(self.skipped_extensions):
            got.problem = "not an HTML page (by extension)"
            self.stats.inc_value("variants/non_html")
            return got
        state = self.states.get(url)
        headers = conditional_headers(state) if self.track else {}
        try:
            download = await self.fetch(url, headers)
        except Exception as exc:  # redirect loops, timeouts, size limits: recorded, not fatal
            got.problem = f"{type(exc).__name__}: {exc}"[:300]
            self.stats.inc_value("variants/fetch_error")
            return got
        if download is None:
            got.problem = "no response"
            self.stats.inc_value("variants/fetch_error")
            return got
        return self._read(got, download, state)

    def _read(self, got: Fetched, download: Download, state: dict[str, Any] | None) -> Fetched:
        stats = self.stats
        got.status = download.status
        got.etag = download.etag or None
        got.last_modified = download.last_modified or None
        if download.status == 304 and state and state.get("structure"):
            stats.inc_value("variants/not_modified")
            got.page = PageStructure.from_dict(json.loads(state["structure"]))
            got.digest = state.get("content_hash")
            got.etag = got.etag or state.get("etag")
            got.last_modified = got.last_modified or state.get("last_modified")
            if state.get("signals"):
                got.signals = PageSignals.from_dict(json.loads(state["signals"]))
            got.not_modified, got.changed = True, False
            return got
        if download.status >= 400:
            got.problem = f"HTTP {download.status}"
            stats.inc_value(f"variants/http_{download.status}")
            return got
        ctype = download.content_type.lower()
        if not download.is_text or ("html" not in ctype and ctype):
            got.problem = f"not an HTML page ({ctype or 'unknown type'})"
            stats.inc_value("variants/non_html")
            return got
        got.digest = content_hash(download.body)
        got.page = reduce_page(download.body, download.url, self.criteria)
        got.page.url = normalize_url(got.url, PAGE_URL)
        got.signals = page_signals(download.body, download.last_modified)
        if got.page.truncated:
            stats.inc_value("variants/truncated")
        if state and state.get("content_hash") == got.digest:
            got.changed = False
        stats.inc_value("variants/pages_fetched")
        return got

    async def missing(self) -> Fetched:
        """The page of a variant that has no counterpart URL for the set."""
        return Fetched(url="", problem="no counterpart URL")
