from __future__ import annotations

import json

from _support import crawl_env, scrapy_command

from eduscrape.webometrics import compute_ranking, rich_file_type
from eduscrape.webometrics.report import to_html


def page(url: str, site: str, ctype: str = "text/html", status: int = 200, outlinks=()) -> dict:
    return {
        "url": url,
        "site": site,
        "status": status,
        "content_type": ctype,
        "outlinks": list(outlinks),
    }


def test_indicators_and_ranking_by_hand() -> None:
    pages = [
        page("http://a.edu/", "a.edu", outlinks=["http://a.edu/x", "http://b.edu/"]),
        page("http://a.edu/x", "a.edu", outlinks=["http://b.edu/", "http://c.org/"]),
        page("http://a.edu/r.pdf", "a.edu", "application/pdf"),
        page("http://a.edu/gone", "a.edu", status=404),
        page("http://b.edu/", "b.edu", outlinks=["http://a.edu/"]),
        page("http://b.edu/s.docx", "b.edu", "application/octet-stream"),
        page("http://b.edu/t.pptx", "b.edu", "application/vnd.ms-powerpoint"),
    ]
    ranking = compute_ranking(pages)
    by_site = {s.site: s for s in ranking}
    a, b = by_site["a.edu"], by_site["b.edu"]
    assert (a.size, a.rich_files, a.errors) == (2, 1, 1)
    assert (b.size, b.rich_files, b.rich_by_type) == (1, 2, {"doc": 1, "ppt": 1})
    # b is linked from two distinct pages of one other site; a from one page.
    assert (b.inlink_pages, b.inlink_sites) == (2, 1)
    assert (a.inlink_pages, a.inlink_sites) == (1, 1)
    assert a.external_outlinks == 3  # two links to b, one to c.org
    # Ranks: visibility b=1 a=2; size a=1 b=2; rich b=1 a=2 -> b: .5*1+.25*2+.25*1 = 1.25, a: 1.75
    assert [s.site for s in ranking] == ["b.edu", "a.edu"]
    assert (b.score, a.score) == (1.25, 1.75)
    assert (b.rank, a.rank) == (1, 2)


def test_rich_file_type_by_content_type_then_extension() -> None:
    assert rich_file_type("http://x/report", "application/pdf; qs=1") == "pdf"
    assert rich_file_type("http://x/slides.PPTX", "application/octet-stream") == "ppt"
    assert rich_file_type("http://x/page.html", "text/html") is None


def test_html_report_escapes_site_names() -> None:
    evil = '<script>alert(1)</script>"onmouseover="x'
    report = to_html(compute_ranking([page("http://e/", evil)]))
    assert "<script>alert(1)" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x" in report


def test_webometrics_command_on_a_real_crawl(run_spider, demo_url, mongo_uri, tmp_path) -> None:
    result = run_spider(
        "site", args={"start_url": f"{demo_url}/campus/,{demo_url}/southbay/", "scope": "path"}
    )
    host = demo_url.split("://", 1)[1]
    assert {item["site"] for item in result.items} == {f"{host}/campus", f"{host}/southbay"}
    out = tmp_path / "w.json"
    done = scrapy_command(
        "webometrics", "--json", str(out), "--html", str(tmp_path / "w.html"),
        "-s", f"MONGO_DATABASE={result.extra['database']}", env=crawl_env(mongo_uri),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sites = {s["site"].rsplit("/", 1)[1]: s for s in json.loads(out.read_text())["sites"]}
    assert sites["campus"]["size"] == 13 and sites["campus"]["rich_files"] == 1
    assert sites["southbay"]["rich_files"] == 2
    # Campus is linked from every South Bay page (its home counted twice: / and index.html);
    # South Bay only from campus/about.html.
    assert sites["campus"]["inlink_pages"] == 5 and sites["southbay"]["inlink_pages"] == 1
    assert sites["campus"]["rank"] == 1
    assert "<svg" in (tmp_path / "w.html").read_text()
