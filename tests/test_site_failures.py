"""The site spider records failed fetches as pages; webometrics counts them as errors.

A real HTTP server on loopback answers with a redirect loop, a timeout and a
truncated body (Content-Length larger than what it sends).
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from eduscrape.webometrics.crawl import measure_crawl

LINKS = ["loop", "slow", "truncated", "ok", "missing"]


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.strip("/")
        if path == "robots.txt" or path == "missing":
            self.send_error(404)
        elif path == "":
            body = "".join(f'<a href="/{name}">{name}</a>' for name in LINKS).encode()
            self._send(200, body)
        elif path == "loop":
            self.send_response(302)
            self.send_header("Location", "/loop2")
            self.end_headers()
        elif path == "loop2":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif path == "slow":
            time.sleep(4)  # past DOWNLOAD_TIMEOUT
            self._send(200, b"<html>late</html>")
        elif path == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body>only the start")
            self.wfile.flush()
            self.close_connection = True
        else:
            self._send(200, b"<html><title>ok</title></html>")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def misbehaving_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_failed_fetches_are_page_items_and_webometrics_errors(
    run_spider, misbehaving_site: str
) -> None:
    result = run_spider(
        "site",
        args={"start_url": misbehaving_site},
        settings={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0, "REDIRECT_MAX_TIMES": 3},
        timeout=120,
    )
    pages = {i["url"].rsplit("/", 1)[-1]: i for i in result.items if "url" in i}
    assert pages["ok"]["status"] == 200 and pages["ok"]["error"] is None
    assert pages["missing"]["status"] == 404 and pages["missing"]["error"] is None
    assert pages["loop"]["error"] == "redirect loop" and pages["loop"]["status"] == 0
    assert pages["slow"]["error"] == "timeout"
    assert pages["truncated"]["error"] == "truncated download"
    assert result.stat("site/fetch_failed/timeout") == 1
    assert result.stat("eduscrape/failed_fetch_items") == 3
    [institution] = measure_crawl(result.items).institutions.values()
    # loop, slow, truncated (no answer) and missing (404)
    assert institution.sources()["crawl.errors"] == 4
