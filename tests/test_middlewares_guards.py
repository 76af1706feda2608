"""Bounded waits: URL schemes a spider does not crawl are refused, never waited on.

A real loopback socket that accepts connections and never answers stands for
an FTP server that hangs (Scrapy's ftp handler ignores DOWNLOAD_TIMEOUT).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


def test_ftp_start_url_is_refused_at_once(run_spider, silent_port: int) -> None:
    started = time.monotonic()
    result = run_spider(
        "site",
        args={"start_url": f"ftp://127.0.0.1:{silent_port}/pub/"},
        settings={"DOWNLOAD_TIMEOUT": 5},
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "the site spider does not crawl ftp URLs" in result.log
    assert "Traceback" not in result.log


def test_ftp_among_start_urls_is_refused_the_rest_crawled(
    run_spider, serve_folder, silent_port: int, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><a href='page.html'>p</a></body></html>")
    (site / "page.html").write_text("<html><body>hello</body></html>")
    base = serve_folder(site)
    started = time.monotonic()
    result = run_spider(
        "site",
        args={"start_url": f"{base}/index.html,ftp://127.0.0.1:{silent_port}/pub/"},
        settings={"DOWNLOAD_TIMEOUT": 5},
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 60
    assert {i["url"] for i in result.items} == {f"{base}/index.html", f"{base}/page.html"}
    assert result.returncode == 1  # a start URL was unusable: the user must know
    assert "crawl site failed (1 start error(s)): start error: the site spider" in result.log


def test_downloader_guard_refuses_other_requests() -> None:
    from scrapy import Request, Spider
    from scrapy.exceptions import IgnoreRequest
    from scrapy.utils.test import get_crawler

    from eduscrape.middlewares.guards import SchemeGuardMiddleware

    class Ftp(Spider):
        name = "ftpish"

    crawler = get_crawler(Ftp, {"EDUSCRAPE_URL_SCHEMES": ["http", "https"]})
    crawler.spider = Ftp()
    mw = SchemeGuardMiddleware.from_crawler(crawler)
    assert mw.process_request(Request("https://x.example/")) is None
    for url in ("ftp://127.0.0.1:1/a", "s3://bucket/key", "ftp://127.0.0.1:1/b"):
        with pytest.raises(IgnoreRequest, match="does not crawl"):
            mw.process_request(Request(url))
    assert crawler.stats.get_value("eduscrape/refused_scheme/ftp") == 2
    assert crawler.stats.get_value("eduscrape/refused_scheme/s3") == 1
    Ftp.url_schemes = ("ftp",)  # a spider widens its own schemes
    assert mw.process_request(Request("ftp://127.0.0.1:1/a")) is None


def test_a_spider_can_allow_more_schemes(run_spider, serve_folder, tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "index.html").write_text("<html><body>x</body></html>")
    result = run_spider(
        "site",
        args={"start_url": f"{serve_folder(site)}/index.html"},
        settings={"EDUSCRAPE_URL_SCHEMES": "https"},
        check=False,
    )
    assert result.returncode == 1 and "does not crawl http URLs" in result.log
