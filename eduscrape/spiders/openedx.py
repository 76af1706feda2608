"""``openedx``: an Open edX course (edX, XuetangX's LMS) into MOOCCube records.

    scrapy crawl openedx -a start_url=https://lms.example.org/courses/course-v1:X+Y+Z/about[,URL...]
        [-a courseware_url=...] [-a blocks_api=true] [-a language=en] [-a school=...]

The about page gives name, description, staff and organization; the courseware
page and every sequence it links (``/courseware/<chapter>/<sequence>/``), in
page order, give the video blocks (``data-metadata`` JSON or the older
``data-*`` attributes); with ``-a blocks_api=true`` the LMS's Course Blocks API
gives them instead (:mod:`eduscrape.mooc.openedx_blocks`). Each video's
transcript is fetched from its translation handler as edX ``{start, end, text}``
JSON (milliseconds). JSON replies that drifted from their declared shape
(:mod:`eduscrape.mooc.schema`) flag the items they feed (``broken``).

Courseware and sequence pages are read through the ``openedx-courseware`` page model
(``eduscrape/wrappers/openedx-courseware.yaml``), checked and repaired by the wrapper
middleware on the page with its units rendered in place
(:mod:`eduscrape.middlewares.openedx_units`). A page whose model broke, or whose video
xblocks hold no player data the model reads, is a broken page (WARNING, stats, kept):
its items carry ``broken`` and ``page_path``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from eduscrape.arguments import Argument, boolean, url_list
from eduscrape.items import MoocCourseItem, MoocVideoItem
from eduscrape.middlewares.openedx_units import rendered
from eduscrape.middlewares.wrappers import WrapperResult
from eduscrape.mooc.ids import course_id, video_id
from eduscrape.mooc.openedx import (
    VideoBlock,
    blocks_of,
    course_key_from_url,
    empty_video_records,
    parse_about,
    video_blocks_without_player,
)
from eduscrape.mooc.openedx_blocks import blocks_url, video_blocks
from eduscrape.mooc.records import course_records
from eduscrape.mooc.schema import EDX_BLOCKS, within
from eduscrape.spiders._broken import record_broken_page
from eduscrape.spiders._mooc import MoocSpider

_PAGE = {"wrapper": "courseware", "render_units": True}  # request meta of courseware pages


class OpenEdxSpider(MoocSpider):
    name = "openedx"
    custom_settings: dict[str, Any] = {
        **MoocSpider.custom_settings,
        "DOWNLOADER_MIDDLEWARES": {
            "eduscrape.middlewares.retry_after.RetryAfterMiddleware": 560,
            # Before the wrapper middleware (50) reads the page: units rendered in place.
            "eduscrape.middlewares.openedx_units.RenderUnitsMiddleware": 55,
        },
    }
    page_models = {"courseware": "openedx-courseware"}

    arguments = (
        Argument("start_url", "course about page(s)", type=url_list, required=True),
        Argument(
            "courseware_url",
            "the courseware page when it is not the about page's courseware link",
        ),
        Argument(
            "blocks_api",
            "read the videos from the LMS's Course Blocks API instead of the courseware pages",
            type=boolean,
            default=False,
        ),
        Argument("language", "transcript language wanted (empty: the course's own)", default=""),
        Argument("school", "the school (empty: from the course key)", default=""),
        Argument("field", "the courses' field (MOOCCube's concept field)", default="General"),
    )
    start_url: list[str]
    courseware_url: str | None
    blocks_api: bool
    language: str
    school: str
    field: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per-course crawl state: sequences still to parse, blocks found so far.
        self.pending: dict[str, int] = {}
        self.blocks: dict[str, dict[int, list[VideoBlock]]] = {}

    async def start(self) -> AsyncIterator[Any]:
        self.check_arguments()
        for url in self.start_url:
            yield scrapy.Request(url, callback=self.parse_about, errback=self.failed_about)

    def failed_about(self, failure: Any) -> None:
        self.crawler.stats.inc_value("mooc/openedx/about_failed")
        self.logger.error("course about page failed: %s (%s)", failure.request.url, failure.value)

    def parse(self, response: Response) -> Iterator[Any]:
        """``scrapy parse --spider=openedx URL``: URL is a course about page."""
        return self.parse_about(response)

    def parse_about(self, response: Response) -> Iterator[Any]:
        """A course about page: the courseware request.

        @demo /mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about
        @returns items 0 0
        @returns requests 1 1
        """
        key = course_key_from_url(response.url) or response.url.rstrip("/").rsplit("/", 1)[-1]
        info = parse_about(response.text)
        org = info["school"] or self.school or (key.split(":")[-1].split("+")[0] if key else "")
        course = MoocCourseItem(
            id=course_id(key),
            name=info["name"] or key,
            about=info["about"],
            teachers=info["teachers"],
            school=org or None,
            field=self.field,
            platform="openedx",
            url=response.url,
            meta={"course_key": key},
        )
        if self.blocks_api:
            yield scrapy.Request(
                blocks_url(response.url, key),
                callback=self.parse_blocks,
                errback=self.failed_courseware,
                headers={"Accept": "application/json"},
                cb_kwargs={"course": course},
            )
            return
        courseware = (
            self.courseware_url
            or response.css("a[href*='/courseware']::attr(href)").get()
            or urljoin(response.url, "../courseware/")
        )
        yield response.follow(
            courseware,
            callback=self.parse_courseware,
            errback=self.failed_courseware,
            cb_kwargs={"course": course},
            meta=_PAGE,
        )

    def parse_blocks(self, response: Response, course: MoocCourseItem) -> Iterator[Any]:
        """The Course Blocks API reply: the course's video blocks, then as _course_done.

        A reply that drifted from :data:`~eduscrape.mooc.schema.EDX_BLOCKS` flags the
        course (every problem) and each video (its block's problems).

        @demo /mooc/edx/api/courses/v1/blocks/?course_id=course-v1:Demo%2BPHY101x%2B2026_T1
        @course {"url": "http://demo.invalid/mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about"}
        @returns items 1
        @returns requests 4 4
        """
        reply, broken, page_path = self.check_json(response, EDX_BLOCKS)
        self.flag(course, broken, page_path)
        blocks = video_blocks(reply)
        for block in blocks:
            block.broken = within(broken, f"blocks[{block.usage_id}]")
            block.page_path = page_path
        self.blocks[course.id] = {0: list(blocks)}
        yield from self._course_done(course)

    def failed_courseware(self, failure: Any) -> Iterator[Any]:
        """No courseware (enrolment needed, removed): the course is kept, without videos."""
        course: MoocCourseItem = failure.request.cb_kwargs["course"]
        self.crawler.stats.inc_value("mooc/openedx/courseware_failed")
        course.meta["error"] = f"courseware: {failure.getErrorMessage()}"[:300]
        self.blocks[course.id] = {}
        yield from self._course_done(course)

    def parse_courseware(self, response: Response, course: MoocCourseItem) -> Iterator[Any]:
        """The courseware page: a request per sequence.

        @demo /mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/courseware/
        @course {"url": "http://demo.invalid/mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about"}
        @returns items 0 0
        @returns requests 2 2
        """
        response = rendered(response)  # done by RenderUnitsMiddleware in a crawl
        result = self.page(response, "courseware")
        # Sequence links: /courseware/<chapter>/<sequence>/ (chapter-only links are skipped).
        sequences = [
            response.urljoin(h)
            for h in result.selector("sequences").getall()
            if len(h.split("/courseware/", 1)[1].strip("/").split("/")) >= 2
        ]
        sequences = [u for u in dict.fromkeys(sequences) if u != response.url]
        self.blocks[course.id] = {0: self._blocks(response, result, course)}
        self.pending[course.id] = len(sequences)
        if not sequences:
            yield from self._course_done(course)
            return
        for index, url in enumerate(sequences, 1):
            yield scrapy.Request(
                url,
                callback=self.parse_sequence,
                errback=self.failed_sequence,
                cb_kwargs={"course": course, "index": index},
                meta=_PAGE,
            )

    def parse_sequence(
        self, response: Response, course: MoocCourseItem, index: int
    ) -> Iterator[Any]:
        """A sequence page; the last one of a course yields its records and transcripts.

        @demo /mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/courseware/week1/waves/
        @cb_kwargs {"index": 1}
        @course {"id": "C_sequence", "url": "http://demo.invalid/mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about"}
        @returns items 1
        @returns requests 1
        """
        # A sequence on its own (scrapy parse, scrapy check) is a course of one sequence.
        self.pending.setdefault(course.id, 1)
        response = rendered(response)  # done by RenderUnitsMiddleware in a crawl
        blocks = self._blocks(response, self.page(response, "courseware"), course)
        self.blocks.setdefault(course.id, {})[index] = blocks
        yield from self._sequence_done(course)

    def _blocks(
        self, response: Response, result: WrapperResult, course: MoocCourseItem
    ) -> list[VideoBlock]:
        """The page's video blocks; a broken page is recorded (WARNING, stats, kept) and
        flags the course and the videos it gives."""
        blocks = blocks_of(result)
        broken = result.broken_fields()
        # Video xblocks whose player the model did not read: a redesign, not an empty unit.
        missing = (
            video_blocks_without_player(response.selector.root)
            if isinstance(response, TextResponse)
            else 0
        )
        empty = empty_video_records(result)
        if missing or empty:
            broken["video"] = f"{max(missing, empty)} video block(s) without player data"
        page_path = record_broken_page(self.crawler, response, broken)
        if broken:
            self.flag(course, broken, page_path)
            for block in blocks:
                block.broken, block.page_path = dict(broken), page_path
        return blocks

    def failed_sequence(self, failure: Any) -> Iterator[Any]:
        self.crawler.stats.inc_value("mooc/openedx/sequence_failed")
        self.logger.warning("sequence page failed: %s", failure.request.url)
        kwargs = failure.request.cb_kwargs
        yield from self._sequence_done(kwargs["course"])

    def _sequence_done(self, course: MoocCourseItem) -> Iterator[Any]:
        self.pending[course.id] -= 1
        if self.pending[course.id] == 0:
            yield from self._course_done(course)

    def _course_done(self, course: MoocCourseItem) -> Iterator[Any]:
        """All pages of the course are in: videos in page order, then their transcripts."""
        by_page = self.blocks.pop(course.id, {})
        ordered: list[VideoBlock] = []
        seen: set[str] = set()
        for index in sorted(by_page):
            for block in by_page[index]:
                if block.key not in seen:
                    seen.add(block.key)
                    ordered.append(block)
        videos = [
            MoocVideoItem(
                id=video_id(block.key),
                name=block.title or f"Video {order}",
                course_id=course.id,
                order=order,
                chapter=str(order),
                field=course.field,
                sources=block.sources
                + [f"https://www.youtube.com/watch?v={y}" for y in block.youtube_ids[:1]],
                language=self.language or block.transcript_language,
                url=course.url,
            )
            for order, block in enumerate(ordered, 1)
        ]
        for block, video in zip(ordered, videos, strict=True):
            # Drift in its part of the blocks API reply, or read from a broken page.
            self.flag(video, block.broken, block.page_path)
        course.video_order = [v.id for v in videos]
        course.video_name = [v.name for v in videos]
        course.chapter = [v.chapter for v in videos]
        self.crawler.stats.inc_value("mooc/courses")
        if not videos:
            self.crawler.stats.inc_value("mooc/courses/empty")
            self.logger.warning("course %s has no video blocks", course.id)
        yield from course_records(course)
        base = course.url or self.start_url[0]
        for block, video in zip(ordered, videos, strict=True):
            url = block.transcript_url(base, self.language or None)
            if not url:
                yield self.finish_video(video)
                continue
            yield self.transcript_request(url, "edx.json", video)
