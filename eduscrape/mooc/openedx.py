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
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from parsel import Selector

from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.wrapper import Wrapper, evaluate, find_wrapper

__all__ = [
    "VideoBlock",
    "blocks_of",
    "course_key_from_url",
    "courseware_model",
    "empty_video_records",
    "parse_about",
    "parse_courseware",
    "render_units",
    "video_blocks_without_player",
]

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
    # Where the page it was read from broke ({field: why}) and that page, kept.
    broken: dict[str, str] = field(default_factory=dict)
    page_path: str | None = None

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


_PLAYER = "//*[@data-metadata or @data-streams or @data-sub]"
UNIT_MARK = "data-eduscrape-unit"  # on units rendered in place (their links are content)


_HOLDER = re.compile(r"""(<div\b[^>]*\bclass=["'][^"']*\bseq_contents\b[^>]*>)([^<]*)""", re.I)


def render_units(page: str) -> str | None:
    """*page* with its sequences' escaped units rendered in place, as markup.

    The LMS ships a sequence's units HTML-escaped inside ``.seq_contents``; the learning
    MFE renders them. Rendered, the page model reads every video block on one DOM. A
    unit cut off inside a player's attributes (truncated markup) loses that player to the
    HTML parser: it is rebuilt from the attributes a regex still reads. The rest of the
    page is left byte for byte (links keep their exact hrefs). None: nothing to render.
    """
    if "seq_contents" not in page:
        return None
    changed = False

    def render(match: re.Match[str]) -> str:
        nonlocal changed
        escaped = html.unescape(match[2])  # the holder's text, as the HTML parser reads it
        if "<" not in escaped and "&lt;" not in escaped:
            return match[0]
        raw = html.unescape(escaped) if "&lt;" in escaped else escaped
        try:
            parts = lxml.html.fragments_fromstring(raw)
        except (etree.ParserError, ValueError):
            return match[0]
        unit = etree.Element("div", {UNIT_MARK: "1"})
        for part in parts:
            if isinstance(part, str):
                unit.text = (unit.text or "") + part
            else:
                unit.append(part)
        if not unit.xpath(f".{_PLAYER}") and _VIDEO_DIV.search(raw):
            _rebuild_players(unit, raw)
        changed = True
        return match[1] + lxml.html.tostring(unit, encoding="unicode")

    out = _HOLDER.sub(render, page)
    return out if changed else None


def _rebuild_players(unit: Any, raw: str) -> None:
    """Players of truncated markup, as a video block each at the end of *unit* (where the
    markup was cut): the attributes, usage id and title a regex reads."""
    deepest = unit  # the innermost element still open where the markup stops
    while len(deepest) and len(deepest[-1]) and isinstance(deepest[-1].tag, str):
        deepest = deepest[-1]
    for block in _regex_blocks(raw):
        holder = etree.SubElement(
            deepest, "div", {"data-block-type": "video", "data-usage-id": block.usage_id}
        )
        attrs = {
            "data-streams": ",".join(f"1.00:{y}" for y in block.youtube_ids),
            "data-sub": block.sub,
            "data-sources": json.dumps(block.sources) if block.sources else "",
            "data-transcript-language": block.transcript_language,
            "data-transcript-languages": (
                json.dumps(block.transcript_languages) if block.transcript_languages else ""
            ),
            "data-transcript-translation-url": block.translation_url,
        }
        etree.SubElement(holder, "div", {k: v for k, v in attrs.items() if v or k == "data-sub"})


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


def _raw(record: dict[str, Any], name: str) -> str:
    """A field's raw attribute value (JSON keeps its whitespace), "" when absent."""
    found = record["results"].get(name) or []
    return str(found[0]) if found and isinstance(found[0], str) else ""


def blocks_of(result: Any) -> list[VideoBlock]:
    """The video blocks of an evaluated ``openedx-courseware`` page model, in page order
    (duplicates dropped): ``result`` is a
    :class:`~eduscrape.middlewares.wrappers.WrapperResult`."""
    blocks: list[VideoBlock] = []
    seen: set[str] = set()
    for index, record in enumerate(result.records_of("video")):
        if not _has_player(record):
            continue  # not a player (counted by empty_video_records)
        usage = _raw(record, "usage_id")
        if record["results"].get("metadata"):
            meta = _json(_raw(record, "metadata"), {})
            if not isinstance(meta, dict):
                continue
            block = VideoBlock(
                usage_id=usage,
                youtube_ids=_streams(str(meta.get("streams") or "")),
                sources=[s for s in meta.get("sources") or [] if isinstance(s, str)],
                transcript_languages=dict(meta.get("transcriptLanguages") or {}),
                transcript_language=str(meta.get("transcriptLanguage") or ""),
                translation_url=str(meta.get("transcriptTranslationUrl") or ""),
                sub=str(meta.get("sub") or ""),
            )
        else:
            names = ("streams", "sub", "sources", "transcript_language")
            attrs = {n.replace("_", "-"): _raw(record, n) for n in names}
            attrs["transcript-languages"] = _raw(record, "transcript_languages")
            attrs["transcript-translation-url"] = _raw(record, "translation_url")
            block = _old_style(attrs, usage)
        title = result.selector("title", "video", index)
        block.title = _text(title[0]) if title else ""
        _add(blocks, seen, block)
    return blocks


_PLAYER_FIELDS = ("metadata", "streams", "sub", "sources", "translation_url")


def _has_player(record: dict[str, Any]) -> bool:
    return any(record["results"].get(name) for name in _PLAYER_FIELDS)


def empty_video_records(result: Any) -> int:
    """Video records holding no player data (a record pattern repaired onto another
    element, or a player whose attributes were renamed): reported, never a video."""
    return sum(1 for record in result.records_of("video") if not _has_player(record))


def video_blocks_without_player(root: Any) -> int:
    """Video xblocks on a rendered page holding no player data (a redesign the page model
    missed, never an empty course): the spider reports them as broken."""
    return int(
        root.xpath(
            "count(//*[@data-block-type='video'][not(descendant-or-self::*"
            "[@data-metadata or @data-streams or @data-sub])])"
        )
    )


@lru_cache(maxsize=1)
def courseware_model() -> Wrapper:
    """The bundled ``openedx-courseware`` page model."""
    return Wrapper.load(find_wrapper("openedx-courseware"))


def parse_courseware(page: str) -> list[VideoBlock]:
    """Every video block of a courseware page, in page order (duplicates dropped): the
    page model's declared selectors on the rendered page (no repair: the spider's
    crawls repair, through the wrapper middleware)."""
    from eduscrape.middlewares.wrappers import WrapperResult

    rendered = render_units(page) or page
    evaluated = evaluate(courseware_model(), parse_html(rendered), {})
    return blocks_of(WrapperResult("openedx-courseware", evaluated.records, [], [], None))


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
