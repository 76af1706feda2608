"""Spider middlewares of the MOOC spiders: concepts, and each entity once.

:class:`ConceptsMiddleware` fills the ``concepts`` of every video with subtitles
(at most ``MOOC_CONCEPTS_TOP``, best first) and adds the concept entities and
video-concept relations after it. It holds each course item until every video
of its ``video_order`` has been scraped, then emits it once with its aggregated
``concepts``, the course-concept relations and, with ``MOOC_PREREQUISITES``,
scored prerequisite candidates (RefD). A course without videos goes out at once.
A distributed worker (``REDIS_URL``) sees only some videos of a course, so there
a course goes out at once, without course concepts (video concepts are kept).

:class:`UniqueEntitiesMiddleware` lets each MOOC entity and relation (item type
and natural key, see :mod:`eduscrape.items`) through once per crawl, so a feed
holds each once: a school or teacher shared by several courses, a concept named
by several videos. Repeats are dropped and counted.

Both work on the spider's output (public Scrapy API): derived items go through
the item pipelines and feeds like any scraped item. MoocSpider enables them.

Stats: ``mooc/concepts/videos``, ``mooc/concepts/no_subtitles``,
``mooc/concepts/courses``, ``mooc/concepts/prerequisites``, ``mooc/concepts/errors``,
``mooc/courses/unfinished`` (held courses whose videos never all came: not emitted),
``mooc/concepts/courses_not_aggregated`` (distributed crawl),
``mooc/duplicates/<entity or relation type>``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from eduscrape.config import from_settings, setting
from eduscrape.items import MOOC_ITEM_TYPES, MoocCourseItem, MoocRelationItem, MoocVideoItem
from eduscrape.mooc.concepts import course_concepts, extract_concepts, prerequisite_candidates
from eduscrape.mooc.ids import concept_id
from eduscrape.mooc.records import concept_records

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class _Course:
    """What is known of one course while its videos come in."""

    item: MoocCourseItem | None = None
    seen: set[str] = dataclasses.field(default_factory=set)  # ids of the videos scraped
    # Videos with subtitles, by order: (text, concept names).
    videos: dict[int, tuple[str, list[str]]] = dataclasses.field(default_factory=dict)
    emitted: bool = False

    def complete(self) -> bool:
        return self.item is not None and self.seen.issuperset(self.item.video_order)


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


class ConceptsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.config = from_settings(ConceptsConfig, crawler.settings)
        self.courses: dict[str, _Course] = {}
        # Hold courses for their videos only where every video comes through here.
        self.hold_courses = not self.config.redis_url
        if self.config.enabled and not self.hold_courses:
            logger.info(
                "distributed crawl: course concepts are not aggregated (video concepts are)"
            )
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
        if not item.text:
            self.stats.inc_value("mooc/concepts/no_subtitles")
            yield item
        else:
            scores: list[float] = []
            if not item.concepts:
                # jieba loads its dictionary on first use (~1 s): keep it off the reactor.
                concepts = await asyncio.to_thread(
                    extract_concepts, item.text, k=self.config.top, language=item.language or None
                )
                item.concepts = [c.name for c in concepts]
                scores = [c.score for c in concepts]
            self.stats.inc_value("mooc/concepts/videos")
            field = item.field or (state.item.field if state.item else "") or "General"
            yield item
            for extra in concept_records(item.id, "video-concept", item.concepts, field, scores):
                yield extra
            state.videos[item.order] = (" ".join(item.text), item.concepts)
        state.seen.add(item.id)
        if not state.emitted and state.complete():
            async for out in self._emit_course(state):
                yield out

    async def _emit_course(self, state: _Course) -> AsyncIterator[Any]:
        """The course, once, with the concepts of its videos (when any has subtitles)."""
        assert state.item is not None
        state.emitted = True
        course = state.item
        if not state.videos:
            yield course
            return
        texts = [state.videos[order] for order in sorted(state.videos)]
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

    def spider_closed(self) -> None:
        unfinished = [
            cid for cid, s in self.courses.items() if s.item is not None and not s.emitted
        ]
        if unfinished:
            # A video request that never came back (crawl stopped early, a callback raised):
            # the course cannot get its concepts, and it is not emitted half-done.
            self.stats.inc_value("mooc/courses/unfinished", len(unfinished))
            logger.warning(
                "%d course(s) not emitted, some of their videos were never scraped: %s",
                len(unfinished),
                ", ".join(unfinished[:10]),
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
