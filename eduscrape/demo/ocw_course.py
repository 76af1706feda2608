"""A course of your own as a static OpenCourseWare-like site, for the ocw spider.

    write_ocw_course(folder, "Physics I", [("Kinematics", [("Projectile Motion", cues)])])

Writes ``index.html`` (course home), the video gallery with one section per
``(section, videos)`` in course order, a page per video and its ``.srt`` captions
(cues timed by their length), as the ocw spider and the demo site expect them. Tests
and ``bench/bench_mooc.py`` crawl courses built this way (served with any static
HTTP server on loopback).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

E = html.escape

Sections = Sequence[tuple[str, Sequence[tuple[str, Sequence[str]]]]]


def _ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def _srt(cues: Sequence[str]) -> str:
    blocks, t = [], 1.0
    for i, text in enumerate(cues, 1):
        duration = max(1.5, 0.06 * len(text))
        blocks.append(f"{i}\n{_ts(t)} --> {_ts(t + duration)}\n{text}\n")
        t += duration + 0.2
    return "\n".join(blocks)


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{E(title)}</title>"
        f"</head><body><header><a class='site-logo' href='/index.html'>OpenCourseWare</a>"
        f"</header><main>{body}</main></body></html>"
    )


def write_ocw_course(
    folder: str | Path,
    title: str,
    sections: Sections,
    *,
    number: str = "D.01",
    term: str = "Fall 2026",
    topic: str = "Science / Physics",
) -> list[str]:
    """Write the site under *folder*; returns the video ids (``V_<youtube id>``) in order."""
    root = Path(folder)
    gallery = root / "video_galleries" / "lecture-videos"
    gallery.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(
        _page(
            title,
            f"<h1 class='course-title'>{E(title)}</h1><section class='course-info'>"
            "<h2>Course Info</h2><dl>"
            f"<dt>Course Number</dt><dd><span class='course-number'>{E(number)}</span></dd>"
            f"<dt>As Taught In</dt><dd><span class='course-term'>{E(term)}</span></dd>"
            f"<dt>Topics</dt><dd><ul class='course-topics'><li>{E(topic)}</li></ul></dd>"
            "</dl></section>"
            "<a href='/video_galleries/lecture-videos/index.html'>Lecture Videos</a>",
        ),
        encoding="utf-8",
    )
    ids: list[str] = []
    cards_html = ""
    for section, videos in sections:
        cards = ""
        for video_title, cues in videos:
            n = len(ids) + 1
            slug = f"{n:02d}-" + re.sub(r"[^a-z0-9]+", "-", video_title.lower()).strip("-")
            yt = f"ocwDemo{n:04d}"
            ids.append(f"V_{yt}")
            cards += (
                f"<li class='video-gallery-card' data-youtube-id='{yt}'><a href="
                f"'/resources/{slug}/index.html'><span class='video-title'>{E(video_title)}"
                "</span></a></li>"
            )
            page = root / "resources" / slug
            page.mkdir(parents=True, exist_ok=True)
            (page / "index.html").write_text(
                _page(
                    video_title,
                    "<nav class='breadcrumbs'><a href='/index.html'>Course Home</a> "
                    f"<a href='/video_galleries/lecture-videos/index.html'>{E(section)}</a></nav>"
                    f"<h1 class='video-title'>{E(video_title)}</h1>"
                    f"<div class='video-container' data-youtube-id='{yt}'></div>"
                    f"<a class='caption-srt' href='{yt}.srt'>SRT</a>",
                ),
                encoding="utf-8",
            )
            (page / f"{yt}.srt").write_text(_srt(cues), encoding="utf-8")
        cards_html += (
            f"<section class='video-gallery-section'><h2>{E(section)}</h2>"
            f"<ul class='video-gallery'>{cards}</ul></section>"
        )
    (gallery / "index.html").write_text(
        _page("Lecture Videos", f"<h1>Lecture Videos</h1>{cards_html}"), encoding="utf-8"
    )
    return ids


def mirror_site(base_url: str, folder: str | Path, prefix: str) -> list[str]:
    """Save the pages under *prefix* reachable from *base_url* + *prefix* (links and
    caption files) as a static copy in *folder* (``/a/b/`` -> ``a/b/index.html``);
    returns the paths saved. Pages that fail (a 404 caption file) are left out."""
    import urllib.error
    import urllib.request
    from urllib.parse import urljoin, urlsplit

    from parsel import Selector

    root = Path(folder)
    todo, seen, saved = [prefix], {prefix}, []
    while todo:
        path = todo.pop(0)
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + path, timeout=10) as reply:
                body = reply.read()
                kind = reply.headers.get_content_type()
        except urllib.error.HTTPError:
            continue
        target = root / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        saved.append(path)
        if kind != "text/html":
            continue
        for href in Selector(text=body.decode("utf-8")).xpath("//a/@href").getall():
            link = urlsplit(urljoin(path, href)).path
            if link.startswith(prefix) and link not in seen:
                seen.add(link)
                todo.append(link)
    return saved


def redesign_copy(source: str | Path, target: str | Path, level: str, seed: int = 0) -> int:
    """Copy an OCW course site folder with every HTML page redesigned
    (:func:`eduscrape.demo.redesign.redesign_ocw_page`); other files unchanged.
    Returns the number of pages redesigned."""
    import shutil

    from eduscrape.demo.redesign import redesign_ocw_page

    src, dst, pages = Path(source), Path(target), 0
    for path in sorted(src.rglob("*")):
        out = dst / path.relative_to(src)
        if path.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".html":
            out.write_text(
                redesign_ocw_page(path.read_text("utf-8"), level, seed), encoding="utf-8"
            )
            pages += 1
        else:
            shutil.copyfile(path, out)
    return pages
