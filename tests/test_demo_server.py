from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from eduscrape.demo import DemoServer, serve
from eduscrape.demo.run import demo_runs


@pytest.fixture
def server() -> Iterator[DemoServer]:
    srv = serve()
    yield srv
    srv.shutdown()
    srv.server_close()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(url, headers=headers), timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_serves_sites_under_paths_on_loopback(server: DemoServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    status, _, body = fetch(server.base_url + "/")
    assert status == 200 and b"/campus/" in body and b"/bench/" in body
    status, headers, body = fetch(server.base_url + "/campus/")
    assert status == 200 and b"Northfield University" in body
    assert headers["Content-Type"].startswith("text/html")
    status, headers, _ = fetch(server.base_url + "/campus/research/annual-report-2025.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"


def test_conditional_requests_answer_304(server: DemoServer) -> None:
    url = server.base_url + "/campus/about.html"
    _, headers, _ = fetch(url)
    status, _, body = fetch(url, **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, _ = fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304
    status, _, _ = fetch(url, **{"If-None-Match": '"other"'})
    assert status == 200


def test_missing_pages_and_traversal(server: DemoServer) -> None:
    assert fetch(server.base_url + "/campus/missing-page.html")[0] == 404
    assert fetch(server.base_url + "/nosuchsite/")[0] == 404
    assert fetch(server.base_url + "/campus/../../../etc/passwd")[0] in (403, 404)
    assert fetch(server.base_url + "/bench/app.py")[0] == 404


def test_generated_bench_site_is_connected(server: DemoServer) -> None:
    status, _, body = fetch(server.base_url + "/bench/n50/p/49.html")
    assert status == 200 and b'href="0.html"' in body
    assert fetch(server.base_url + "/bench/n50/p/50.html")[0] == 404


def test_demo_runs_fill_placeholders() -> None:
    runs = demo_runs({"demo": "http://127.0.0.1:1", "demo_host": "127.0.0.1:1", "output": "out"})
    site = next(r for r in runs if r.spider == "site")
    # The webometrics demo: institutions on their own hosts, the demo web as their proxy.
    assert site.args["proxy"] == "http://127.0.0.1:1" and site.args["scope"] == "domain"
    assert site.args["start_url"].startswith("http://www.alpha.test/institutions/,")
    assert site.commands[0][:5] == [
        "webometrics",
        "--indicators",
        "eduscrape/demo/sites/institutions/indicators.csv",
        "--method",
        "webometrics-2013-mixed",
    ]
    assert "out/webometrics.html" in site.commands[0]


def test_make_demo_runner_end_to_end(tmp_path, mongo_uri) -> None:
    import subprocess

    from _support import PROJECT_DIR, crawl_env

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "eduscrape.demo.run", "--only", "site", "--output", str(out)],
        cwd=PROJECT_DIR,
        env=crawl_env(mongo_uri, MONGO_DATABASE="demo_test", COLUMNS="160"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "site" in done.stdout and "where the data is" in done.stdout
    lines = (out / "site.jsonl").read_text().splitlines()
    # 55 pages and files of 4 institutions, then one crawl record per institution.
    assert len(lines) == 59 and json.loads(lines[0])["site"].endswith(".test")
    assert "<svg" in (out / "webometrics.html").read_text()
    assert (out / "webometrics.graphml").exists() and (out / "webometrics.net").exists()
    # Pages and per-site crawl records: one CSV file per item type.
    assert (out / "site-pages.csv").read_text().startswith("url,site,status")
    assert (out / "site-site_crawls.csv").exists()
    stats = json.loads((out / ".stats" / "site.json").read_text())
    assert stats["mongo/written"] == 59


def test_make_demo_rows_say_what_each_mooc_crawl_stored(tmp_path, mongo_uri) -> None:
    # The MOOCCube export reads the whole database: each row marks it cumulative and
    # says what that crawl stored itself.
    import re
    import subprocess

    from _support import PROJECT_DIR, crawl_env

    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eduscrape.demo.run",
            *("--only", "ocw", "openedx"),
            "--output",
            str(out),
        ],
        cwd=PROJECT_DIR,
        env=crawl_env(mongo_uri, MONGO_DATABASE="demo_mooc_rows", COLUMNS="400"),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = re.findall(
        r"(\d+) entities, (\d+) relations \(cumulative: every MOOC crawl in the database\); "
        r"this crawl stored (\d+) entities, (\d+) relations",
        done.stdout,
    )
    assert len(rows) == 2, done.stdout[-3000:]
    (ocw_total, _, ocw_own, _), (all_total, _, edx_own, _) = [tuple(map(int, row)) for row in rows]
    assert ocw_own == ocw_total  # the first crawl into an empty database
    assert edx_own > 0 and all_total > ocw_total  # the second adds its own
    assert all_total <= ocw_own + edx_own
