"""The wrapper middleware in real crawls: learn on v1, repair on v2; bad pages; commands."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from _support import scrapy_command
from pymongo import MongoClient


def test_learn_on_v1_then_repair_on_v2(
    run_spider, demo_url: str, mongo_uri: str, tmp_path: Path
) -> None:
    settings = {"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")}
    v1 = run_spider(
        "wrapper",
        args={"wrapper": "news-demo", "start_url": f"{demo_url}/news/v1/"},
        settings=settings,
    )
    assert v1.stat("wrapper/learned") == 6 and not v1.stat("wrapper/repaired")
    good = [i for i in v1.items if not i["flagged"]]
    assert len(good) == 3

    v2 = run_spider(
        "wrapper",
        args={"wrapper": "news-demo", "start_url": f"{demo_url}/news/v2/"},
        settings=settings,
    )
    assert v2.stat("wrapper/repaired") >= 6
    assert v2.stat("wrapper/repaired/article/author") >= 1  # silent drift: photo credit
    assert "Repaired article/title" in v2.log and "similarity" in v2.log
    articles = {i["url"].rsplit("/", 1)[-1]: i for i in v2.items if "/articles/" in i["url"]}
    final = {}
    for item in v2.items:  # a re-fetched page supersedes its first, flagged record
        if "/articles/" in item["url"] and not item["flagged"]:
            final[item["url"].rsplit("/", 1)[-1]] = item
    assert (
        set(final)
        == set(articles)
        == {
            "robotics-award.html",
            "new-library.html",
            "climate-lecture.html",
        }
    )
    robot = final["robotics-award.html"]["fields"]
    assert robot["title"] == "Robotics team wins the national autonomy award"
    assert robot["author"] == "Maria Okafor"  # not the photo credit "Jonas Weber"
    assert robot["published"] == "March 3, 2026"
    assert robot["body"].startswith("The team spent eighteen months")
    # The empty page stays broken: flagged, counted, kept for inspection.
    broken = [i for i in v2.items if i["url"].endswith("broken.html")]
    assert broken and broken[0]["flagged"] and Path(broken[0]["page_path"]).exists()
    assert v2.stat("wrapper/broken_pages") >= 1
    # Tree-grams in MongoDB: keyed by site and field, updated after the repair, with history.
    client: MongoClient[Any] = MongoClient(mongo_uri)
    try:
        doc = client[v2.extra["database"]]["treegrams"].find_one({"_id": "news-demo|article/title"})
    finally:
        client.close()
    assert doc["reason"] == "repaired" and "story__headline" in doc["xpath"]
    assert doc["history"][0]["reason"] == "learned"

    # Crawling v1 again (the site reverted): the stored v2 selectors are used first,
    # they break, and are repaired back; every article ends up extracted.
    again = run_spider(
        "wrapper",
        args={"wrapper": "news-demo", "start_url": f"{demo_url}/news/v1/"},
        settings=settings,
    )
    assert again.stat("wrapper/stored_selectors") >= 6 and again.stat("wrapper/repaired") >= 1
    final = {i["url"] for i in again.items if "/articles/" in i["url"] and not i["flagged"]}
    assert len(final) == 3


def test_bad_pages_never_crash_the_crawl(run_spider, serve_folder, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    pages = ["empty.html", "malformed.html", "binary.bin", "huge.html", "data.json", "ok.html"]
    links = "".join(f'<a href="{p}">{p}</a>' for p in pages)
    (site / "index.html").write_text(f"<html><body><div class='links'>{links}</div></body></html>")
    (site / "empty.html").write_text("")
    (site / "malformed.html").write_text("<html><body><div class='post'><h1>Unclosed <b>title")
    (site / "binary.bin").write_bytes(bytes(range(256)) * 50)
    (site / "huge.html").write_text(
        "<html><body>" + "<p>filler text</p>" * 20000 + "</body></html>"
    )
    (site / "data.json").write_text('{"not": "html"}')
    (site / "ok.html").write_text(
        "<html><body><div class='post'><h1>A fine title</h1><p class='by'>Ann Lee</p></div></body></html>"
    )
    wrapper = {
        "site": "badsite",
        "follow": ["div.links a"],
        "patterns": [
            {
                "name": "post",
                "css": "div.post",
                "max": 1,
                "fields": [
                    {"name": "title", "css": "h1", "required": True},
                    {"name": "author", "css": "p.by", "required": True},
                ],
            }
        ],
    }
    wpath = tmp_path / "badsite.json"
    wpath.write_text(json.dumps(wrapper))
    base = serve_folder(site)
    res = run_spider(
        "wrapper",
        args={"wrapper": str(wpath), "start_url": f"{base}/index.html"},
        settings={
            "WRAPPER_MAX_PAGE_BYTES": 200_000,
            "WRAPPER_BROKEN_DIR": str(tmp_path / "broken"),
            "ROBOTSTXT_OBEY": False,
        },
    )
    assert res.returncode == 0
    assert not res.stat("log_count/ERROR"), res.log[-3000:]
    assert res.stat("wrapper/skipped_huge") == 1
    assert res.stat("wrapper/skipped_not_html") >= 1
    ok = [i for i in res.items if i["url"].endswith("ok.html")]
    assert ok and ok[0]["fields"] == {"title": "A fine title", "author": "Ann Lee"}
    malformed = [i for i in res.items if i["url"].endswith("malformed.html")]
    assert malformed and malformed[0]["flagged"] and "author" in malformed[0]["broken"]


def test_repair_and_learn_commands(tmp_path: Path) -> None:
    old = tmp_path / "old.html"
    new = tmp_path / "new.html"
    old.write_text(
        "<html><body><div class='post'><h1 class='post-title'>Robotics team wins</h1>"
        "<span class='author-name'>Maria Okafor</span></div></body></html>"
    )
    new.write_text(
        "<html><body><article class='story'><h1 class='story__headline'>Robotics team wins</h1>"
        "<p><span class='story__author'>Maria Okafor</span></p></article></body></html>"
    )
    proc = scrapy_command("repair", str(old), str(new), "--css", "h1.post-title", timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "repaired" and out["values"] == ["Robotics team wins"]
    assert "story__headline" in out["xpath"]
    proc = scrapy_command("repair", str(old), str(new), timeout=120)
    assert proc.returncode != 0
    proc = scrapy_command("learn-wrapper", "news-demo", str(old), timeout=120)
    assert proc.returncode == 0, proc.stderr
    learned = json.loads(proc.stdout)
    assert learned["site"] == "news-demo" and "article/author" in learned["treegrams"]
    # Re-learning a wrapper's bundled tree-grams from fresh pages (--bundle PATH).
    bundle = tmp_path / "news-demo.treegrams.json"
    proc = scrapy_command(
        "learn-wrapper", "news-demo", str(new), str(old), "--bundle", str(bundle), timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    written = json.loads(bundle.read_text())
    assert written["site"] == "news-demo" and written["learned_from"] == [str(new), str(old)]
    assert written["treegrams"]["article/author"]["values"][0] == "Maria Okafor"
    proc = scrapy_command("learn-wrapper", "news-demo", str(new), "--bundle", timeout=120)
    assert proc.returncode == 2 and "no field of the wrapper extracts" in proc.stderr


def test_keep_original_treegrams_setting(
    run_spider, demo_url: str, mongo_uri: str, tmp_path: Path
) -> None:
    settings = {"WRAPPER_BROKEN_DIR": str(tmp_path / "broken"), "WRAPPER_UPDATE_TREEGRAMS": False}
    run_spider(
        "wrapper",
        args={"wrapper": "news-demo", "start_url": f"{demo_url}/news/v1/"},
        settings=settings,
    )
    v2 = run_spider(
        "wrapper",
        args={"wrapper": "news-demo", "start_url": f"{demo_url}/news/v2/"},
        settings=settings,
    )
    assert v2.stat("wrapper/repaired") >= 6  # the crawl itself still uses the repairs
    client: MongoClient[Any] = MongoClient(mongo_uri)
    try:
        doc = client[v2.extra["database"]]["treegrams"].find_one({"_id": "news-demo|article/title"})
    finally:
        client.close()
    assert doc["reason"] == "learned" and doc["history"] == [] and "post-title" in doc["xpath"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Serves /robots.txt (disallowing /private/) and two article pages; records requests."""

    seen: ClassVar[list[tuple[str, str]]] = []
    pages: ClassVar[dict[str, str]] = {
        "/robots.txt": "User-agent: *\nDisallow: /private/\n",
        "/old.html": "<html><body><div class='post'><h1 class='post-title'>Robotics team "
        "wins</h1><span class='author-name'>Maria Okafor</span></div></body></html>",
        "/new.html": "<html><body><article class='story'><h1 class='story__headline'>Robotics "
        "team wins</h1><p><span class='story__author'>Maria Okafor</span></p></article>"
        "</body></html>",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        body = self.pages.get(self.path) or self.pages["/old.html"]  # /private/ too
        ctype = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def recorder() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_repair_and_learn_fetch_urls_through_scrapy(recorder: str, tmp_path: Path) -> None:
    # Scrapy's settings apply: the user agent is the project's, robots.txt is obeyed.
    ua = ["-s", "USER_AGENT=eduscrape-test-agent/1.0", "-s", "ROBOTSTXT_OBEY=True"]
    old, new = f"{recorder}/old.html", f"{recorder}/new.html"
    proc = scrapy_command("repair", old, new, "--css", "h1.post-title", *ua, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "repaired" and out["values"] == ["Robotics team wins"]
    assert ("/robots.txt", "eduscrape-test-agent/1.0") in _Recorder.seen
    assert ("/old.html", "eduscrape-test-agent/1.0") in _Recorder.seen
    assert ("/new.html", "eduscrape-test-agent/1.0") in _Recorder.seen
    # A file and a URL mix; a file:// URL is a file.
    page = tmp_path / "old.html"
    page.write_text(_Recorder.pages["/old.html"])
    proc = scrapy_command("repair", page.as_uri(), new, "--css", "h1.post-title", *ua)
    assert proc.returncode == 0, proc.stderr
    proc = scrapy_command("learn-wrapper", "news-demo", old, *ua, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "article/author" in json.loads(proc.stdout)["treegrams"]
    # robots.txt forbids /private/: not fetched, one clear line, exit 2.
    _Recorder.seen.clear()
    proc = scrapy_command("learn-wrapper", "news-demo", f"{recorder}/private/a.html", *ua)
    assert proc.returncode == 2
    assert "cannot fetch" in proc.stderr and "robots.txt" in proc.stderr
    assert not any(path.startswith("/private/") for path, _ in _Recorder.seen)
