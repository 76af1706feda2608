"""ConceptsPipeline: the concepts of every video, and of every course.

For each :class:`~eduscrape.items.MoocVideoItem` with subtitles it fills
``concepts`` (at most ``MOOC_CONCEPTS_TOP``, best first) and emits the concept
entities and video-concept relations. When the crawl goes idle it aggregates
the videos of each course: the course item is re-emitted with its ``concepts``,
plus course-concept relations and, with ``MOOC_PREREQUISITES``, scored
prerequisite candidates (RefD). Other items pass through untouched.

Stats: ``mooc/concepts/videos``, ``mooc/concepts/no_subtitles``,
``mooc/concepts/courses``, ``mooc/concepts/prerequisites``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import defaultdict
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider

from eduscrape.items import MoocCourseItem, MoocRelationItem, MoocVideoItem
from eduscrape.mooc.concepts import course_concepts, extract_concepts, prerequisite_candidates
from eduscrape.mooc.ids import concept_id
from eduscrape.mooc.records import concept_records

logger = logging.getLogger(__name__)


class ConceptsPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.enabled = s.getbool("MOOC_CONCEPTS_ENABLED", True)
        self.top = s.getint("MOOC_CONCEPTS_TOP", 10)
        self.course_top = s.getint("MOOC_COURSE_CONCEPTS_TOP", 30)
        self.prerequisites = s.getbool("MOOC_PREREQUISITES", True)
        self.prereq_threshold = s.getfloat("MOOC_PREREQUISITE_THRESHOLD", 0.5)
        self.prereq_concepts = s.getint("MOOC_PREREQUISITE_CONCEPTS", 15)
        self.prereq_limit = s.getint("MOOC_PREREQUISITE_LIMIT", 20)
        self.courses: dict[str, MoocCourseItem] = {}
        # course id -> {order: (text, concept names, field)}
        self.videos: dict[str, dict[int, tuple[str, list[str], str]]] = defaultdict(dict)
        self.dirty: set[str] = set()
        self.seen: dict[str, set[str]] = defaultdict(set)  # video ids per course
        self.pending: set[asyncio.Future[Any]] = set()
        self._emitted_course: dict[str, MoocCourseItem] = {}
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConceptsPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not self.enabled:
            return item
        if isinstance(item, MoocCourseItem):
            if item is self._emitted_course.get(item.id):
                return item  # our own aggregate coming through the pipelines
            self.courses[item.id] = item
            self.dirty.add(item.id)
            await self._maybe_complete(item.id)
        elif isinstance(item, MoocVideoItem):
            await self._video(item)
            self.seen[item.course_id].add(item.id)
            await self._maybe_complete(item.course_id)
        return item

    async def _maybe_complete(self, cid: str) -> None:
        """Aggregate as soon as every video of the course went through (else at idle)."""
        course = self.courses.get(cid)
        if (
            cid in self.dirty
            and course is not None
            and course.video_order
            and self.videos.get(cid)
            and self.seen[cid].issuperset(course.video_order)
        ):
            self.dirty.discard(cid)
            await self._aggregate([cid])

    async def _video(self, item: MoocVideoItem) -> None:
        stats = self.crawler.stats
        if not item.text:
            stats.inc_value("mooc/concepts/no_subtitles")
            return
        if not item.concepts:
            # jieba loads its dictionary on first use (~1 s): keep it off the reactor.
            concepts = await asyncio.to_thread(
                extract_concepts, item.text, k=self.top, language=item.language or None
            )
            item.concepts = [c.name for c in concepts]
            scores = [c.score for c in concepts]
        else:
            scores = []
        stats.inc_value("mooc/concepts/videos")
        field = item.field or self._field(item.course_id)
        for extra in concept_records(item.id, "video-concept", item.concepts, field, scores):
            await self._emit(extra)
        self.videos[item.course_id][item.order] = (" ".join(item.text), item.concepts, field)
        self.dirty.add(item.course_id)

    def _field(self, course_id: str) -> str:
        course = self.courses.get(course_id)
        return course.field if course and course.field else "General"

    async def _emit(self, item: Any) -> None:
        scraper = self.crawler.engine.scraper if self.crawler.engine else None
        if scraper is None:
            return
        if hasattr(scraper, "start_itemproc_async"):  # Scrapy >= 2.14
            await scraper.start_itemproc_async(item, response=None)
        else:
            from scrapy.utils.defer import maybe_deferred_to_future

            await maybe_deferred_to_future(scraper.start_itemproc(item, response=None))

    def spider_idle(self) -> None:
        ready = [cid for cid in self.dirty if cid in self.courses and self.videos.get(cid)]
        self.dirty.difference_update(ready)
        if not ready:
            if self.pending:
                raise DontCloseSpider
            return
        future = asyncio.ensure_future(self._aggregate(ready))
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)
        raise DontCloseSpider  # the engine re-checks idleness once these are stored

    async def _aggregate(self, course_ids: list[str]) -> None:
        for cid in course_ids:
            try:
                await self._aggregate_course(cid)
            except Exception:  # a bad course must not stop the others
                logger.exception("concept aggregation failed for %s", cid)
                self.crawler.stats.inc_value("mooc/concepts/errors")

    async def _aggregate_course(self, cid: str) -> None:
        course = self.courses[cid]
        videos = [self.videos[cid][order] for order in sorted(self.videos[cid])]
        field = course.field or "General"
        concepts = course_concepts([names for _, names, _ in videos], k=self.course_top)
        updated = dataclasses.replace(course, concepts=[c.name for c in concepts])
        self._emitted_course[cid] = updated
        await self._emit(updated)
        for extra in concept_records(
            cid, "course-concept", updated.concepts, field, [c.score for c in concepts]
        ):
            await self._emit(extra)
        self.crawler.stats.inc_value("mooc/concepts/courses")
        if not self.prerequisites:
            return
        pairs = await asyncio.to_thread(
            prerequisite_candidates,
            [(text, names) for text, names, _ in videos],
            updated.concepts[: self.prereq_concepts],
            threshold=self.prereq_threshold,
            limit=self.prereq_limit,
        )
        for a, b, score in pairs:
            await self._emit(
                MoocRelationItem(
                    "prerequisite-dependency",
                    concept_id(a, field),
                    concept_id(b, field),
                    score=score,
                )
            )
            self.crawler.stats.inc_value("mooc/concepts/prerequisites")
