"""``scrapy webometrics`` on a real crawl of the demo web (crawl-only method)."""

from __future__ import annotations

import json

from _support import crawl_env, scrapy_command


def test_webometrics_command_on_a_real_crawl(run_spider, demo_url, mongo_uri, tmp_path) -> None:
    result = run_spider(
        "site", args={"start_url": f"{demo_url}/campus/,{demo_url}/southbay/", "scope": "path"}
    )
    host = demo_url.split("://", 1)[1]
    assert {item["site"] for item in result.items} >= {f"{host}/campus", f"{host}/southbay"}
    out = tmp_path / "w.json"
    done = scrapy_command(
        "webometrics", "--json", str(out), "--html", str(tmp_path / "w.html"),
        "--graphml", str(tmp_path / "w.graphml"),
        "-s", f"MONGO_DATABASE={result.extra['database']}", env=crawl_env(mongo_uri),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["method"]["name"] == "crawl"
    sites = {s["site"].rsplit("/", 1)[1]: s for s in report["sites"]}
    campus, southbay = sites["campus"]["sources"], sites["southbay"]["sources"]
    # / and /index.html are one page now (13 URLs before canonical URLs).
    assert campus["crawl.pages"] == 12 and campus["crawl.rich.pdf"] == 1
    assert southbay["crawl.rich.pdf"] + southbay["crawl.rich.doc"] >= 1
    # Campus is linked from every South Bay page; South Bay only from campus/about.html.
    assert campus["crawl.inlinks"] == southbay["crawl.pages"] and southbay["crawl.inlinks"] == 1
    assert sites["campus"]["rank"] == 1
    assert "<svg" in (tmp_path / "w.html").read_text()


def test_ranking_table_is_readable_at_80_columns(tmp_path) -> None:
    # A long site (host:port/path) used to be cut to "127.0.0.1:8…" at 80 columns.
    table = tmp_path / "indicators.csv"
    table.write_text(
        "site,pages_google,links_majestic,altmetrics_mendeley,pdf_files,scholar_hits\n"
        "127.0.0.1:8765/institutions/alpha-university,1200,340,25,7,410\n"
        "beta.test,600,410,40,7,150\n"
        "www.gamma.test,90,60,5,7,95\n"
    )
    done = scrapy_command(
        "webometrics", "--indicators", str(table), "--method", "webometrics-2013",
        env=crawl_env(None, COLUMNS="80"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, done.stdout
    assert "…" not in done.stdout
    # The site folds onto two lines, in full; the last column (scholar) is all there.
    first = next(i for i, line in enumerate(lines) if "127.0.0.1:" in line)
    site = lines[first].split()[1] + lines[first + 1].strip()
    assert site == "127.0.0.1:8765/institutions/alpha-university"
    assert lines[first].split()[-1] == "1.0000"
