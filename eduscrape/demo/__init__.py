"""The demo web: small realistic sites served on loopback by one server.

Each site is a folder under ``eduscrape/demo/sites/<name>/`` served at
``/<name>/``. Static files are served with ETag / Last-Modified (conditional
requests answer 304). A site may add dynamic routes with an ``app.py`` that
defines ``handle(request: DemoRequest) -> DemoResponse | None`` (a JSON API,
generated pages, a second template version...); None falls back to the files.
"""

from eduscrape.demo.server import DemoRequest, DemoResponse, DemoServer, serve

__all__ = ["DemoRequest", "DemoResponse", "DemoServer", "serve"]
