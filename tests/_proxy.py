"""A loopback HTTP server that serves another one's pages, some of them changed.

``transforming_proxy(upstream, transform)`` forwards every request (method, headers,
body) to *upstream* and passes HTML replies through ``transform(path, html)``: a site
redesigned on the fly, for real crawls (JSON, transcripts and the rest unchanged).
"""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Transform = Callable[[str, str], str]
_HOP = {"host", "connection", "content-length", "accept-encoding", "transfer-encoding"}


@contextmanager
def transforming_proxy(upstream: str, transform: Transform) -> Iterator[str]:
    """Base URL (no trailing slash) of a proxy of *upstream* applying *transform*."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            request = urllib.request.Request(
                upstream + self.path, data=body, headers=headers, method=self.command
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as reply:
                    status, reply_headers, data = reply.status, reply.headers, reply.read()
            except urllib.error.HTTPError as exc:
                status, reply_headers, data = exc.code, exc.headers, exc.read()
            kind = reply_headers.get("Content-Type", "")
            if "html" in kind:
                data = transform(self.path, data.decode("utf-8")).encode("utf-8")
            self.send_response(status)
            for key, value in reply_headers.items():
                if key.lower() not in _HOP and key.lower() not in ("date", "server", "etag"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _forward

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
