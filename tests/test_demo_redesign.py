"""Redesign transforms (eduscrape/demo/redesign.py) and the redesigned demo classifieds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import lxml.html
import pytest
from _support import PROJECT_DIR, shared_data

from eduscrape.demo import DemoServer, serve
from eduscrape.demo.redesign import (
    LEVELS,
    SCHEMES,
    redesign_listing,
    redesign_ocw_page,
    redesign_openedx_page,
    redesign_posting,
    scheme_for,
    visible_text,
    visible_words,
)

DEMO_ADS = PROJECT_DIR / "eduscrape" / "demo" / "sites" / "classifieds"
DEMO_POSTING = DEMO_ADS / "apa" / "d" / "greenfield-apartment-1" / "7600000001.html"
SEEDS = range(len(SCHEMES))
OCW_COURSE = ("mooc", "dev", "ocw", "21g-107-chinese-i-streamlined-fall-2014", "site")
# The names the original markup uses for the facts (they must all go at "renamed").
POSTING_NAMES = ("postingbody", "titletextonly", "price", "housing", "mapaddress", "attrgroup")


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    srv = serve()
    yield srv
    srv.shutdown()
    srv.server_close()


def _doc(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _names(html: str) -> set[str]:
    """Every class and id token in the page body."""
    body = _doc(html).find("body")
    out: set[str] = set()
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style"):
            out.update((el.get("class") or "").split())
            if el.get("id"):
                out.add(el.get("id"))
    return out


def _text(html: str) -> str:
    return visible_text(html)


def _posting_facts(html: str) -> dict[str, object]:
    """What a reader and a spider need, read from the original design by its markup."""
    doc = _doc(html)

    def text(xpath: str) -> str:
        return " ".join(" ".join(n.itertext()) for n in doc.xpath(xpath)).strip()

    return {
        "title": " ".join(text("//*[@id='titletextonly']").split()),
        "price": text("//span[@class='price']"),
        "bubbles": [
            " ".join("".join(s.itertext()).split())
            for s in doc.xpath("//p[contains(@class, 'attrgroup')]/span")
        ],
        "datetimes": doc.xpath("//time/@datetime"),
        "data_dates": doc.xpath("//@data-date"),
        "post_id": text("//p[@class='postinginfo'][contains(., 'post id')]"),
    }


def _saved_postings(n: int = 12) -> list[Path]:
    pages = sorted(shared_data("ads", "dev", "pages").glob("*.html"))
    return pages[:: max(1, len(pages) // n)][:n]


def _assert_facts_kept(before: str, after: str) -> None:
    lost = visible_words(before) - visible_words(after)
    assert not lost, f"visible words lost: {dict(list(lost.items())[:10])}"


# ------------------------------------------------------------------------- facts kept


@pytest.mark.parametrize("level", LEVELS)
def test_demo_posting_keeps_every_fact_at_every_level(level: str) -> None:
    html = DEMO_POSTING.read_text("utf-8")
    facts = _posting_facts(html)
    for seed in SEEDS:
        out = redesign_posting(html, level, seed)
        _assert_facts_kept(html, out)
        text = _text(out)
        for key in ("title", "price", "post_id"):
            assert str(facts[key]) and " ".join(str(facts[key]).split()) in text, (key, seed)
        for bubble in facts["bubbles"]:  # type: ignore[attr-defined]
            assert bubble in text, (bubble, level, seed)
        assert _doc(out).xpath("//time/@datetime") == facts["datetimes"]
        assert _doc(out).xpath("//@data-date") == facts["data_dates"]


@pytest.mark.parametrize("level", LEVELS)
def test_saved_postings_keep_their_visible_text(level: str) -> None:
    for i, path in enumerate(_saved_postings()):
        html = path.read_text("utf-8")
        out = redesign_posting(html, level, seed=i)
        _assert_facts_kept(html, out)
        facts = _posting_facts(html)
        assert " ".join(str(facts["title"]).split()) in _text(out), path.name
        assert _doc(out).xpath("//time/@datetime") == facts["datetimes"], path.name


def _ocw_pages() -> list[Path]:
    return sorted(shared_data(*OCW_COURSE).rglob("index.html"))


def _transcript_spans(html: str) -> list[tuple[str, str]]:
    return [(s.get("m"), s.text_content()) for s in _doc(html).xpath("//span[@m]")]


@pytest.mark.parametrize("level", LEVELS)
def test_ocw_pages_keep_text_links_video_order_and_transcripts(level: str) -> None:
    for path in _ocw_pages():
        html = path.read_text("utf-8")
        links = [h for h in _doc(html).xpath("//a/@href") if not h.startswith("#")]
        for seed in SEEDS:
            out = redesign_ocw_page(html, level, seed)
            _assert_facts_kept(html, out)
            new_links = _doc(out).xpath("//a/@href")
            # Every link stays, in order (moved blocks may add one: the video download).
            kept = iter(new_links)
            assert all(link in kept for link in links if "#" not in link) or level == "moved"
            assert set(links) <= set(new_links), (path, level, seed)
            assert _transcript_spans(out) == _transcript_spans(html)
            ids = _doc(html).xpath("//@data-youtube-id")
            for ident in ids:  # the video ids survive, as data or in an embed/thumbnail URL
                assert ident in out, (path, ident)


def test_ocw_gallery_keeps_video_order() -> None:
    gallery = shared_data(*OCW_COURSE, "video_galleries", "lecture-videos", "index.html")
    html = gallery.read_text("utf-8")
    order = [h for h in _doc(html).xpath("//main//a/@href") if "resources/" in h]
    assert len(order) == 11
    for level in LEVELS:
        for seed in SEEDS:
            out = redesign_ocw_page(html, level, seed)
            assert [h for h in _doc(out).xpath("//main//a/@href") if "resources/" in h] == order


def test_demo_ocw_course_pages_keep_their_text(server: DemoServer) -> None:
    base = server.base_url + "/mooc/ocw/8-01-physics/"
    pages = [base, base + "video_galleries/lecture-videos/"]
    for url in pages:
        html = urlopen(url, timeout=5).read().decode("utf-8")
        for level in LEVELS:
            _assert_facts_kept(html, redesign_ocw_page(html, level, 1))


def test_openedx_pages_keep_video_blocks() -> None:
    from eduscrape.mooc.openedx import parse_courseware

    for name in ("multiple_units.html", "multiple_units_multiple_youtube_videos.html"):
        html = shared_data("mooc", "dev", "edx", "html", name).read_text("utf-8")
        before = [(b.youtube_ids, b.sources) for b in parse_courseware(html)]
        assert before
        assert redesign_openedx_page(html, "attributes", 0) == html
        for level in ("renamed", "moved"):
            out = redesign_openedx_page(html, level, 2)
            assert out != html
            # The blocks' settings (data-*) are data and stay; only their markup changes.
            assert [(b.youtube_ids, b.sources) for b in parse_courseware(out)] == before


# ------------------------------------------------------------------ determinism, seeds


def test_same_seed_same_page_different_seeds_different_pages() -> None:
    html = DEMO_POSTING.read_text("utf-8")
    assert redesign_posting(html, "renamed", 5) == redesign_posting(html, "renamed", 5)
    outs = {redesign_posting(html, "renamed", seed) for seed in SEEDS}
    assert len(outs) == len(SEEDS)
    assert {scheme_for(seed) for seed in SEEDS} == set(SCHEMES)
    # The attribute change alone has no naming scheme: every seed gives the same page.
    assert len({redesign_posting(html, "attributes", seed) for seed in SEEDS}) == 1


def test_a_seed_renames_a_name_the_same_way_on_every_page() -> None:
    pages = sorted((DEMO_ADS / "apa" / "d").rglob("*.html"))[:6]
    for seed in SEEDS:
        title_names = set()
        for page in pages:
            out = redesign_posting(page.read_text("utf-8"), "renamed", seed)
            doc = _doc(out)
            title = [
                el
                for el in doc.iter()
                if isinstance(el.tag, str) and "near" in (el.text or "") and el.tag == "span"
            ]
            if title:
                title_names.add((title[0].get("id"), title[0].get("class")))
        assert len(title_names) == 1, (seed, title_names)


# ------------------------------------------------------------- what each level changes


def test_attributes_level_uses_2023_bubbles_with_real_label_value_split() -> None:
    html = _saved_postings(1)[0].read_text("utf-8")
    out = redesign_posting(html, "attributes")
    doc = _doc(out)
    assert not doc.xpath("//p[contains(@class, 'attrgroup')]")
    assert doc.xpath("//div[@class='attrgroup']/div[contains(@class, 'attr')]/span[@class='valu']")
    assert doc.xpath("//div[@class='attrgroup']/span[@class='attr important']")
    # Labelled facts are split into label and value; vocabulary values are a bare value.
    period = doc.xpath("//div[contains(@class, 'attr')][span[@class='labl'] = 'rent period:']")
    assert period and period[0].xpath("string(span[@class='valu'])") == "monthly"
    assert doc.xpath("//span[@class='valu']/a[contains(@href, 'housing_type')]")
    # Everything else is untouched.
    assert doc.xpath("//section[@id='postingbody']") and doc.xpath("//*[@id='titletextonly']")


@pytest.mark.parametrize("seed", SEEDS)
def test_renamed_level_renames_every_fact_name_and_adds_a_wrapper(seed: int) -> None:
    html = DEMO_POSTING.read_text("utf-8")
    out = redesign_posting(html, "renamed", seed)
    names = _names(out)
    for name in POSTING_NAMES:
        assert name not in names, (name, scheme_for(seed))
    # One more element between the body text and the page than before.
    depth = len(_doc(html).xpath("//section[@id='postingbody']/ancestor::*"))
    text = "Sunny one-bedroom apartment"
    body = [el for el in _doc(out).iter("section") if text in (el.text_content() or "")]
    assert len(body[-1].xpath("ancestor::*")) == depth + 1
    # Structured data is still there at this level.
    assert 'id="ld_posting_data"' in out and "data-latitude" in out


def test_moved_level_moves_blocks_and_drops_structured_data() -> None:
    html = _saved_postings(1)[0].read_text("utf-8")
    assert "application/ld+json" in html and "data-latitude" in html
    out = redesign_posting(html, "moved", seed=2)  # "words": readable names
    assert "application/ld+json" not in out and "data-latitude" not in out
    doc = _doc(out)
    order = [el for el in doc.iter() if isinstance(el.tag, str)]
    body_start = visible_text(html).split("QR Code Link to This Post")[1].split()[0]
    description = [el for el in doc.iter("section") if body_start in el.text_content()][-1]
    group = [el for el in doc.iter("div") if "rent period:" in el.text_content()][-1]
    assert order.index(description) < order.index(group)  # attributes after the body
    # The title h1 holds the title only; price and size moved out of it.
    h1 = doc.xpath("//h1")[0]
    assert "$" not in h1.text_content() and h1.text_content().strip()


def test_listing_renamed_keeps_links_and_order() -> None:
    html = (DEMO_ADS / "search" / "apa" / "index.html").read_text("utf-8")
    links = _doc(html).xpath("//a/@href")
    for seed in SEEDS:
        out = redesign_listing(html, "renamed", seed)
        assert _doc(out).xpath("//a/@href") == links
        assert "result-row" not in _names(out)
    assert redesign_listing(html, "attributes").count("result-row") == html.count("result-row")


def test_unknown_level_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown redesign level"):
        redesign_posting("<html></html>", "everything")


# ------------------------------------------------------------------ demo route


def _fetch(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    try:
        with urlopen(Request(url, headers=headers), timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8", "replace")


def test_demo_serves_a_redesigned_classifieds_copy(server: DemoServer) -> None:
    status, _, index = _fetch(server.base_url + "/")
    assert status == 200 and "/classifieds-v2/" in index
    path = "/apa/d/greenfield-apartment-1/7600000001.html"
    _, _, original = _fetch(server.base_url + "/classifieds" + path)
    status, headers, page = _fetch(server.base_url + "/classifieds-v2" + path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    _assert_facts_kept(original, page)
    assert not {"postingbody", "titletextonly"} & _names(page)
    # Links, the canonical URL included, stay inside the copy.
    assert 'href="/classifieds-v2/apa/d/greenfield-apartment-1/7600000001.html"' in page
    assert "/classifieds/" not in page
    status, _, listing = _fetch(server.base_url + "/classifieds-v2/search/apa/")
    assert status == 200 and re.search(r'href="/classifieds-v2/apa/d/[^"]+\.html"', listing)
    assert "result-row" not in _names(listing)
    # Its own validators: a conditional request with the copy's ETag answers 304.
    status, _, _ = _fetch(
        server.base_url + "/classifieds-v2" + path, **{"If-None-Match": headers["ETag"]}
    )
    assert status == 304
    # Non-HTML files and missing pages are served as in the original site.
    assert _fetch(server.base_url + "/classifieds-v2/style.css")[0] == 200
    assert _fetch(server.base_url + "/classifieds-v2/no-such-page.html")[0] == 404
    status, headers, _ = _fetch(server.base_url + "/classifieds-v2/search/apa")
    assert status == 200  # urllib followed the redirect into the copy
