"""A generated demo web of four research institutions on their own hosts (webometrics).

The hosts (``www.alpha.test``, ``lib.alpha.test``, ``beta.test``, ``www.gamma.test``,
``www.delta.test``...) are served through the demo web acting as an HTTP proxy: crawl
with ``-a proxy=http://127.0.0.1:PORT`` and start URLs such as
``http://www.alpha.test/institutions/``; every page lives under ``/institutions/``
(the demo web dispatches on the first path segment). Planted on purpose, with the
indicators they must give in ``tests/test_webometrics_demo.py``:

- alpha: a ``lib.`` subdomain, ``/`` and ``/index.html``, a ``rel=canonical`` duplicate
  and a tracking-parameter duplicate, rich files of every type (PDF, DOCX, legacy DOC,
  PPTX, XLSX, ODT, PostScript) and a fake ``.pdf`` answering HTML, a broken link,
  ``citation_*`` metadata, DOI / ORCID / Scholar / arXiv / Zenodo / Wikipedia / YouTube links;
- beta: bare host (``www.beta.test`` redirects to it), Dublin Core metadata, a PDF no
  page with metadata links to (orphan), links to ``alpha.test.evil.test`` (not alpha);
- gamma: JSON-LD ScholarlyArticle, a legacy PowerPoint and an OpenDocument spreadsheet;
- delta: a long chain of pages, so a ``max_pages`` cap truncates its crawl.
"""

from __future__ import annotations

import html
import io
import zipfile

from eduscrape.demo import DemoRequest, DemoResponse

P = "/institutions"
DELTA_PAGES = 40


def _zip(parts: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _ole(stream: str) -> bytes:
    # An OLE2 compound file header and a directory entry naming the main stream.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)


_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
_CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
PDF, DOCX, PPTX, XLSX = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
FILES: dict[str, tuple[str, bytes]] = {
    "report.pdf": (PDF, _PDF),
    "thesis.docx": (DOCX, _zip({"[Content_Types].xml": _CT, "word/document.xml": "<w/>"})),
    "old.doc": ("application/msword", _ole("WordDocument")),
    "slides.pptx": (PPTX, _zip({"[Content_Types].xml": _CT, "ppt/presentation.xml": "<p/>"})),
    "data.xlsx": (XLSX, _zip({"[Content_Types].xml": _CT, "xl/workbook.xml": "<x/>"})),
    "paper.odt": (
        "application/vnd.oasis.opendocument.text",
        _zip({"content.xml": "<o/>"}, "application/vnd.oasis.opendocument.text"),
    ),
    "poster.ps": ("application/postscript", b"%!PS-Adobe-3.0\n%%EOF\n"),
    "catalogue.pdf": (PDF, _PDF),
    "annual.pdf": ("application/octet-stream", _PDF),  # a real PDF with a vague type
    "orphan.pdf": (PDF, _PDF),
    "budget.xlsx": (XLSX, _zip({"[Content_Types].xml": _CT, "xl/workbook.xml": "<x/>"})),
    "deck.ppt": ("application/vnd.ms-powerpoint", _ole("PowerPoint Document")),
    "sheet.ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        _zip({"content.xml": "<o/>"}, "application/vnd.oasis.opendocument.spreadsheet"),
    ),
}


def _page(title: str, links: list[str], head: str = "", body: str = "") -> str:
    items = "".join(f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>' for u in links)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"{head}</head><body><h1>{html.escape(title)}</h1>{body}<ul>{items}</ul></body></html>"
    )


ALPHA_HOME = _page(
    "Alpha University",
    [
        "about.html", "research.html", "publications.html", "index.html", "news.html",
        "news.html?page=1", "news.html?utm_source=home", "missing.html",
        "http://lib.alpha.test/institutions/",
        *(f"files/{n}" for n in ("report.pdf", "thesis.docx", "old.doc", "slides.pptx",
                                 "data.xlsx", "paper.odt", "poster.ps", "fake.pdf")),
        "https://doi.org/10.1234/alpha.1", "https://orcid.org/0000-0001-2345-6789",
        "https://scholar.google.com/citations?user=alpha1",
        "https://en.wikipedia.org/wiki/Alpha_University", "https://www.youtube.com/@alpha",
        "http://beta.test/institutions/",
    ],
)  # fmt: skip
PAGES: dict[str, dict[str, str]] = {
    "www.alpha.test": {
        "/": ALPHA_HOME,
        "/index.html": ALPHA_HOME,
        "/about.html": _page("About Alpha", ["./", "http://www.gamma.test/institutions/"]),
        "/research.html": _page(
            "Alpha research report",
            ["files/report.pdf"],
            '<meta name="citation_title" content="Alpha research report">'
            '<meta name="citation_doi" content="10.1234/alpha.2">'
            '<meta name="citation_pdf_url" content="files/report.pdf">',
        ),
        "/publications.html": _page(
            "Alpha publications",
            [
                "https://doi.org/10.1234/alpha.1",
                "https://doi.org/10.5555/alpha.3",
                "https://arxiv.org/abs/2101.00001",
                "https://zenodo.org/record/1",
            ],
        ),
        "/news.html": _page(
            "Alpha news",
            ["./"],
            f'<link rel="canonical" href="http://www.alpha.test{P}/news.html">',
        ),
    },
    "lib.alpha.test": {
        "/": _page(
            "Alpha library",
            [
                "files/catalogue.pdf",
                "hours.html",
                "http://www.alpha.test/institutions/",
                "http://www.beta.test/institutions/",
            ],
        ),
        "/hours.html": _page("Library hours", ["./"]),
    },
    "beta.test": {
        "/": _page(
            "Beta Institute",
            [
                "about.html",
                "papers.html",
                "files/annual.pdf",
                "files/budget.xlsx",
                "http://www.alpha.test/institutions/research.html",
                "http://lib.alpha.test/institutions/",
                "http://alpha.test.evil.test/institutions/",
            ],
        ),
        "/about.html": _page(
            "About Beta",
            ["http://www.gamma.test/institutions/"],
            '<meta name="DC.title" content="About Beta">'
            '<meta name="DC.identifier" content="doi:10.7777/beta.1">',
        ),
        "/papers.html": _page(
            "Beta papers",
            [
                "files/orphan.pdf",
                "https://www.researchgate.net/profile/Beta",
                "https://www.mendeley.com/profiles/beta",
                "https://doi.org/10.7777/beta.2",
            ],
        ),
    },
    "www.gamma.test": {
        "/": _page(
            "Gamma Centre",
            [
                "article.html",
                "files/deck.ppt",
                "files/sheet.ods",
                "http://www.alpha.test/institutions/",
                "http://beta.test/institutions/",
                "https://www.academia.edu/gamma",
            ],
        ),
        "/article.html": _page(
            "Gamma article",
            ["http://www.alpha.test/institutions/about.html"],
            '<script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "ScholarlyArticle", "name": "Gamma article"}</script>',
        ),
    },
    "www.delta.test": {
        "/": _page("Delta Lab", ["p/1.html", "http://www.alpha.test/institutions/"]),
        **{
            f"/p/{i}.html": _page(f"Delta page {i}", [f"{i + 1}.html", f"{i + 2}.html"])
            for i in range(1, DELTA_PAGES + 1)
        },
    },
}
REDIRECTS = {"www.beta.test": "beta.test", "alpha.test": "www.alpha.test"}
FAKE_PDF = _page("Not a PDF", ["../"], body="<p>This .pdf URL answers an HTML page.</p>")


def handle(request: DemoRequest) -> DemoResponse | None:
    host = request.headers.get("host", "").split(":")[0].lower()
    if host in REDIRECTS:
        return DemoResponse.redirect(f"http://{REDIRECTS[host]}{P}{request.path}", 301)
    if host not in PAGES:
        if host == "alpha.test.evil.test":
            return DemoResponse(200, _page("Not Alpha", []))
        hosts = "".join(f"<li>http://{h}{P}/</li>" for h in PAGES)
        return DemoResponse(
            200,
            "<!doctype html><title>Institutions</title><h1>Demo institutions</h1>"
            f"<p>Served on their own hosts: use this server as an HTTP proxy.</p><ul>{hosts}</ul>",
        )
    if request.path == "/robots.txt":
        return DemoResponse(200, "User-agent: *\nAllow: /\n", "text/plain")
    if request.path.startswith("/files/"):
        name = request.path[len("/files/") :]
        if name == "fake.pdf":
            return DemoResponse(200, FAKE_PDF)
        if name in FILES:
            ctype, body = FILES[name]
            return DemoResponse(200, body, ctype)
    page = PAGES[host].get(request.path)
    if page is None:
        return DemoResponse(404, "<!doctype html><title>Not found</title><h1>404</h1>")
    return DemoResponse(200, page)
