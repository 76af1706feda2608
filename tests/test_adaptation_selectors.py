"""Invalid or unsupported selectors are refused with a clear message, never "matches nothing"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _support import scrapy_command

from eduscrape.adaptation import repair
from eduscrape.adaptation.selectors import SUPPORTED, SelectorError, compile_selector
from eduscrape.adaptation.wrapper import Wrapper, WrapperError

PAGE = (
    "<html><head><meta name='author' content='Ann'></head><body><h1 class='t'>Hi</h1></body></html>"
)


@pytest.mark.parametrize(
    ("xpath", "css"),
    [("//h1", None), ("//meta[@name='author']/@content", None), ("(//h1)[1]", None),
     ("//a[text()='x']", None), (None, "h1.t"), (None, "meta::attr(content)")],
)  # fmt: skip
def test_supported_selectors_compile(xpath, css) -> None:
    assert compile_selector(xpath, css)


@pytest.mark.parametrize(
    ("xpath", "css", "message"),
    [
        ("//h1[@class=", None, "invalid XPath '//h1[@class='"),
        ("foo(//h1)", None, "invalid XPath 'foo(//h1)'"),
        ("//x:h1", None, "invalid XPath '//x:h1'"),
        (None, "h1[", "invalid CSS selector 'h1['"),
        (None, ":nosuch", "invalid CSS selector ':nosuch'"),
        ("//h1/text()", None, "unsupported selector"),
        ("//h1/text()[1]", None, "unsupported selector"),
        ("count(//h1)", None, "unsupported selector"),
        ("string(//h1)", None, "unsupported selector"),
        (None, "h1::text", "unsupported selector"),
    ],
)
def test_bad_selectors_are_refused(xpath, css, message: str) -> None:
    with pytest.raises(SelectorError, match=re.escape(message)):
        compile_selector(xpath, css)
    # repair() answers instead of raising, and says why.
    result = repair(PAGE, PAGE, xpath=xpath, css=css)
    assert result.status == "unrepaired" and message in result.reason


@pytest.mark.parametrize(
    ("option", "selector", "expected"),
    [
        ("--xpath", "//h1[@class=", "repair: invalid XPath '//h1[@class=': "),
        ("--css", "h1[", "repair: invalid CSS selector 'h1[': "),
        ("--xpath", "count(//h1)", f"repair: unsupported selector 'count(//h1)': {SUPPORTED}"),
        ("--xpath", "//h1/text()", f"repair: unsupported selector '//h1/text()': {SUPPORTED}"),
        ("--xpath", "string(//h1)", f"repair: unsupported selector 'string(//h1)': {SUPPORTED}"),
    ],
)
def test_repair_command_refuses_bad_selectors(
    tmp_path: Path, option: str, selector: str, expected: str
) -> None:
    page = tmp_path / "p.html"
    page.write_text(PAGE)
    done = scrapy_command("repair", str(page), str(page), option, selector)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), done.stderr


def _wrapper_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(body)
    return path


def test_wrapper_with_bad_xpath_is_rejected_at_load(tmp_path: Path) -> None:
    path = _wrapper_file(
        tmp_path,
        "site: x\npatterns:\n  - name: article\n    fields:\n"
        "      - {name: title, xpath: '//h1[@class='}\n",
    )
    with pytest.raises(WrapperError) as err:
        Wrapper.load(path)
    assert str(err.value).startswith(f"{path}: field 'title': invalid XPath '//h1[@class='")


def test_wrapper_with_bad_url_regex_is_rejected_at_load(tmp_path: Path) -> None:
    path = _wrapper_file(
        tmp_path,
        "site: x\nurl_regex: '/articles/(['\npatterns:\n  - fields: [{name: t, css: h1}]\n",
    )
    with pytest.raises(WrapperError, match="url_regex: invalid regular expression"):
        Wrapper.load(path)


def test_wrapper_crawl_with_bad_url_regex_fails_at_spider_init(run_spider, tmp_path: Path) -> None:
    path = _wrapper_file(
        tmp_path, "site: x\nurl_regex: '(['\npatterns:\n  - fields: [{name: t, css: h1}]\n"
    )
    result = run_spider(
        "wrapper",
        args={"wrapper": str(path), "start_url": "http://127.0.0.1:9/"},
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.log and "robotstxt" not in result.log
    last = result.log.strip().splitlines()[-1]
    assert last.startswith(f"crawl wrapper: cannot start the spider: {path}: url_regex: invalid")
