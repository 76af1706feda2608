"""eduscrape.variants.fetching: one page through a fetch function (no crawler, no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from eduscrape.variants.fetching import Counts, Download, Fetched, PageFetcher
from eduscrape.variants.structure import Criteria, content_hash, reduce_page

URL = "http://site.test/en/a.html"
BODY = b'<html lang="en"><body><div><p><a href="b.html">B</a></p></div></body></html>'


def get(fetcher: PageFetcher, url: str = URL) -> Fetched:
    with ThreadPoolExecutor(1) as pool:  # pytest-twisted's loop is running in this thread
        return pool.submit(asyncio.run, fetcher.get(url)).result()


class Answer:
    """A fetch function answering every URL with *download*; records the headers sent."""

    def __init__(self, download: Download | None):
        self.download = download
        self.headers: list[dict[str, str]] = []

    async def __call__(self, url: str, headers: Mapping[str, str]) -> Download | None:
        self.headers.append(dict(headers))
        return self.download


def fetcher(answer: Any, **kwargs: Any) -> tuple[PageFetcher, Counts]:
    stats = Counts()
    return PageFetcher(answer, Criteria(), stats, **kwargs), stats


def test_html_page_is_reduced_and_counted() -> None:
    page, stats = fetcher(Answer(Download(URL, 200, BODY, "text/html; charset=utf-8", '"v1"')))
    got = get(page, URL + "#top")
    assert got.page is not None and got.page.tag_names == ["div", "p"]
    assert got.page.url == URL  # the page's own address: no fragment
    assert [a.url for a in got.page.anchors] == ["http://site.test/en/b.html"]
    assert got.status == 200 and got.etag == '"v1"' and got.last_modified is None
    assert got.digest == content_hash(BODY) and got.changed and not got.not_modified
    assert stats == {"variants/pages_fetched": 1}


def test_errors_non_html_and_skipped_extensions_are_problems() -> None:
    page, stats = fetcher(Answer(Download(URL, 404)))
    assert get(page).problem == "HTTP 404" and stats == {"variants/http_404": 1}
    page, stats = fetcher(Answer(Download(URL, 200, b"{}", "application/json")))
    assert get(page).problem == "not an HTML page (application/json)"
    page, _ = fetcher(Answer(Download(URL, 200, b"\x00\x01", "", is_text=False)))
    assert get(page).problem == "not an HTML page (unknown type)"
    answer = Answer(Download(URL, 200, BODY, "text/html"))
    page, stats = fetcher(answer, skipped_extensions=(".pdf",))
    got = get(page, "http://site.test/en/Guide.PDF?v=2")
    assert got.problem == "not an HTML page (by extension)" and got.page is None
    assert answer.headers == [] and stats == {"variants/non_html": 1}  # never fetched


def test_a_failing_fetch_is_recorded() -> None:
    async def broken(url: str, headers: Mapping[str, str]) -> Download:
        raise TimeoutError("took too long")

    page, stats = fetcher(broken)
    assert get(page).problem == "TimeoutError: took too long"
    page, stats = fetcher(Answer(None))
    assert get(page).problem == "no response" and stats == {"variants/fetch_error": 1}


def test_tracking_revalidates_and_reuses_the_stored_structure() -> None:
    stored = reduce_page(BODY, URL)
    state = {
        "page": URL,
        "etag": '"v1"',
        "last_modified": "Tue, 01 Dec 2026 10:00:00 GMT",
        "content_hash": content_hash(BODY),
        "structure": json.dumps(stored.to_dict()),
    }
    answer = Answer(Download(URL, 304))
    page, stats = fetcher(answer, states={URL: state}, track=True)
    got = get(page)
    assert answer.headers == [
        {"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT"}
    ]
    assert got.not_modified and not got.changed and got.page == stored
    assert got.etag == '"v1"' and got.digest == state["content_hash"]
    assert stats == {"variants/not_modified": 1}
    # Same body again (no validators honoured): fetched, but not changed.
    page, _ = fetcher(
        Answer(Download(URL, 200, BODY, "text/html")), states={URL: state}, track=True
    )
    got = get(page)
    assert got.page is not None and not got.changed and not got.not_modified
    # Not tracking: no conditional headers, even for a known page.
    answer = Answer(Download(URL, 200, BODY, "text/html"))
    page, _ = fetcher(answer, states={URL: state})
    get(page)
    assert answer.headers == [{}]


def test_huge_pages_are_truncated_and_counted() -> None:
    body = b"<html><body>" + b"<div><p>row</p></div>" * 1000 + b"</body></html>"
    stats = Counts()
    page = PageFetcher(
        Answer(Download(URL, 200, body, "text/html")), Criteria(max_bytes=500), stats
    )
    got = get(page)
    assert got.page is not None and got.page.truncated
    assert stats["variants/truncated"] == 1
