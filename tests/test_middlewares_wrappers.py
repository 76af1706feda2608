"""WrapperMiddleware: the spider gets a typed result, and the crawl has one wrapper."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest_twisted
import scrapy
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler
from test_adaptation import NEW, OLD, WRAPPER

from eduscrape.adaptation.wrapper import Wrapper
from eduscrape.middlewares.wrappers import WrapperMiddleware, WrapperResult, wrapper_result
from eduscrape.spiders._base import EduscrapeSpider


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


@pytest_twisted.ensureDeferred
async def test_page_models_by_role_bundled_tree_grams_and_vanished_parts(
    tmp_path: Path, caplog: Any
) -> None:
    from test_adaptation_bundle import ADS, V1, V2, WRAPPER, page

    from eduscrape.adaptation.bundle import learn_pages, write_bundle

    source = tmp_path / "ads-test.yaml"
    source.write_text(json.dumps(WRAPPER))
    # The bundle: tree-grams of the old design (here, of the very ad crawled later).
    write_bundle(Wrapper.load(source), learn_pages(Wrapper.load(source), [page(V1, ADS[2])]), [])

    class _Models(EduscrapeSpider):
        name = "models"
        page_models = {"posting": "ads-test"}

    settings = {
        "WRAPPERS_DIR": str(tmp_path),
        "WRAPPER_STORE_ENABLED": False,
        "WRAPPER_BROKEN_DIR": str(tmp_path / "broken"),
        "WRAPPER_VANISHED_MIN_PAGES": 3,
    }
    crawler = get_crawler(_Models, settings)
    crawler.spider = spider = _Models.from_crawler(crawler)
    assert set(spider.wrappers) == {"posting"} and spider.wrappers["posting"].source == source
    crawler.stats.open_spider()
    mw = WrapperMiddleware.from_crawler(crawler)
    await deferred_from_coro(mw.spider_opened())
    assert crawler.stats.get_value("wrapper/bundled_treegrams") >= 5

    def fetch(url: str, html: str, role: str | None = "posting") -> HtmlResponse:
        request = Request(url, meta={"wrapper": role} if role else {})
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)
        out = mw.process_response(request, response)
        assert isinstance(out, HtmlResponse)
        return out

    # Cold: empty store, the redesigned page is repaired from the bundle.
    redesigned = fetch("http://t.test/ad/3", page(V2, ADS[2]))
    result = spider.page(redesigned, "posting")
    assert result.role == "posting" and result.broken == []
    assert result.value("title") == ADS[2]["title"]
    assert result.values("text", "bubble") == ["3BR / 1Ba", "house"]
    assert result.selector("body").xpath("string()").get() == ADS[2]["body"]
    assert spider.wrappers["posting"].to_dict() != Wrapper.load(source).to_dict()
    # Bundled keys are learned afresh from the site (then stored like any learned one).
    assert crawler.stats.get_value("wrapper/learned", 0) >= 1

    # A page without the address: absent, not broken; pages without a model: untouched.
    second = fetch("http://t.test/ad/2", page(V2, ADS[1]))
    assert spider.page(second, "posting").broken == []
    assert wrapper_result(fetch("http://t.test/other", "<p>x</p>", role=None)) is None

    # A page the middleware did not see is still parsed, with the current selectors
    # (now the repaired ones, so this old-design page shows its title as broken).
    request = Request("http://t.test/ad/1")
    unseen = HtmlResponse(request.url, body=page(V1, ADS[0]).encode(), request=request)
    assert wrapper_result(unseen) is None
    assert spider.page(unseen, "posting").value("address") == "12 Elm Street"
    assert "/title" in spider.page(unseen, "posting").broken

    # Broken required fields: named, counted per field, page kept.
    broken = fetch("http://t.test/ad/9", "<html><body><p>nothing here</p></body></html>")
    result = spider.page(broken, "posting")
    assert set(result.broken_fields()) >= {"title", "body"} and result.page_path
    assert crawler.stats.get_value("wrapper/broken/ads-test//title") == 1

    # The JSON-LD fallback part never appeared in a crawl of >= 3 pages: a WARNING.
    caplog.set_level(logging.WARNING)
    mw.models["posting"].session.absent_attempts["/never"] = 99
    mw.spider_closed()
    assert crawler.stats.get_value("wrapper/vanished") == 1
    assert "Optional /never of wrapper 'ads-test' matched on none of 3 pages" in caplog.text
