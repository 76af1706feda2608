"""Open edX Course Blocks API: a course's video blocks without rendering its pages.

``GET {lms}/api/courses/v1/blocks/?course_id=KEY&depth=all&requested_fields=children,
display_name,student_view_data&student_view_data=video`` answers ``{"root": id,
"blocks": {id: {"id", "type", "display_name", "children", "student_view_data"}}}``;
a video's ``student_view_data`` holds its ``encoded_videos`` (``youtube``,
``fallback``... each with a ``url``) and ``transcripts`` (language to URL). The
course order is the depth-first walk of ``children`` from the root (the map
itself is unordered). The reply's shape is declared in
:data:`eduscrape.mooc.schema.EDX_BLOCKS`; parts that do not have it are skipped
here (the spider reports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from eduscrape.mooc.openedx import VideoBlock

__all__ = ["ApiVideoBlock", "blocks_url", "video_blocks"]

FIELDS = "children,display_name,student_view_data"


@dataclass
class ApiVideoBlock(VideoBlock):
    """A video block of the blocks API: transcripts are URLs by language."""

    transcript_urls: dict[str, str] = field(default_factory=dict)
    # (``broken``/``page_path``, from VideoBlock: where its part of the reply drifted.)

    def transcript_url(self, base_url: str, language: str | None = None) -> str | None:
        lang = language or self.transcript_language or next(iter(self.transcript_urls), "")
        url = self.transcript_urls.get(lang)
        return urljoin(base_url, url) if url else None


def blocks_url(about_url: str, course_key: str) -> str:
    """The blocks API URL of a course, on the LMS serving its about page."""
    path = urlsplit(about_url).path
    # The LMS root is what comes before /courses/ (a site may live under a prefix).
    root = path.split("/courses/", 1)[0] if "/courses/" in path else ""
    query = urlencode(
        {
            "course_id": course_key,
            "depth": "all",
            "requested_fields": FIELDS,
            "student_view_data": "video",
        }
    )
    return urljoin(about_url, f"{root}/api/courses/v1/blocks/?{query}")


def _youtube_id(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith("youtu.be"):
        return parts.path.strip("/") or None
    ids = parse_qs(parts.query).get("v")
    return ids[0] if ids else None


def _video(block: dict[str, Any]) -> ApiVideoBlock:
    data = block.get("student_view_data")
    data = data if isinstance(data, dict) else {}
    encoded = data.get("encoded_videos")
    encoded = encoded if isinstance(encoded, dict) else {}
    urls = {
        kind: v["url"]
        for kind, v in encoded.items()
        if isinstance(v, dict) and isinstance(v.get("url"), str)
    }
    youtube = _youtube_id(urls.pop("youtube")) if "youtube" in urls else None
    transcripts = data.get("transcripts")
    transcripts = {
        str(lang): url
        for lang, url in (transcripts.items() if isinstance(transcripts, dict) else ())
        if isinstance(url, str)
    }
    name = block.get("display_name")
    return ApiVideoBlock(
        usage_id=str(block.get("id", "")),
        title=name.strip() if isinstance(name, str) else "",
        youtube_ids=[youtube] if youtube else [],
        sources=list(dict.fromkeys(urls.values())),
        transcript_languages={lang: lang for lang in transcripts},
        transcript_language="en" if "en" in transcripts else next(iter(transcripts), ""),
        transcript_urls=transcripts,
    )


def video_blocks(reply: Any) -> list[ApiVideoBlock]:
    """The video blocks of a blocks API reply, in course order (each once)."""
    if not isinstance(reply, dict) or not isinstance(reply.get("blocks"), dict):
        return []
    blocks: dict[str, Any] = reply["blocks"]
    out: list[ApiVideoBlock] = []
    seen: set[str] = set()
    stack = [reply.get("root")]
    while stack:
        key = stack.pop()
        block = blocks.get(key) if isinstance(key, str) else None
        if not isinstance(key, str) or not isinstance(block, dict) or key in seen:
            continue
        seen.add(key)
        if block.get("type") == "video":
            out.append(_video(block))
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))
    return out
