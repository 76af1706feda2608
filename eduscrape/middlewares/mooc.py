"""Spider middlewares of the MOOC spiders: concepts, and each entity once.

:class:`ConceptsMiddleware` fills the ``concepts`` of every video with subtitles
(at most ``MOOC_CONCEPTS_TOP``, best first) and adds the concept entities and
video-concept relations after it. Concepts are ranked with the course as context
(:class:`~eduscrape.mooc.concepts.CourseContext`: the course's titles and every
transcript of the course, in course order), so each course's videos with subtitles
are held until every video of its ``video_order`` has been scraped; then, off the
reactor thread, the context is built once and each held video ranked with it. The
videos go out in course order, then the course once with its aggregated
``concepts``, the course-concept relations and, with ``MOOC_PREREQUISITES``, scored
prerequisite candidates (RefD). A course without videos goes out at once; videos
without subtitles go out at once (they need no concepts).

Nothing is held past the crawl: when the spider goes idle, the videos still held
go out (a ``data:`` request's output carries them). Those of a course that never
came get concepts without context; those of a course whose other videos never came
get the context of the course's titles and the transcripts that did come (the
course itself is not emitted half-done: ``mooc/courses/unfinished``).

A distributed worker (``REDIS_URL``) sees only some videos of a course, so it holds
nothing: a course goes out at once, without course concepts, and its videos are
ranked with the course's titles as context when this worker has seen the course
(else without context).

:class:`UniqueEntitiesMiddleware` lets each MOOC entity and relation (item type
and natural key, see :mod:`eduscrape.items`) through once per crawl, so a feed
holds each once: a school or teacher shared by several courses, a concept named
by several videos. Repeats are dropped and counted.

Both work on the spider's output (public Scrapy API): derived items go through
the item pipelines and feeds like any scraped item. MoocSpider enables them.

Stats: ``mooc/concepts/videos`` (videos whose concepts were ranked here), how:
``mooc/concepts/context/course`` (titles and transcripts of the whole course),
``.../partial_course`` (idle flush of an unfinished course), ``.../titles``
(distributed worker), ``.../none`` (course never seen); ``mooc/concepts/flushed``
(videos emitted by the idle flush), ``mooc/concepts/no_subtitles``,
``mooc/concepts/courses``, ``mooc/concepts/prerequisites``, ``mooc/concepts/errors``,
``mooc/courses/unfinished`` (held courses whose videos never all came: not emitted),
``mooc/concepts/videos_lost`` (held when the crawl was cut short: never emitted),
``mooc/concepts/courses_not_aggregated`` (distributed crawl),
``mooc/duplicates/<entity or relation type>``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from eduscrape.config import from_settings, setting
from eduscrape.items import MOOC_ITEM_TYPES, MoocCourseItem, MoocRelationItem, MoocVideoItem
from eduscrape.mooc.concepts import (
    Concept,
    CourseContext,
    course_concepts,
    extract_concepts,
    prerequisite_candidates,
)
from eduscrape.mooc.ids import concept_id
from eduscrape.mooc.records import concept_records

logger = logging.getLogger(__name__)

# Meta key of the request whose response carries the videos still held at idle.
FLUSH_META = "eduscrape_mooc_flush"


@dataclasses.dataclass
class _Course:
    """What is known of one course while its videos come in."""

    item: MoocCourseItem | None = None
    seen: set[str] = dataclasses.field(default_factory=set)  # ids of the videos scraped
    # Title and section path of every video scraped, by order (the context's titles).
    titles: dict[int, tuple[str, list[str]]] = dataclasses.field(default_factory=dict)
    held: list[MoocVideoItem] = dataclasses.field(default_factory=list)  # waiting for context
    # Videos with subtitles, by order: (text, concept names).
    videos: dict[int, tuple[str, list[str]]] = dataclasses.field(default_factory=dict)
    emitted: bool = False
    titles_context: CourseContext | None = None  # distributed worker: built once

    def complete(self) -> bool:
        return self.item is not None and self.seen.issuperset(self.item.video_order)

    def context_titles(self) -> list[str]:
        """Course name, section names, video titles: in course order, each once."""
        assert self.item is not None
        order = sorted(self.titles)
        sections = [s for o in order for s in self.titles[o][1]]
        names = [self.titles[o][0] for o in order] + list(self.item.video_name)
        return list(dict.fromkeys(t for t in (self.item.name, *sections, *names) if t))


@dataclasses.dataclass(frozen=True)
class ConceptsConfig:
    enabled: bool = setting("MOOC_CONCEPTS_ENABLED")
    top: int = setting("MOOC_CONCEPTS_TOP")
    course_top: int = setting("MOOC_COURSE_CONCEPTS_TOP")
    prerequisites: bool = setting("MOOC_PREREQUISITES")
    prerequisite_threshold: float = setting("MOOC_PREREQUISITE_THRESHOLD")
    prerequisite_concepts: int = setting("MOOC_PREREQUISITE_CONCEPTS")
    prerequisite_limit: int = setting("MOOC_PREREQUISITE_LIMIT")
    redis_url: str | None = setting("REDIS_URL")


def _flushed(response: Response) -> None:
    """Callback of the idle flush request: the held videos are added on its output."""


def _is_flush(response: Response | None) -> bool:
    request = getattr(response, "request", None)
    return request is not None and bool(request.meta.get(FLUSH_META))


class ConceptsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = from_settings(ConceptsConfig, crawler.settings)
        self.courses: dict[str, _Course] = {}
        self.flushing = False
        # Hold courses for their videos only where every video comes through here.
        self.hold_courses = not self.config.redis_url
        if self.config.enabled and not self.hold_courses:
            logger.info(
                "distributed crawl: course concepts are not aggregated and video concepts "
                "get the course's titles as context only"
            )
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConceptsMiddleware:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if not self.config.enabled:
                yield item
            elif isinstance(item, MoocCourseItem):
                async for out in self._course(item):
                    yield out
            elif isinstance(item, MoocVideoItem):
                async for out in self._video(item):
                    yield out
            else:
                yield item
        if _is_flush(response):
            async for out in self._flush():
                yield out

    def _state(self, course_id: str) -> _Course:
        return self.courses.setdefault(course_id, _Course())

    async def _course(self, item: MoocCourseItem) -> AsyncIterator[Any]:
        state = self._state(item.id)
        if state.item is not None:  # the same course found twice: the first one stands
            self.stats.inc_value("mooc/duplicates/course")
            return
        state.item = item
        if not self.hold_courses:
            state.emitted = True
            self.stats.inc_value("mooc/concepts/courses_not_aggregated")
            yield item
        elif state.complete():  # no videos, or all of them came first
            async for out in self._emit_course(state):
                yield out

    async def _video(self, item: MoocVideoItem) -> AsyncIterator[Any]:
        state = self._state(item.course_id)
        state.seen.add(item.id)
        state.titles[item.order] = (item.name, list(item.section))
        if not item.text:
            self.stats.inc_value("mooc/concepts/no_subtitles")
            yield item
        elif self.hold_courses and not state.emitted:
            state.held.append(item)  # ranked when the course is complete (or at idle)
        else:
            # A distributed worker, or a video after its course went out (not in its
            # video_order): the course's titles are all the context there is.
            context = None
            if state.item is not None:
                if state.titles_context is None:
                    state.titles_context = CourseContext.build(titles=state.context_titles())
                context = state.titles_context
            async for out in self._emit_videos(state, [item], context, "titles"):
                yield out
        if self.hold_courses and not state.emitted and state.complete():
            async for out in self._emit_course(state):
                yield out

    async def _emit_videos(
        self,
        state: _Course,
        videos: list[MoocVideoItem],
        context: CourseContext | None,
        how: str,
    ) -> AsyncIterator[Any]:
        """*videos* (in course order) with their concepts, each followed by its records."""
        # Ranking a course takes a while, and jieba loads its dictionary on first use
        # (~1 s): keep both off the reactor.
        ranked, errors = await asyncio.to_thread(self._rank, videos, context)
        if errors:
            self.stats.inc_value("mooc/concepts/errors", errors)
        for video, concepts in zip(videos, ranked, strict=True):
            scores: list[float] = []
            if concepts is not None:
                video.concepts = [c.name for c in concepts]
                scores = [c.score for c in concepts]
                self.stats.inc_value("mooc/concepts/videos")
                self.stats.inc_value(
                    f"mooc/concepts/context/{how if context is not None else 'none'}"
                )
            field = video.field or (state.item.field if state.item else "") or "General"
            yield video
            for extra in concept_records(video.id, "video-concept", video.concepts, field, scores):
                yield extra
            state.videos[video.order] = (" ".join(video.text), video.concepts)

    def _rank(
        self, videos: list[MoocVideoItem], context: CourseContext | None
    ) -> tuple[list[list[Concept] | None], int]:
        """Concepts of each video (None: it came with its own), and the failures.

        Runs in a worker thread: stats are counted by the caller, on the reactor.
        """
        out: list[list[Concept] | None] = []
        errors = 0
        for video in videos:
            if video.concepts:
                out.append(None)
                continue
            try:
                out.append(
                    extract_concepts(
                        video.text,
                        k=self.config.top,
                        language=video.language or None,
                        course=context,
                    )
                )
            except Exception:  # one bad transcript must not stop its course; counted
                logger.exception("concept extraction failed for %s", video.id)
                errors += 1
                out.append([])
        return out, errors

    def _course_context(self, state: _Course, videos: Sequence[MoocVideoItem]) -> CourseContext:
        """The course's titles and every transcript it has, added in course order."""
        context = CourseContext.build(titles=state.context_titles())
        for video in videos:
            context.add_transcript(video.text, language=video.language or None, k=self.config.top)
        return context

    async def _held_videos(self, state: _Course, how: str) -> AsyncIterator[Any]:
        videos = sorted(state.held, key=lambda v: v.order)
        state.held = []
        if not videos:
            return
        context = None
        if state.item is not None:
            try:
                context = await asyncio.to_thread(self._course_context, state, videos)
            except Exception:  # the videos still get concepts, without context; counted
                logger.exception("course context failed for %s", state.item.id)
                self.stats.inc_value("mooc/concepts/errors")
        async for out in self._emit_videos(state, videos, context, how):
            yield out

    async def _emit_course(self, state: _Course) -> AsyncIterator[Any]:
        """The held videos, then the course once with their concepts (when any has subtitles)."""
        assert state.item is not None
        state.emitted = True
        async for out in self._held_videos(state, "course"):
            yield out
        course = state.item
        if not state.videos:
            yield course
            return
        texts = [state.videos[order] for order in sorted(state.videos)]
        state.videos = {}  # the course is done: free its transcripts
        field = course.field or "General"
        try:
            concepts = course_concepts([names for _, names in texts], k=self.config.course_top)
            course.concepts = [c.name for c in concepts]
            derived = list(
                concept_records(
                    course.id, "course-concept", course.concepts, field, [c.score for c in concepts]
                )
            )
            if self.config.prerequisites:
                derived += await self._prerequisites(texts, course.concepts, field)
        except Exception:  # a bad course must not stop the others; it is still stored
            logger.exception("concept aggregation failed for %s", course.id)
            self.stats.inc_value("mooc/concepts/errors")
            yield course
            return
        self.stats.inc_value("mooc/concepts/courses")
        yield course
        for extra in derived:
            yield extra

    async def _prerequisites(
        self, texts: list[tuple[str, list[str]]], concepts: list[str], field: str
    ) -> list[MoocRelationItem]:
        pairs = await asyncio.to_thread(
            prerequisite_candidates,
            texts,
            concepts[: self.config.prerequisite_concepts],
            threshold=self.config.prerequisite_threshold,
            limit=self.config.prerequisite_limit,
        )
        if pairs:
            self.stats.inc_value("mooc/concepts/prerequisites", len(pairs))
        return [
            MoocRelationItem(
                "prerequisite-dependency", concept_id(a, field), concept_id(b, field), score=score
            )
            for a, b, score in pairs
        ]

    def _unfinished(self) -> list[str]:
        return [cid for cid, s in self.courses.items() if s.item is not None and not s.emitted]

    async def _flush(self) -> AsyncIterator[Any]:
        """Every video still held: the crawl is idle, the rest of its course will not come."""
        self.flushing = False
        unfinished = self._unfinished()
        if unfinished:
            self._report_unfinished(unfinished)
        for state in list(self.courses.values()):
            if not state.held:
                continue
            self.stats.inc_value("mooc/concepts/flushed", len(state.held))
            if state.item is None:
                logger.warning(
                    "%d video(s) of course %s, which never came: concepts without context",
                    len(state.held),
                    state.held[0].course_id,
                )
            async for out in self._held_videos(state, "partial_course"):
                yield out

    def spider_idle(self) -> None:
        if self.flushing or not any(s.held for s in self.courses.values()):
            return
        self.flushing = True
        self.crawler.engine.crawl(
            Request(
                "data:,",
                callback=_flushed,
                dont_filter=True,
                meta={FLUSH_META: True, "dont_cache": True},
            )
        )
        raise DontCloseSpider

    def _report_unfinished(self, unfinished: list[str]) -> None:
        # A video request that never came back (crawl stopped early, a callback raised):
        # the course cannot get its concepts, and it is not emitted half-done.
        for cid in unfinished:
            self.courses[cid].emitted = True  # reported once
        self.stats.inc_value("mooc/courses/unfinished", len(unfinished))
        logger.warning(
            "%d course(s) not emitted, some of their videos were never scraped: %s",
            len(unfinished),
            ", ".join(unfinished[:10]),
        )

    def spider_closed(self) -> None:
        unfinished = self._unfinished()
        if unfinished:
            self._report_unfinished(unfinished)
        lost = sum(len(s.held) for s in self.courses.values())
        if lost:
            # The crawl was cut short (CLOSESPIDER_*, a shutdown): Scrapy closed the
            # pipelines without an idle moment to emit them in.
            self.stats.inc_value("mooc/concepts/videos_lost", lost)
            logger.error(
                "%d video(s) still waiting for their course's concepts when the crawl "
                "was cut short: not emitted",
                lost,
            )


class UniqueEntitiesMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: set[tuple[Any, ...]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UniqueEntitiesMiddleware:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if isinstance(item, MOOC_ITEM_TYPES):
                collection, key_fields = item.mongo_target()
                key = (collection, *(getattr(item, name) for name in key_fields))
                if key in self.seen:
                    kind = item.type if isinstance(item, MoocRelationItem) else item.entity
                    self.stats.inc_value(f"mooc/duplicates/{kind}")
                    continue
                self.seen.add(key)
            yield item
