"""A crawler's own indicators: site identity, canonical URLs, rich files, links, reports."""

from __future__ import annotations

import io
import zipfile

import pytest
from parsel import Selector

from eduscrape.webometrics import WebometricsError, build, load_method, parse_method, parse_table
from eduscrape.webometrics.crawl import measure_crawl
from eduscrape.webometrics.files import sniff_rich_type
from eduscrape.webometrics.identity import Institutions, canonical_url, registered_domain
from eduscrape.webometrics.network import co_inlinks, interlinking_matrix
from eduscrape.webometrics.platforms import doi_of, platform_of
from eduscrape.webometrics.report import to_html
from eduscrape.webometrics.scholarly import scholarly_metadata


def page(url: str, site: str, outlinks=(), status=200, ctype="text/html", **extra) -> dict:
    return {"url": url, "site": site, "status": status, "content_type": ctype,
            "outlinks": list(outlinks), **extra}  # fmt: skip


def test_site_identity_by_registered_domain_host_and_path() -> None:
    inst = Institutions(["a.edu", "www.b.ac.uk", "10.0.0.1:8080/campus"])
    assert inst.of_url("http://a.edu.evil.org/") is None  # not a.edu
    assert inst.of_url("https://www.a.edu/x") == inst.of_url("http://lib.a.edu/") == "a.edu"
    assert inst.of_url("http://b.ac.uk/") == "b.ac.uk"  # public suffix ac.uk
    assert inst.of_url("http://10.0.0.1:8080/campus/x.html") == "10.0.0.1:8080/campus"
    assert inst.of_url("http://10.0.0.1:8080/campusx/") is None  # path segment, not prefix
    strict = Institutions(["a.edu"], group="host")
    assert strict.of_url("http://www.a.edu/") is None and strict.of_url("http://a.edu/") == "a.edu"
    www = Institutions(["a.edu"], group="www")
    assert www.of_url("http://www.a.edu/") == "a.edu" and www.of_url("http://lib.a.edu/") is None
    explicit = Institutions([], explicit={"Uni A": ["a.edu", "a-library.org"]})
    assert explicit.of_url("http://a-library.org/x") == "Uni A"
    assert registered_domain("lib.alpha.test") == "alpha.test"  # unknown suffix: last two labels


def test_canonical_urls() -> None:
    assert canonical_url("HTTP://WWW.A.EDU:80/index.html?utm_source=x&b=2&a=1#top") == (
        "http://www.a.edu/?a=1&b=2"
    )
    assert canonical_url("https://a.edu/dept/default.aspx") == "https://a.edu/dept/"
    assert canonical_url("https://a.edu/x;jsessionid=123?fbclid=9") == "https://a.edu/x"


def _zip(names: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        for name, text in names.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("body", "ctype", "expected"),
    [
        (b"%PDF-1.7\n...", "application/octet-stream", "pdf"),
        (b"<!doctype html><title>x</title>", "application/pdf", None),  # a fake PDF
        (b"%!PS-Adobe-3.0", None, "ps"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), None, "xls"),
        (_zip({"[Content_Types].xml": "", "word/document.xml": ""}), None, "doc"),
        (_zip({"[Content_Types].xml": "", "ppt/presentation.xml": ""}), None, "ppt"),
        (_zip({"content.xml": ""}, "application/vnd.oasis.opendocument.text"), None, "odf"),
        (_zip({"a.txt": ""}), "application/zip", None),  # a plain zip is not a rich file
    ],
)
def test_rich_files_by_content(body: bytes, ctype: str | None, expected: str | None) -> None:
    assert sniff_rich_type(body, ctype, "http://x/f.pdf") == expected


def test_platforms_and_scholarly_metadata() -> None:
    assert platform_of("https://scholar.google.co.uk/citations?user=1") == "scholar"
    assert platform_of("https://fr.wikipedia.org/wiki/X") == "wikipedia"
    assert platform_of("https://notwikipedia.org/") is None
    assert doi_of("https://doi.org/10.1000/ABC.1") == "10.1000/abc.1"
    sel = Selector(
        text='<head><meta name="DC.identifier" content="https://doi.org/10.5555/x">'
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
        ' {"@type": ["Thing", "ScholarlyArticle"]}]}</script></head>'
    )
    assert scholarly_metadata(sel) == (["dublin_core", "jsonld"], ["10.5555/x"])


def _web() -> list[dict]:
    return [
        page("http://a.edu/", "a.edu", ["http://a.edu/index.html", "http://b.edu/", "http://a.edu/x.pdf"]),
        page("http://a.edu/index.html", "a.edu", ["http://b.edu/"]),
        page("http://a.edu/x.pdf", "a.edu", ctype="application/pdf", rich_type=None),
        page("http://b.edu/", "b.edu", ["http://a.edu/", "http://www.c.edu/"]),
        page("http://b.edu/r", "b.edu", ["http://a.edu/"], scholarly=["citation"]),
        page("http://b.edu/r.pdf", "b.edu", ctype="application/pdf", rich_type="pdf"),
        page("http://c.edu/", "c.edu", ["http://a.edu/", "http://b.edu/", "http://a.edu.evil.org/"]),
        page("http://d.edu/", "d.edu", ["http://a.edu/"]),
    ]  # fmt: skip


def test_crawl_measures_network_and_top_referrer_exclusion() -> None:
    data = measure_crawl(_web())
    a = data.sources("a.edu")
    assert a["crawl.pages"] == 1  # / and /index.html
    assert a["crawl.rich_files"] == 0  # sniffed as not a PDF, whatever the URL and type say
    assert (a["crawl.inlinks"], a["crawl.inlink_sites"]) == (4, 3)  # b: 2 pages, c, d
    assert data.sources("c.edu")["crawl.inlinks"] == 1  # www.c.edu is c.edu
    assert data.sources("a.edu", exclude_top_referrers=1)["crawl.inlinks"] == 2  # without b
    names = ["a.edu", "b.edu", "c.edu", "d.edu"]
    matrix = interlinking_matrix(data, names)
    assert matrix["b.edu"]["a.edu"] == 2 and matrix["a.edu"]["b.edu"] == 1
    co = co_inlinks(data, names)
    assert co["a.edu"]["b.edu"] == 1  # c links to both
    assert data.institutions["b.edu"].orphan_rich_files() == ["b.edu/r.pdf"]


def test_exclude_top_referrers_in_a_method() -> None:
    method = parse_method(
        "exclude_top_referrers: 1\nindicators:\n  v: {weight: 1, sources: [crawl.inlinks]}\n"
    )
    result = build(method, crawl=measure_crawl(_web()))
    assert result.ranking.by_site()["a.edu"].sources["crawl.inlinks"] == 2


def test_report_escapes_crawled_and_imported_names() -> None:
    evil = '<script>alert(1)</script>"onmouseover="x'
    crawl = measure_crawl(
        [page("http://e.edu/", evil, ["http://f.edu/"]), page("http://f.edu/", "f.edu")]
    )
    report = to_html(build(load_method("crawl"), crawl=crawl))
    assert "<script>alert(1)" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    table = parse_table(f'site,pages\n"{evil}",1\nb.edu,2\n')
    report = to_html(
        build(parse_method("indicators:\n  s: {weight: 1, sources: [pages]}\n"), table)
    )
    assert "<script>alert(1)" not in report and "<svg" in report


def test_selected_institutions_are_a_closed_set() -> None:
    from eduscrape.webometrics.crawl import select_institutions

    pages = _web()
    names = select_institutions(pages, ["http://www.a.edu/", "c.edu"])
    assert names == ["a.edu", "c.edu"]
    data = measure_crawl(pages, only=names)
    assert set(data.institutions) == {"a.edu", "c.edu"}
    assert data.sources("a.edu")["crawl.inlinks"] == 1  # from c only; b and d are not ranked
    with pytest.raises(WebometricsError, match="not a crawled site"):
        select_institutions(pages, ["x.edu"])


def test_an_explicit_host_list_makes_one_institution() -> None:
    pages = [
        page("http://a.edu/", "a.edu", ["http://b.edu/"]),
        page("http://a-library.org/", "a-library.org", ["http://b.edu/"]),
        page("http://b.edu/", "b.edu", ["http://a-library.org/x"]),
    ]
    data = measure_crawl(pages, explicit={"Uni A": ["a.edu", "a-library.org"]})
    assert set(data.institutions) == {"Uni A", "b.edu"}
    assert data.sources("Uni A")["crawl.pages"] == 2 and data.sources("Uni A")["crawl.inlinks"] == 1
    assert data.sources("b.edu")["crawl.inlinks"] == 2  # two pages of Uni A, one institution
    assert data.sources("b.edu")["crawl.inlink_sites"] == 1
