"""A campus news site served in two template versions (self-healing wrapper demo).

``/news/v1/`` and ``/news/v2/`` serve the same articles; v2 is a redesign: new
class names, extra wrappers, the byline moved, a photo credit now uses the old
``author-name`` class (a selector that still matches, but the wrong node).
``/news/<v>/broken.html`` has no article at all (a page whose fields stay broken).
"""

from __future__ import annotations

import html
import re
from typing import Any

from eduscrape.demo import DemoRequest, DemoResponse

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "robotics-award",
        "title": "Robotics team wins the national autonomy award",
        "author": "Maria Okafor",
        "date": "March 3, 2026",
        "iso": "2026-03-03",
        "lead": "Six engineering students built a rover that mapped a collapsed tunnel without help.",
        "body": [
            "The team spent eighteen months on the rover's perception stack, rewriting it twice.",
            "Judges praised the way the rover explained its own uncertainty to operators.",
            "The prize money will fund a summer school for secondary-school students.",
        ],
        "photo": "Jonas Weber",
    },
    {
        "slug": "new-library",
        "title": "The new library opens its doors after four years of works",
        "author": "Lena Fischer",
        "date": "February 12, 2026",
        "iso": "2026-02-12",
        "lead": "Reading rooms, a maker space and a quiet floor open to students and the public.",
        "body": [
            "The building keeps the facade of the 1912 post office and adds a timber extension.",
            "Opening hours extend to midnight during the examination weeks.",
            "Rare books from the old archive move in gradually over the spring.",
        ],
        "photo": "Ana Costa",
    },
    {
        "slug": "climate-lecture",
        "title": "Public lecture series on regional climate adaptation",
        "author": "Tomás Reyes",
        "date": "January 28, 2026",
        "iso": "2026-01-28",
        "lead": "Eight evening lectures discuss floods, heat and farming in the valley.",
        "body": [
            "Each lecture pairs a researcher with a practitioner from the region.",
            "Recordings are published on the university channel the following week.",
        ],
        "photo": "Priya Nair",
    },
]
_ARTICLE = re.compile(r"^/(v[12])/articles/([a-z0-9-]+)\.html$")
_INDEX = re.compile(r"^/(v[12])/(index\.html)?$")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _v1_article(a: dict) -> str:
    paras = "".join(f"<p>{_e(p)}</p>" for p in a["body"])
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{_e(a["title"])} | Campus Chronicle</title>
<link rel="stylesheet" href="../style.css"></head>
<body><div id="page">
<div class="header"><a href="../index.html">Campus Chronicle</a>
<ul class="nav"><li><a href="../index.html">News</a></li><li><a href="#">Events</a></li></ul></div>
<div class="main">
<div class="post">
<h1 class="post-title">{_e(a["title"])}</h1>
<div class="byline">By <span class="author-name">{_e(a["author"])}</span>
on <span class="post-date">{_e(a["date"])}</span></div>
<p class="lead">{_e(a["lead"])}</p>
<div class="post-body">{paras}</div>
</div>
<div class="sidebar"><h3>Most read</h3><ul><li>Exam timetable</li><li>Sports day</li></ul></div>
</div>
<div class="footer">© 2026 Campus Chronicle</div>
</div></body></html>"""


def _v2_article(a: dict) -> str:
    paras = "".join(f'<p class="story__para">{_e(p)}</p>' for p in a["body"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(a["title"])} — Chronicle</title>
<meta name="viewport" content="width=device-width"></head>
<body>
<header class="site-header"><nav><a class="brand" href="../index.html">Chronicle</a>
<a href="../index.html">Latest</a> <a href="#">Campus life</a></nav></header>
<main id="content">
<article class="story">
<header class="story__header">
<p class="story__kicker">Campus</p>
<h1 class="story__headline">{_e(a["title"])}</h1>
<p class="story__dek">{_e(a["lead"])}</p>
</header>
<figure class="story__figure"><div class="img-placeholder"></div>
<figcaption>Photo: <span class="author-name">{_e(a["photo"])}</span></figcaption></figure>
<div class="story__meta"><span class="story__author">{_e(a["author"])}</span>
<time class="story__date" datetime="{a["iso"]}">{_e(a["date"])}</time></div>
<section class="story__body">{paras}</section>
</article>
<aside class="rail"><h2>Trending</h2><ol><li>Exam timetable</li><li>Sports day</li></ol></aside>
</main>
<footer class="site-footer">© 2026 Chronicle</footer>
</body></html>"""


def _index(version: str) -> str:
    items = "".join(
        f'<li><a href="articles/{a["slug"]}.html">{_e(a["title"])}</a></li>' for a in ARTICLES
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Campus news ({version})</title>
</head><body><h1>Campus news</h1><ul class="teasers">{items}
<li><a href="broken.html">An empty page</a></li></ul></body></html>"""


def handle(request: DemoRequest) -> DemoResponse | None:
    if request.path in ("/", ""):
        return DemoResponse(
            200,
            '<!doctype html><title>news</title><a href="v1/">v1</a> <a href="v2/">v2</a>',
        )
    if request.path == "/style.css":
        return DemoResponse(200, "body{font-family:sans-serif}", "text/css")
    m = _INDEX.match(request.path)
    if m:
        return DemoResponse(200, _index(m[1]))
    if re.match(r"^/v[12]/broken\.html$", request.path):
        return DemoResponse(200, "<!doctype html><html><body><p>Nothing here.</p></body></html>")
    m = _ARTICLE.match(request.path)
    if not m:
        return None
    article = next((a for a in ARTICLES if a["slug"] == m[2]), None)
    if article is None:
        return DemoResponse(404, "<h1>404</h1>")
    return DemoResponse(200, _v1_article(article) if m[1] == "v1" else _v2_article(article))
