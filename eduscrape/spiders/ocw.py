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
from scrapy.http import Response

from eduscrape.arguments import Argument, url_list
from eduscrape.items import MoocCourseItem, MoocVideoItem
from eduscrape.mooc.ids import course_id, ocw_course_key, video_id
from eduscrape.mooc.records import course_records
from eduscrape.spiders._mooc import MoocSpider

_SALUTATION = re.compile(r"^(?:prof\.?|professor|dr\.?|mr\.?|ms\.?|mrs\.?)\s+", re.I)
_WS = re.compile(r"\s+")


def _text(sel: Any) -> str:
    return _WS.sub(" ", " ".join(sel.css("::text").getall()) if sel else "").strip()


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

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        for url in self.start_url:
            yield scrapy.Request(url, callback=self.parse_course, errback=self.failed_course)

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
        title = _text(response.css("h1.course-title"))
        if not title:
            home = response.css("a.site-logo::attr(href), .course-banner-title a::attr(href)").get()
            if home and response.urljoin(home) != response.url:
                yield response.follow(home, callback=self.parse_course)
                return
            self.crawler.stats.inc_value("mooc/courses/not_a_course_page")
            self.logger.warning("no course title on %s: not an OCW course page", response.url)
            return
        # The footer repeats the number: take the first one, in the course info.
        number = _text(response.css(".course-number")[:1]) or title
        term = _text(response.css(".course-term")[:1])
        instructors = [
            _SALUTATION.sub("", _text(a)) for a in response.css("a.course-info-instructor")
        ]
        topics = [_text(t) for t in response.css(".course-topics li")]
        department = _text(response.css(".course-department"))
        # MOOCCube's concept field: the sub-topic ("Humanities / Language / Chinese").
        parts = [p.strip() for p in topics[0].split("/")] if topics else []
        field = parts[1] if len(parts) > 1 else (parts[0] if parts else department or "General")
        course = MoocCourseItem(
            id=course_id(ocw_course_key(number, term or "na")),
            name=title,
            about=_text(response.css(".course-description .description"))
            or _text(response.css(".course-description")),
            teachers=[i for i in instructors if i],
            school=self.school,
            field=field,
            platform="ocw",
            url=response.url,
            meta={
                "number": number,
                "term": term,
                "level": _text(response.css(".course-level")),
                "department": department,
                "topics": topics,
            },
        )
        galleries = [
            href
            for href in response.css("a::attr(href)").getall()
            if "video_galleries/" in href or "video-gallery" in href
        ]
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
        order = 0
        videos: list[tuple[MoocVideoItem, str]] = []
        sections: list[Any] = response.css(".video-gallery-section") or [response]
        for s_index, section in enumerate(sections, 1):
            section_name = _text(section.css("h2"))
            for v_index, card in enumerate(section.css(".video-gallery-card"), 1):
                href = card.css("a::attr(href)").get()
                if not href:
                    continue
                order += 1
                key = card.attrib.get("data-youtube-id") or href.rstrip("/").split("/")[-2]
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
        video.name = _text(response.css("h1.video-title")) or video.name
        crumbs = [_text(a) for a in response.css(".breadcrumbs a")]
        if len(crumbs) > 1:
            video.section = crumbs[1:]  # without "Course Home"
        player = response.css("[data-youtube-id]")
        if player:
            attrs = player[0].attrib
            video.sources = [
                attrs[k] for k in ("data-video-src", "data-download-src") if attrs.get(k)
            ]
        video.language = response.css(".transcript-body::attr(lang)").get() or ""
        # Caption files first: they carry real end times; the inline transcript only has
        # start times. It is the fallback when the files are missing, broken or malformed.
        files = [
            (response.urljoin(href), hint)
            for hint, href in (
                (".srt", response.css("a.caption-srt::attr(href)").get()),
                (".vtt", response.css("a.caption-vtt::attr(href)").get()),
                (".vtt", player[0].attrib.get("data-captions-src") if player else None),
            )
            if href
        ]
        files = list(dict.fromkeys(files))
        body = response.css("#transcript .transcript-body").get() or ""
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
