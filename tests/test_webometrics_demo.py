"""The generated demo web of institutions, crawled for real, ranked and exported.

Expected values follow from the pages planted in eduscrape/demo/sites/institutions/app.py.
"""

from __future__ import annotations

import json

import networkx as nx
import pytest
from _support import crawl_env, scrapy_command

from eduscrape.demo.runs import demo_runs

INDICATORS = "eduscrape/demo/sites/institutions/indicators.csv"


@pytest.fixture
def crawled(run_spider, demo_url):
    # Exactly what `make demo` runs (eduscrape/demo/runs.py).
    run = next(
        r
        for r in demo_runs({"demo": demo_url, "demo_host": "", "output": ""})
        if r.spider == "site"
    )
    assert run.args["proxy"] == demo_url and run.args["max_pages"] == "25"
    result = run_spider("site", args=run.args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def test_the_crawl_records_what_indicators_need(crawled) -> None:
    pages = {i["url"]: i for i in crawled.items if "url" in i}
    records = {i["site"]: i for i in crawled.items if "start_url" in i}
    alpha = "http://www.alpha.test/institutions/"
    assert pages[alpha + "files/report.pdf"]["rich_type"] == "pdf"
    assert pages[alpha + "files/old.doc"]["rich_type"] == "doc"
    assert pages[alpha + "files/fake.pdf"]["rich_type"] is None  # HTML behind a .pdf URL
    assert pages["http://beta.test/institutions/files/annual.pdf"]["rich_type"] == "pdf"
    assert pages[alpha + "research.html"]["scholarly"] == ["citation"]
    assert pages[alpha + "research.html"]["dois"] == ["10.1234/alpha.2"]
    assert pages["http://beta.test/institutions/about.html"]["scholarly"] == ["dublin_core"]
    assert pages["http://www.gamma.test/institutions/article.html"]["scholarly"] == ["jsonld"]
    assert pages[alpha + "news.html?page=1"]["canonical_url"] == alpha + "news.html"
    # lib.alpha.test is crawled as part of alpha.test; www.beta.test redirects to beta.test.
    assert pages["http://lib.alpha.test/institutions/"]["site"] == "alpha.test"
    assert not any("www.beta.test" in u for u in pages)
    assert not any("evil" in u for u in pages)
    assert set(records) == {"alpha.test", "beta.test", "gamma.test", "delta.test"}
    assert records["delta.test"]["truncated"] and not records["alpha.test"]["truncated"]
    assert sum(1 for p in pages.values() if p["site"] == "delta.test") == 25


def test_crawl_indicators_network_and_report(crawled, mongo_uri, tmp_path) -> None:
    out = tmp_path / "w.json"
    done = scrapy_command(
        "webometrics", "--method", "crawl", "--json", str(out), "--html", str(tmp_path / "w.html"),
        "--graphml", str(tmp_path / "w.graphml"), "--pajek", str(tmp_path / "w.net"),
        "-s", f"MONGO_DATABASE={crawled.extra['database']}", env=crawl_env(mongo_uri),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    sites = {s["site"]: s for s in report["sites"]}
    assert list(sites) == ["alpha.test", "beta.test", "gamma.test", "delta.test"]
    network = report["network"]
    assert network["interlinking_pages"]["gamma.test"]["alpha.test"] == 2
    assert network["co_inlinks"]["alpha.test"]["beta.test"] == 1  # gamma links to both
    alpha, beta, gamma = (sites[n]["crawl"] for n in ("alpha.test", "beta.test", "gamma.test"))
    # alpha: / = /index.html, news.html x3 (canonical, tracking) = 1, about, research,
    # publications, lib / and hours, fake.pdf (an HTML page) -> 8 pages.
    assert alpha["crawl.pages"] == 8
    rich = {t: alpha[f"crawl.rich.{t}"] for t in ("pdf", "doc", "ppt", "xls", "odf", "ps")}
    assert rich == {"pdf": 2, "doc": 2, "ppt": 1, "xls": 1, "odf": 1, "ps": 1}
    # Linking pages: beta's home, gamma's home and article, delta's home; not the
    # alpha.test.evil.test link. Three institutions link in.
    assert (alpha["crawl.inlinks"], alpha["crawl.inlink_sites"]) == (4, 3)
    assert alpha["crawl.wif"] == 0.5
    # beta: linked from alpha's home and lib home (www.beta.test counts) and gamma's home.
    assert (beta["crawl.inlinks"], beta["crawl.inlink_sites"]) == (3, 2)
    assert beta["crawl.rich.pdf"] == 2 and beta["crawl.rich.xls"] == 1
    assert gamma["crawl.rich.ppt"] == 1 and gamma["crawl.rich.odf"] == 1
    assert alpha["crawl.dois"] == 3 and alpha["crawl.outlinks.doi"] == 2
    assert alpha["crawl.outlinks.orcid"] == 1 and alpha["crawl.outlinks.wikipedia"] == 1
    assert alpha["crawl.scholarly_outlinks"] == 6 and alpha["crawl.altmetric_outlinks"] == 2
    assert (alpha["crawl.scholarly_pages"], beta["crawl.scholarly_pages"]) == (1, 1)
    assert alpha["crawl.broken_links"] == 1 and alpha["crawl.errors"] == 1
    assert sites["delta.test"]["flags"] == ["truncated"]
    graph = nx.read_graphml(tmp_path / "w.graphml")
    assert graph["alpha.test"]["beta.test"] == {"weight": 2, "links": 2, "hosts": 2}
    assert graph.has_edge("delta.test", "alpha.test") and not graph.has_edge(
        "alpha.test", "delta.test"
    )
    assert graph.nodes["delta.test"]["truncated"] is True
    pajek = nx.read_pajek(tmp_path / "w.net")
    assert pajek.number_of_nodes() == 4 and pajek.number_of_edges() == graph.number_of_edges() == 7
    report = (tmp_path / "w.html").read_text()
    assert "truncated crawl" in report and "Recommendations" in report
    assert "http://" not in report.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # self-contained: nothing fetched


def test_imported_and_crawled_sources_mix(crawled, mongo_uri, tmp_path) -> None:
    out = tmp_path / "m.json"
    done = scrapy_command(
        "webometrics", "--indicators", INDICATORS, "--method", "webometrics-2013-mixed",
        "--json", str(out), "-s", f"MONGO_DATABASE={crawled.extra['database']}",
        env=crawl_env(mongo_uri),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sites = {s["site"]: s for s in json.loads(out.read_text())["sites"]}
    # The table's www.alpha.test is the crawled alpha.test.
    alpha = sites["www.alpha.test"]["sources"]
    assert alpha["pages_google"] == 1200 and alpha["crawl.pages"] == 8
    size = alpha["pages_google"] / 2400 + alpha["pages_yandex"] / 1800 + 8 / 25
    assert sites["www.alpha.test"]["indicators"]["size"] == pytest.approx(size, abs=1e-12)
    assert sites["www.delta.test"]["flags"] == ["truncated"]


def test_sites_by_host_rank_a_closed_set(crawled, mongo_uri, tmp_path) -> None:
    out = tmp_path / "s.json"
    done = scrapy_command(
        "webometrics", "--sites", "www.alpha.test", "http://beta.test/", "--json", str(out),
        "-s", f"MONGO_DATABASE={crawled.extra['database']}", env=crawl_env(mongo_uri),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sites = {s["site"]: s["crawl"] for s in json.loads(out.read_text())["sites"]}
    assert set(sites) == {"alpha.test", "beta.test"}
    # Only beta's home links alpha now; alpha's home and library link beta.
    assert sites["alpha.test"]["crawl.inlinks"] == 1 and sites["beta.test"]["crawl.inlinks"] == 2
