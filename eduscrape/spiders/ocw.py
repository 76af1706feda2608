"""``ocw``: an OpenCourseWare-style course site into MOOCCube records.

    scrapy crawl ocw -a start_url=https://ocw.example.edu/courses/21g-107/[,URL...] [-a school=...]

Course page (title, description, instructors, number, term, department,
topics), the lecture video gallery in course order, every video page, and its
transcript: the ``.srt`` then ``.vtt`` caption file (they have end times), else
the inline ``<span m='ms'>`` transcript. Emits course, video, teacher, school and
relation items; :class:`~eduscrape.middlewares.mooc.ConceptsMiddleware` adds concepts.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response

from eduscrape.arguments import Argument, url_list
from eduscrape.items import MoocCourseItem, MoocVideoItem
from eduscrape.middlewares.wrappers import WrapperResult
from eduscrape.mooc.ids import course_id, ocw_course_key, video_id
from eduscrape.mooc.records import course_records
from eduscrape.spiders._broken import record_broken_page
from eduscrape.spiders._mooc import MoocSpider

_SALUTATION = re.compile(r"^(?:prof\.?|professor|dr\.?|mr\.?|ms\.?|mrs\.?)\s+", re.I)
_WS = re.compile(r"\s+")
# A YouTube id in an attribute, a thumbnail (.../vi/ID/...), an embed (/embed/ID) or a
# watch URL (?v=ID).
_YOUTUBE_ID = re.compile(r"(?:^|/vi/|/embed/|[?&]v=)([A-Za-z0-9_-]{11})(?:$|[/?&#])")


def _text(sel: Any) -> str:
    return _WS.sub(" ", " ".join(sel.css("::text").getall()) if sel else "").strip()


def _title(sel: SelectorList) -> str:
    """A title field's text; from the ``<title>`` or an ``og:title`` fallback, the part
    before " | " ("Video | Course | MIT OpenCourseWare")."""
    if not sel:
        return ""
    root = sel[0].root
    if isinstance(root, str) or root.tag == "title":
        whole = root if isinstance(root, str) else sel[0].xpath("string()").get() or ""
        return _WS.sub(" ", whole).split(" | ")[0].strip()
    return _text(sel)


def _records(result: WrapperResult, pattern: str) -> list[Selector]:
    """The record nodes of *pattern*, as selectors."""
    return [_node(r["node"]) for r in result.records_of(pattern)]


def _caption(links: list[Selector], kind: str) -> str | None:
    """The caption file link of *kind* (srt, vtt): by its class, else by its file type."""
    hrefs = [(a.attrib.get("class") or "", a.attrib.get("href") or "") for a in links]
    for cls, href in hrefs:
        if f"caption-{kind}" in cls.split():
            return href
    suffix = re.compile(rf"\.{kind}(?:$|[?#])")
    return next((href for _, href in hrefs if suffix.search(href)), None)


def _youtube_id(value: str | None) -> str | None:
    match = _YOUTUBE_ID.search(value or "")
    return match[1] if match else None


class OcwSpider(MoocSpider):
    name = "ocw"

    arguments = (
        Argument("start_url", "course home page(s)", type=url_list, required=True),
        Argument(
            "school",
            "the school teaching the courses",
            default="Massachusetts Institute of Technology",
        ),
        Argument("school_key", "the school's short key in entity ids", default="MIT"),
    )
    start_url: list[str]
    school: str
    school_key: str
    # Selectors live in eduscrape/wrappers/ocw-*.yaml (checked and repaired per page).
    page_models = {"course": "ocw-course", "gallery": "ocw-video-gallery", "video": "ocw-video"}

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        for url in self.start_url:
            yield scrapy.Request(
                url, callback=self.parse_course, errback=self.failed_course, meta=_COURSE
            )

    def failed_course(self, failure: Any) -> None:
        self.crawler.stats.inc_value("mooc/courses/page_failed")
        self.logger.error("course page failed: %s (%s)", failure.request.url, failure.value)

    def parse(self, response: Response) -> Iterator[Any]:
        """``scrapy parse --spider=ocw URL``: URL is a course home page."""
        return self.parse_course(response)

    def parse_course(self, response: Response) -> Iterator[Any]:
        """A course home page: the course, then its video gallery.

        @demo /mooc/ocw/8-01-physics/
        @returns items 0 0
        @returns requests 1 1
        """
        result = self.page(response, "course")
        title = _title(result.selector("title"))
        if not title:
            home = result.selector(None, "home").attrib.get("href")
            if home and response.urljoin(home) != response.url:
                yield response.follow(home, callback=self.parse_course, meta=_COURSE)
                return
            self.crawler.stats.inc_value("mooc/courses/not_a_course_page")
            self.logger.warning("no course title on %s: not an OCW course page", response.url)
            record_broken_page(self.crawler, response, result.broken_fields())
            return
        broken = result.broken_fields()
        page_path = record_broken_page(self.crawler, response, broken) or result.page_path
        number = _text(result.selector("number")[:1]) or title
        term = _text(result.selector("term")[:1])
        instructors = [_SALUTATION.sub("", _text(a)) for a in _records(result, "instructor")]
        topics = [_text(t) for t in _records(result, "topic")]
        department = _text(result.selector("department"))
        # MOOCCube's concept field: the sub-topic ("Humanities / Language / Chinese").
        parts = [p.strip() for p in topics[0].split("/")] if topics else []
        field = parts[1] if len(parts) > 1 else (parts[0] if parts else department or "General")
        course = MoocCourseItem(
            id=course_id(ocw_course_key(number, term or "na")),
            name=title,
            about=_text(result.selector("description")),
            teachers=[i for i in instructors if i],
            school=self.school,
            field=field,
            platform="ocw",
            url=response.url,
            meta={
                "number": number,
                "term": term,
                "level": _text(result.selector("level")),
                "department": department,
                "topics": topics,
            },
            broken={f"course.{k}": why for k, why in broken.items()},
            page_path=page_path,
        )
        galleries = [a.attrib["href"] for a in _records(result, "gallery")]
        if not galleries:
            self.crawler.stats.inc_value("mooc/courses/empty")
            self.logger.warning("course %s has no video gallery", course.id)
            yield from course_records(course, school_key=self.school_key)
            return
        yield response.follow(
            galleries[0],
            callback=self.parse_gallery,
            errback=self.failed_gallery,
            cb_kwargs={"course": course},
            meta=_GALLERY,
        )

    def failed_gallery(self, failure: Any) -> Iterator[Any]:
        """The video gallery failed: the course is still stored, without videos."""
        course: MoocCourseItem = failure.request.cb_kwargs["course"]
        self.crawler.stats.inc_value("mooc/courses/gallery_failed")
        course.meta["error"] = f"video gallery: {failure.getErrorMessage()}"[:300]
        yield from course_records(course, school_key=self.school_key)

    def parse_gallery(self, response: Response, course: MoocCourseItem) -> Iterator[Any]:
        """The video gallery: the course's records, a request per video page.

        @demo /mooc/ocw/8-01-physics/video_galleries/lecture-videos/
        @course {"field": "Physics", "teachers": ["Ada Whitfield"], "school": "MIT"}
        @returns items 3
        @returns requests 2
        """
        result = self.page(response, "gallery")
        broken = result.broken_fields()
        page_path = record_broken_page(self.crawler, response, broken)
        if broken:
            course.broken.update({f"gallery.{k}": why for k, why in broken.items()})
            course.page_path = course.page_path or page_path or result.page_path
        order = 0
        videos: list[tuple[MoocVideoItem, str]] = []
        for s_index, (section_name, cards) in enumerate(_sections(result), 1):
            for v_index, card in enumerate(cards, 1):
                href = card.css("a::attr(href)").get()
                if not href:
                    continue
                order += 1
                key = (
                    card.attrib.get("data-youtube-id")
                    or _youtube_id(card.css("img::attr(src)").get())
                    or href.rstrip("/").split("/")[-2]
                )
                video = MoocVideoItem(
                    id=video_id(key),
                    name=_text(card.css(".video-title")) or _text(card.css("a")),
                    course_id=course.id,
                    order=order,
                    chapter=f"{s_index}.{v_index}",
                    section=[section_name] if section_name else [],
                    field=course.field,
                    url=response.urljoin(href),
                )
                videos.append((video, href))
        course.video_order = [v.id for v, _ in videos]
        course.video_name = [v.name for v, _ in videos]
        course.chapter = [v.chapter for v, _ in videos]
        if not videos:
            self.crawler.stats.inc_value("mooc/courses/empty")
        self.crawler.stats.inc_value("mooc/courses")
        yield from course_records(course, school_key=self.school_key)
        for video, href in videos:
            yield response.follow(
                href,
                callback=self.parse_video,
                errback=self.failed_video,
                cb_kwargs={"video": video},
                meta=_VIDEO,
            )

    def failed_video(self, failure: Any) -> Any:
        video: MoocVideoItem = failure.request.cb_kwargs["video"]
        self.crawler.stats.inc_value("mooc/videos/page_failed")
        video.transcript_error = f"video page failed: {failure.getErrorMessage()}"
        return self.finish_video(video)

    def parse_video(self, response: Response, video: MoocVideoItem) -> Iterator[Any]:
        """A video page: sources, then its transcript (caption files first).

        @demo /mooc/ocw/8-01-physics/resources/lecture-1-kinematics/
        @video {}
        @returns items 0 0
        @returns requests 1 1
        """
        result = self.page(response, "video")
        video.broken = result.broken_fields()
        video.page_path = record_broken_page(self.crawler, response, video.broken) or (
            result.page_path if video.broken else None
        )
        video.name = _title(result.selector("title")) or video.name
        crumbs = [_text(a) for a in _records(result, "crumb")]
        if len(crumbs) > 1:
            video.section = crumbs[1:]  # without "Course Home"
        player = result.selector(None, "player")
        attrs = dict(player[0].root.attrib) if player else {}
        if player:
            # Newer designs: a YouTube embed and a download link instead of data-* attributes.
            embed = _youtube_id(attrs.get("src"))
            watch = f"https://www.youtube.com/watch?v={embed}" if embed else None
            download = attrs.get("data-download-src") or result.selector(
                None, "download"
            ).attrib.get("href")
            video.sources = [s for s in (attrs.get("data-video-src") or watch, download) if s]
        transcript = result.selector(None, "transcript")
        lang = transcript.xpath("ancestor-or-self::*[@lang][1]/@lang").get()
        video.language = (lang or "") if transcript else ""
        # Caption files first: they carry real end times; the inline transcript only has
        # start times. It is the fallback when the files are missing, broken or malformed.
        links = _records(result, "link")
        files = [
            (response.urljoin(href), hint)
            for hint, href in (
                (".srt", _caption(links, "srt")),
                (".vtt", _caption(links, "vtt")),
                (".vtt", attrs.get("data-captions-src")),
            )
            if href
        ]
        files = list(dict.fromkeys(files))
        body = transcript.get() or ""
        has_inline = bool(body and "m=" in body)
        if not files:
            if has_inline and self.parse_transcript(body, "inline.html", video):
                video.transcript_url = response.url
            yield self.finish_video(video)
            return
        if has_inline:
            files.append((response.url, "inline.html"))  # the page again, only on failure
        (url, hint), rest = files[0], files[1:]
        yield self.transcript_request(url, hint, video, rest)


# Page models named on requests (see OcwSpider.page_models).
_COURSE = {"wrapper": "course"}
_GALLERY = {"wrapper": "gallery"}
_VIDEO = {"wrapper": "video"}


def _node(node: Any) -> Selector:
    return Selector(root=str(node) if isinstance(node, str) else node, type="html")


def _sections(result: WrapperResult) -> list[tuple[str, list[Selector]]]:
    """The gallery's sections in page order (name: their ``<h2>``), each with its video
    cards; cards outside every section (or a page without sections) form a last,
    unnamed one."""
    cards = result.records_of("video")
    out: list[tuple[str, list[Selector]]] = []
    placed: set[int] = set()
    for section in result.records_of("section"):
        holder = section["node"]
        inside = [c for c in cards if any(a is holder for a in c["node"].iterancestors())]
        placed.update(id(c) for c in inside)
        out.append((_text(_node(holder).css("h2")), [_node(c["node"]) for c in inside]))
    rest = [_node(c["node"]) for c in cards if id(c) not in placed]
    if rest:
        out.append(("", rest))
    return out
