"""Untrusted-input targets and hypothesis strategies, shared by tests/test_fuzz.py
(bounded, in ``make test``) and bench/fuzz.py (a longer run).

Each target takes one drawn input and must return normally: a component handed
any byte sequence answers (possibly "nothing found"), it never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

# Characters of every category, lone surrogates and NUL included (hypothesis
# leaves surrogates out by default; crawled pages decoded with errors="surrogateescape"
# or built from JSON "\ud800" escapes carry them).
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())

_HTML_TOKENS = [
    "<html>", "</html>", "<head>", "<body>", "<div>", "</div>", "<p>", "</p>",
    "<h1 class='t'>", "</h1>", "<meta name='author' content='", "'>", "\">",
    "<a href=\"", "http://[bad", "http://", "https://x.example/", "#frag", "javascript:",
    "<a href='http://[::1'>", "<span class='author-name'>", "</span>", "<time datetime='",
    "2020-01-02", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>",
    "&amp;", "&#0;", "&#xD800;", "&#x110000;", "&", "<", ">", "\x00", "\ud800", "\udfff",
    "\ufeff", "<br/>", "<img src='", "<html lang='", "zh", "en", "<table><tr><td>", "\n", " ",
]  # fmt: skip


def html_like(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text that looks like (broken) HTML, with lone surrogates, NULs and bad links."""
    token = st.sampled_from(_HTML_TOKENS) | st.text(ANY_CHAR, max_size=8)
    return st.lists(token, max_size=max_size).map("".join)


def page() -> st.SearchStrategy[str | bytes]:
    return html_like() | st.binary(max_size=300) | st.text(ANY_CHAR, max_size=200)


_SELECTORS = [
    "//h1", "h1.t", "//meta[@name='author']/@content", "span.author-name", "//h1[@class=",
    "h1[", "count(//h1)", "//h1/text()", "string(//h1)", "p::text", "//x:y", "", "   ",
]  # fmt: skip


def selector() -> st.SearchStrategy[tuple[str | None, str | None]]:
    text = st.sampled_from(_SELECTORS) | st.text(ANY_CHAR, min_size=1, max_size=15)
    return st.tuples(st.booleans(), text).map(lambda t: (t[1], None) if t[0] else (None, t[1]))


def repair_case() -> st.SearchStrategy[tuple[Any, Any, str | None, str | None]]:
    return st.tuples(page(), page(), selector()).map(lambda t: (t[0], t[1], *t[2]))


def run_repair(case: tuple[Any, Any, str | None, str | None]) -> None:
    from eduscrape.adaptation import repair

    old, new, xpath, css = case
    if not xpath and not css:
        xpath = "//h1"  # "no selector at all" is a caller's mistake, tested elsewhere
    result = repair(old, new, xpath=xpath, css=css)
    assert result.status in ("intact", "repaired", "unrepaired")


_AD_TOKENS = [
    "$1,200", "2br", "2 bed", "1.5 bath", "ba", "sqft", "ft2", "cats ok", "no pets", "dogs",
    "available now", "mid-April", "May 1st", "w/d in unit", "parking", "furnished", "$", "/mo",
    "\ud800", "\x00", "🏠", "٣", "½", "\n", " ", "(at)", "@", "call 555-0100", "studio",
]  # fmt: skip


def ad_text() -> st.SearchStrategy[str]:
    token = st.sampled_from(_AD_TOKENS) | st.text(ANY_CHAR, max_size=6)
    return st.lists(token, max_size=40).map(" ".join)


def ad_case() -> st.SearchStrategy[tuple[Any, Any, Any]]:
    posted = st.none() | st.sampled_from(["2024-03-01", "not a date", "", "2024-02-30"])
    return st.tuples(st.none() | ad_text(), st.none() | ad_text(), posted)


def run_extract_fields(case: tuple[Any, Any, Any]) -> None:
    from eduscrape.housing.extract import extract_fields

    title, body, posted = case
    assert isinstance(extract_fields(title, body, posted), dict)


_SUB_TOKENS = [
    "WEBVTT\n\n", "1\n", "00:00:01,000 --> 00:00:02,500\n", "00:01.000 --> 00:02.000 align:start\n",
    "99:99:99,999 --> 00:00:00,000\n", "-->", "hello\n", "\n\n", "<span m='1200'>", "</span>",
    "<span m=''>", '{"start": [', '"end": [', '"text": [', "]", "}", "1e309", "null", "-1",
    '"data": {', ",", "\ud800", "\x00", "\ufeff", "字幕", "NaN",
]  # fmt: skip


def subtitle_case() -> st.SearchStrategy[tuple[Any, str]]:
    token = st.sampled_from(_SUB_TOKENS) | st.text(ANY_CHAR, max_size=6)
    data = st.lists(token, max_size=40).map("".join) | st.binary(max_size=200)
    hint = st.sampled_from(["", "x.srt", "x.vtt", "text/vtt", "application/json", "x.html"])
    return st.tuples(data, hint)


def run_subtitles(case: tuple[Any, str]) -> None:
    from eduscrape.mooc import subtitles as sub

    data, hint = case
    for parse in (
        lambda d: sub.parse_subtitles(d, hint),
        sub.parse_srt,
        sub.parse_vtt,
        sub.parse_timed_html,
        sub.parse_edx_json,
        sub.parse_xuetangx,
    ):
        try:
            result = parse(data)
        except sub.SubtitleError:
            continue  # the documented "unusable transcript" answer
        assert len(result.start) == len(result.end) == len(result)


_EN, _ES = "http://site.example/en/", "http://site.example/es/"


def variants_case() -> st.SearchStrategy[tuple[Any, Any]]:
    return st.tuples(page(), page())


def run_variants(case: tuple[Any, Any]) -> None:
    from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page

    left, right = case
    criteria = Criteria()
    mapper = VariantMapper([_EN + "index.html", _ES + "index.html"], criteria=criteria)
    lp = reduce_page(left, _EN + "a.html", criteria)
    rp = reduce_page(right, _ES + "a.html", criteria)
    compare_pages(lp, rp, mapper)


_NUMBERS = [
    "0",
    "1",
    "-3",
    "1e309",
    "nan",
    "inf",
    "",
    " ",
    "x",
    "1,5",
    "10",
    "999999999999999999999",
]
_COLUMNS = ["site", "pages_google", "links_google", "pdf", "scholar", "rank", "site", ""]


def table_case() -> st.SearchStrategy[str]:
    cell = st.sampled_from(_NUMBERS + _COLUMNS) | st.text(ANY_CHAR, max_size=5)
    row = st.lists(cell, max_size=6).map(",".join)
    header = st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=6).map(",".join)
    return st.tuples(header, st.lists(row, max_size=6)).map(lambda t: "\n".join([t[0], *t[1]]))


def run_webometrics(text: str) -> None:
    from eduscrape.webometrics import WebometricsError, build, load_method, parse_table

    for method in ("webometrics-2013", "crawl"):
        try:
            build(load_method(method), parse_table(text))
        except WebometricsError:
            continue  # the documented one-line answer to a bad table


# name -> (strategy factory, target, inputs that once crashed it: always run)
TARGETS: dict[
    str, tuple[Callable[[], st.SearchStrategy[Any]], Callable[[Any], None], list[Any]]
] = {
    "repair": (
        repair_case,
        run_repair,
        [("<h1 class='t'>a\ud800</h1>", "<h1>\udfff</h1>", None, "h1.t"),
         ("<h1>x</h1>", "<h1>y</h1>", "//h1[@class=", None),
         ("<h1>x</h1>", "<h1>y</h1>", None, "h1[")],
    ),
    "extract_fields": (ad_case, run_extract_fields, [("\ud800 2br $1,200", "\x00", "x")]),
    "subtitles": (subtitle_case, run_subtitles, [("\ud800", ""), (b"\xff\xfe\x00", "x.srt")]),
    "variants": (
        variants_case,
        run_variants,
        [('<a href="http://[bad">x</a>', '<a href="http://[bad">y</a>'),
         ("<p>\ud800</p><a href='http://[::1'>", b"\xff<a href='#'>")],
    ),
    "webometrics": (table_case, run_webometrics, ["site,pdf\nx,1e309\ny,nan\n", "site\n\ud800\n"]),
}  # fmt: skip
