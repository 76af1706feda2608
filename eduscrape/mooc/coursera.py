"""Coursera on-demand API replies: video sources, subtitle URLs, course lists.

Coursera's API needs a logged-in session, so there is no spider; these parsers
let a spider (or a saved reply) feed the same video items: subtitle URLs are
fetched and parsed with :func:`eduscrape.mooc.subtitles.parse_srt`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

__all__ = ["course_slugs", "subtitle_urls", "video_sources"]

API_BASE = "https://api.coursera.org"


def subtitle_urls(
    reply: dict[str, Any], languages: Iterable[str] | str = ("en",), base: str = API_BASE
) -> dict[str, str]:
    """``{"en.srt": url, "en.txt": url, ...}`` for *languages* (``"all"`` for every one).

    The reply's ``subtitles`` (SRT) and ``subtitlesTxt`` maps are keyed by language;
    their URLs are relative to the API host.
    """
    srt = reply.get("subtitles") or {}
    txt = reply.get("subtitlesTxt") or {}
    wanted = list(srt) if languages == "all" else [lang for lang in languages if lang in srt]
    out: dict[str, str] = {}
    for lang in wanted:
        for ext, table in (("txt", txt), ("srt", srt)):
            if table.get(lang):
                out[f"{lang}.{ext}"] = urljoin(base, table[lang])
    return out


def video_sources(reply: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(resolution, mime type, url)`` of every video file, best resolution first."""
    out = []
    for source in reply.get("sources") or []:
        for mime, url in (source.get("formatSources") or {}).items():
            out.append((str(source.get("resolution", "")), mime, url))

    def height(item: tuple[str, str, str]) -> int:
        digits = "".join(ch for ch in item[0] if ch.isdigit())
        return int(digits) if digits else 0

    return sorted(out, key=height, reverse=True)


def course_slugs(reply: dict[str, Any]) -> list[str]:
    """Slugs of the courses in a ``memberships``/``courses.v1`` reply."""
    courses = (reply.get("linked") or {}).get("courses.v1") or reply.get("elements") or []
    return [c["slug"] for c in courses if isinstance(c, dict) and c.get("slug")]
