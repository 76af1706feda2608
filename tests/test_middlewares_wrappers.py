"""WrapperMiddleware: the spider gets a typed result, and the crawl has one wrapper."""

from __future__ import annotations

from pathlib import Path

import pytest_twisted
import scrapy
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler
from test_adaptation import NEW, OLD, WRAPPER

from eduscrape.adaptation.wrapper import Wrapper
from eduscrape.middlewares.wrappers import WrapperMiddleware, WrapperResult, wrapper_result


class _Spider(scrapy.Spider):
    name = "wrapped"


@pytest_twisted.ensureDeferred
async def test_typed_result_and_one_wrapper_repaired_in_place(tmp_path: Path) -> None:
    crawler = get_crawler(
        _Spider, {"WRAPPER_STORE_ENABLED": False, "WRAPPER_BROKEN_DIR": str(tmp_path)}
    )
    crawler.spider = spider = crawler._create_spider()
    spider.wrapper = declared = Wrapper.from_dict(WRAPPER)
    crawler.stats.open_spider()
    mw = WrapperMiddleware.from_crawler(crawler)
    await deferred_from_coro(mw.spider_opened())

    def fetch(url: str, html: str) -> HtmlResponse:
        request = Request(url)
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)
        out = mw.process_response(request, response)
        assert isinstance(out, HtmlResponse)
        return out

    first = fetch("http://t.test/old", OLD)
    result = wrapper_result(first)
    assert isinstance(result, WrapperResult) and result.site == "t"
    assert result.records[0]["fields"]["author"] == "Ada Lovelace"
    assert result.repairs == [] and result.broken == [] and result.page_path is None
    assert list(first.meta) == ["_wrapper_result"]  # nothing else written, nothing unread
    assert spider.wrapper is declared and mw.wrapper is declared

    second = fetch("http://t.test/new", NEW)
    result = wrapper_result(second)
    assert result is not None and result.records[0]["fields"]["author"] == "Ada Lovelace"
    assert {(e.pattern, e.field) for e in result.repairs if e.status == "repaired"}
    # The one wrapper of the crawl is now the repaired one, for spider and middleware alike.
    assert spider.wrapper is not declared and mw.wrapper is spider.wrapper
    assert spider.wrapper.to_dict() != declared.to_dict()

    # Not evaluated (not HTML): no result, and the spider can tell.
    request = Request("http://t.test/data.json")
    plain = TextResponse(request.url, body=b"{}", encoding="utf-8", request=request)
    assert wrapper_result(mw.process_response(request, plain)) is None
    assert crawler.stats.get_value("wrapper/skipped_not_html") == 1
