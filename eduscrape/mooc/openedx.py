"""Open edX pages: video blocks of courseware pages, course about pages.

Open edX (edX, XuetangX's old LMS) renders each video as an xblock whose
settings are either one ``data-metadata`` JSON attribute (newer releases) or
``data-streams``/``data-sub``/``data-transcript-*`` attributes (older ones).
A sequence's units are often HTML-escaped inside ``.seq_contents`` divs, so
those are unescaped and parsed too.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

__all__ = ["VideoBlock", "course_key_from_url", "parse_about", "parse_courseware"]

_COURSE_KEY = re.compile(r"/courses/((?:course-v1:[^/]+)|(?:[^/]+/[^/]+/[^/]+))")
_WS = re.compile(r"\s+")


@dataclass
class VideoBlock:
    """An Open edX video block: id, title, video sources and transcript URLs."""

    usage_id: str
    title: str = ""
    youtube_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    transcript_languages: dict[str, str] = field(default_factory=dict)
    transcript_language: str = ""
    # Translation handler URL; ``__lang__`` (new) or a ``/<lang>`` suffix (old) selects a language.
    translation_url: str = ""
    sub: str = ""

    def transcript_url(self, base_url: str, language: str | None = None) -> str | None:
        """Absolute URL of the transcript JSON in *language* (default: the block's)."""
        if not self.translation_url:
            return None
        lang = language or self.transcript_language or next(iter(self.transcript_languages), "en")
        url = self.translation_url
        url = url.replace("__lang__", lang) if "__lang__" in url else f"{url.rstrip('/')}/{lang}"
        return urljoin(base_url, url)

    @property
    def key(self) -> str:
        """A stable video key: the usage id's last part, else the YouTube id or sub."""
        tail = re.split(r";_|[@/]", self.usage_id)[-1] if self.usage_id else ""
        return tail or (self.youtube_ids[0] if self.youtube_ids else self.sub) or "video"


def course_key_from_url(url: str) -> str | None:
    """``course-v1:MITx+24.118x+2T2015`` or ``BerkeleyX/CS184.1x/2012_Fall`` from a URL/path."""
    match = _COURSE_KEY.search(url)
    return match[1] if match else None


def _text(sel: Any) -> str:
    return _WS.sub(" ", " ".join(sel.css("::text").getall())).strip()


def _fragments(page: str) -> list[tuple[Selector, str]]:
    """The page and the unescaped units of its sequences, parsed and raw."""
    root = Selector(text=page)
    out = [(root, page)]
    for escaped in root.css(".seq_contents::text").getall():
        if "<" in escaped or "&lt;" in escaped:
            raw = html.unescape(escaped) if "&lt;" in escaped else escaped
            out.append((Selector(text=raw), raw))
    return out


def _streams(value: str) -> list[str]:
    # "1.00:b7xgknqkQk8,0.75:..." -> YouTube ids
    return [part.split(":", 1)[1] for part in value.split(",") if ":" in part and part[-1:] != ":"]


def _json(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _title(node: Selector) -> str:
    for xpath in (
        "ancestor::div[contains(@class,'xblock-student_view-video')][1]//h2[1]",
        "preceding::h2[1]",
        "ancestor::div[contains(@class,'vert')][1]//h2[1]",
    ):
        found = node.xpath(xpath)
        if found and _text(found[0]):
            return _text(found[0])
    return ""


def _usage(node: Selector) -> str:
    usage = node.xpath("ancestor::div[@data-usage-id][1]/@data-usage-id").get()
    return usage or node.attrib.get("id", "") or node.attrib.get("data-id", "")


def parse_courseware(page: str) -> list[VideoBlock]:
    """Every video block of a courseware page, in page order (duplicates dropped)."""
    blocks: list[VideoBlock] = []
    seen: set[str] = set()
    for frag, raw in _fragments(page):
        for node in frag.xpath("//*[@data-metadata or @data-streams or @data-sub]"):
            attrs = node.attrib
            if "data-metadata" in attrs:
                meta = _json(attrs["data-metadata"], {})
                if not isinstance(meta, dict):
                    continue
                block = VideoBlock(
                    usage_id=_usage(node),
                    youtube_ids=_streams(str(meta.get("streams") or "")),
                    sources=[s for s in meta.get("sources") or [] if isinstance(s, str)],
                    transcript_languages=dict(meta.get("transcriptLanguages") or {}),
                    transcript_language=str(meta.get("transcriptLanguage") or ""),
                    translation_url=str(meta.get("transcriptTranslationUrl") or ""),
                    sub=str(meta.get("sub") or ""),
                )
            else:
                block = _old_style(
                    {k.removeprefix("data-"): v for k, v in attrs.items()}, _usage(node)
                )
            block.title = _title(node)
            _add(blocks, seen, block)
        if not frag.xpath("//*[@data-metadata or @data-streams or @data-sub]"):
            # Truncated markup (a cut-off attribute) is dropped by the HTML parser:
            # read the attributes of the video div with a regex instead.
            for block in _regex_blocks(raw):
                _add(blocks, seen, block)
    return blocks


def _add(blocks: list[VideoBlock], seen: set[str], block: VideoBlock) -> None:
    ident = block.usage_id or block.sub or ",".join(block.sources)
    if ident not in seen:
        seen.add(ident)
        blocks.append(block)


_ATTR = re.compile(r"""data-([a-z-]+)=(?:"([^"]*)"|'([^']*)')""")
_VIDEO_DIV = re.compile(r"""<div[^>]*?\bdata-sub=""", re.S)


def _regex_blocks(markup: str) -> list[VideoBlock]:
    out = []
    for match in _VIDEO_DIV.finditer(markup):
        start = markup.rfind("<div", 0, match.end())
        chunk = markup[
            start : markup.find(">", match.end()) if ">" in markup[match.end() :] else None
        ]
        attrs = {m[1]: html.unescape(m[2] or m[3] or "") for m in _ATTR.finditer(chunk)}
        title = re.findall(r"<h2[^>]*>([^<]+)</h2>", markup[:start])
        block = _old_style(
            attrs, attrs.get("usage-id", "") or re.sub(r"^video_", "", _id_of(chunk))
        )
        block.title = title[-1].strip() if title else ""
        out.append(block)
    return out


def _old_style(attrs: dict[str, str], usage_id: str) -> VideoBlock:
    """A block from the older ``data-*`` attributes (names without ``data-``)."""
    return VideoBlock(
        usage_id=usage_id,
        youtube_ids=_streams(attrs.get("streams", "")),
        sources=[x for x in _json(attrs.get("sources"), []) if isinstance(x, str)],
        transcript_languages=dict(_json(attrs.get("transcript-languages"), {})),
        transcript_language=attrs.get("transcript-language", ""),
        translation_url=attrs.get("transcript-translation-url", ""),
        sub=attrs.get("sub", ""),
    )


def _id_of(chunk: str) -> str:
    match = re.search(r"""\bid=["']([^"']+)""", chunk)
    return match[1] if match else ""


def parse_about(page: str) -> dict[str, Any]:
    """Course about page: name, about text, teachers (names), school (organization)."""
    sel = Selector(text=page)
    name = (
        _text(sel.css(".course-title, h1.course-title, .course-info h1")[:1])
        or (sel.css("meta[property='og:title']::attr(content)").get() or "").strip()
        or _text(sel.css("h1")[:1])
    )
    about = _text(sel.css(".course-about, section.about, .course-description, #course-about")[:1])
    teachers = [
        _text(t)
        for t in sel.css(".course-staff .staff-name, .instructor-name, .teacher .name, h3.name")
        if _text(t)
    ]
    school = _text(sel.css(".course-org, .org, .school-name")[:1])
    return {
        "name": name,
        "about": about,
        "teachers": list(dict.fromkeys(teachers)),
        "school": school,
    }
