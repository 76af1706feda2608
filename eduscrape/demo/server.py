"""One HTTP server for every demo site: ``python -m eduscrape.demo.server --port 8000``.

Binds to loopback only. Prints ``Serving eduscrape demo web on http://HOST:PORT/``
on its first line (``--port 0`` picks a free port, which scripts read from that line).
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import html
import importlib.util
import json
import mimetypes
import posixpath
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SITES_DIR = Path(__file__).parent / "sites"
# Redesigned copies of demo sites: name -> (site, redesign level, seed). Their HTML pages
# are the site's pages passed through eduscrape.demo.redesign (links point into the copy),
# so a crawl of the copy shows the spiders' wrappers being repaired.
REDESIGNED_SITES: dict[str, tuple[str, str, int]] = {
    "classifieds-v2": ("classifieds", "renamed", 0),
}


@dataclass
class DemoRequest:
    method: str
    site: str
    path: str  # path inside the site, always starting with "/"
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    base_url: str = ""  # http://host:port

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class DemoResponse:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> DemoResponse:
        return cls(
            status, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8", headers
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> DemoResponse:
        return cls(status, b"", "text/plain", {"Location": location})


def _load_app(site_dir: Path) -> ModuleType | None:
    app_path = site_dir / "app.py"
    if not app_path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"eduscrape_demo_site_{site_dir.name}", app_path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, sites_dir: Path = SITES_DIR) -> None:
        self.sites_dir = Path(sites_dir)
        self.apps: dict[str, ModuleType | None] = {}
        self._apps_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        # The bound socket's address (server_address is typed str | bytes, but it is this).
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def sites(self) -> list[str]:
        found = {
            p.name
            for p in self.sites_dir.iterdir()
            if p.is_dir() and not p.name.startswith(("_", "."))
        }
        return sorted(found | {n for n, (base, _, _) in REDESIGNED_SITES.items() if base in found})

    def app(self, site: str) -> ModuleType | None:
        with self._apps_lock:
            if site not in self.apps:
                self.apps[site] = _load_app(self.sites_dir / site)
            return self.apps[site]


class _Handler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "eduscrape-demo/0.1"

    def log_message(
        self, format: str, *args: Any
    ) -> None:  # quiet: crawls make thousands of requests
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self, head: bool = False) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = path.lstrip("/").split("/", 1)
        site = parts[0]
        if not site:
            return self._send(self._index(), head)
        if site not in self.server.sites():
            return self._send(
                DemoResponse(404, f"<h1>404</h1><p>No demo site {html.escape(site)}</p>"), head
            )
        request = DemoRequest(
            method="HEAD" if head else self.command,
            site=site,
            path="/" + (parts[1] if len(parts) > 1 else ""),
            query=parse_qs(split.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=self.server.base_url,
        )
        if site in REDESIGNED_SITES:
            return self._send(self._redesigned(request), head)
        app = self.server.app(site)
        response = app.handle(request) if app is not None and hasattr(app, "handle") else None
        if response is None:
            response = self._static(request)
        self._send(response, head)

    def _redesigned(self, request: DemoRequest) -> DemoResponse:
        """A page of a redesigned copy: the original page, through the redesign."""
        from eduscrape.demo.redesign import redesign_classifieds_page

        copy_name = request.site
        base, level, seed = REDESIGNED_SITES[copy_name]
        etag_asked = request.headers.pop("if-none-match", None)
        request.headers.pop("if-modified-since", None)  # the copy has its own validators
        request.site = base
        response = self._static(request)
        if response.status == 301:
            location = response.headers.get("Location", "")
            response.headers["Location"] = location.replace(f"/{base}/", f"/{copy_name}/", 1)
            return response
        if response.status != 200 or not response.content_type.startswith("text/html"):
            return response
        raw = response.body if isinstance(response.body, bytes) else response.body.encode()
        text = raw.decode("utf-8").replace(f"/{base}/", f"/{copy_name}/")
        body = redesign_classifieds_page(text, level, seed).encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        headers = {"ETag": etag}
        if etag_asked == etag:
            return DemoResponse(304, b"", "", headers)
        return DemoResponse(200, body, response.content_type, headers)

    def _index(self) -> DemoResponse:
        items = "".join(
            f'<li><a href="/{s}/">{html.escape(s)}</a></li>' for s in self.server.sites()
        )
        return DemoResponse(
            200,
            f"<!doctype html><title>eduscrape demo web</title><h1>Demo sites</h1><ul>{items}</ul>",
        )

    def _static(self, request: DemoRequest) -> DemoResponse:
        root = (self.server.sites_dir / request.site).resolve()
        rel = posixpath.normpath(request.path).lstrip("/")
        target = (root / rel).resolve() if rel not in ("", ".") else root
        if root not in target.parents and target != root:
            return DemoResponse(403, "forbidden")
        if target.is_dir():
            if not request.path.endswith("/"):
                return DemoResponse.redirect(f"/{request.site}{request.path}/", 301)
            target = target / "index.html"
        if not target.is_file() or target.name == "app.py" or "__pycache__" in target.parts:
            return DemoResponse(
                404, "<!doctype html><title>Not found</title><h1>404 Not Found</h1>"
            )
        data = target.read_bytes()
        etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        mtime = target.stat().st_mtime
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
        if request.headers.get("if-none-match") == etag:
            return DemoResponse(304, b"", "", headers)
        since = request.headers.get("if-modified-since")
        if since and "if-none-match" not in request.headers:
            try:
                if int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    return DemoResponse(304, b"", "", headers)
            except (TypeError, ValueError):
                pass
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        return DemoResponse(200, data, ctype, headers)

    def _send(self, response: DemoResponse, head: bool) -> None:
        body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
        try:
            self.send_response(
                response.status,
                HTTPStatus(response.status).phrase
                if response.status in HTTPStatus._value2member_map_
                else "",
            )
            if response.status != 304:
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not head and response.status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve(host: str = "127.0.0.1", port: int = 0) -> DemoServer:
    """Start a server in a background thread (for tests and the demo runner)."""
    server = DemoServer(host, port)
    threading.Thread(target=server.serve_forever, name="eduscrape-demo-web", daemon=True).start()
    return server


def spawn(cwd: str | Path | None = None, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    """Run the demo web in its own process on loopback; returns (process, base URL).

    *port* 0 picks a free port; a busy *port* falls back to a free one.
    """
    if port:
        import socket

        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                port = 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "eduscrape.demo", "--port", str(port)],
        cwd=cwd or Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "Serving" not in line:
        proc.kill()
        raise RuntimeError(f"the demo web did not start: {line!r}")
    return proc, line.split(" on ", 1)[1].split()[0].rstrip("/")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (0 = a free one)")
    args = parser.parse_args(argv)
    if not (args.host.startswith("127.") or args.host in ("localhost", "::1")):
        parser.error("the demo web binds to loopback only")
    server = DemoServer(args.host, args.port)
    print(
        f"Serving eduscrape demo web on {server.base_url}/ (sites: {', '.join(server.sites())})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
