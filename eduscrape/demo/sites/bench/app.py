"""Generated site for throughput benchmarks and scale-out tests.

``/bench/n<N>/p/<i>.html`` is page *i* of a site of *N* pages. Every page links
to the next five pages and to five pseudo-random others, so a crawl from page 0
reaches all N pages; each page carries a few KB of realistic markup.
"""

from __future__ import annotations

import re

from eduscrape.demo import DemoRequest, DemoResponse

_PAGE = re.compile(r"^/n(\d+)/p/(\d+)\.html$")
_WORDS = [
    "course",
    "lecture",
    "syllabus",
    "department",
    "faculty",
    "research",
    "student",
    "campus",
    "library",
    "seminar",
    "admission",
    "degree",
    "program",
    "module",
    "assessment",
    "laboratory",
    "publication",
    "journal",
    "conference",
]


def _links(i: int, n: int) -> list[int]:
    nexts = [(i + k) % n for k in range(1, 6)]
    others = [(i * 7919 + k * 104729) % n for k in range(1, 6)]
    return list(dict.fromkeys(j for j in nexts + others if j != i))


def _paragraph(i: int, k: int) -> str:
    words = [_WORDS[(i * 31 + k * 17 + j * 7) % len(_WORDS)] for j in range(60)]
    return " ".join(words).capitalize() + "."


def handle(request: DemoRequest) -> DemoResponse | None:
    if request.path in ("/", ""):
        return DemoResponse(
            200, '<!doctype html><title>bench</title><a href="n1000/p/0.html">1000 pages</a>'
        )
    match = _PAGE.match(request.path)
    if not match:
        return None
    n, i = int(match[1]), int(match[2])
    if not 0 <= i < n:
        return DemoResponse(404, "<h1>404</h1>")
    links = "".join(f'<li><a href="{j}.html">Page {j}</a></li>' for j in _links(i, n))
    paragraphs = "".join(f"<p>{_paragraph(i, k)}</p>" for k in range(6))
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page {i} of {n}</title>
<meta name="description" content="Benchmark page {i}"></head>
<body><header><nav><a href="0.html">Home</a></nav></header>
<main><h1>Page {i}</h1><article>{paragraphs}</article>
<ul class="links">{links}</ul></main>
<footer><p>eduscrape benchmark site</p></footer></body></html>"""
    return DemoResponse(200, body)
