"""The MOOC spider middlewares on their own: when a course goes out, each entity once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Spider, signals
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from eduscrape.items import MoocCourseItem, MoocTeacherItem, MoocVideoItem
from eduscrape.middlewares.mooc import ConceptsMiddleware, UniqueEntitiesMiddleware

LECTURE = [
    "Today we study simple harmonic motion.",
    "A mass on a spring shows simple harmonic motion.",
    "The period of simple harmonic motion does not depend on the amplitude.",
    "The spring constant sets the period of the spring.",
]


def _crawler(**settings: Any) -> Any:
    return get_crawler(Spider, settings)  # MOOC_* defaults: eduscrape.config's fallback


async def _output(middleware: Any, *items: Any) -> list[Any]:
    async def result() -> AsyncIterator[Any]:
        for item in items:
            yield item

    return [out async for out in middleware.process_spider_output(None, result())]


def _course(*video_ids: str) -> MoocCourseItem:
    return MoocCourseItem(id="C_x", name="X", field="Physics", video_order=list(video_ids))


def _video(vid: str, order: int, text: list[str] | None = None) -> MoocVideoItem:
    return MoocVideoItem(id=vid, name=vid, course_id="C_x", order=order, text=text or [])


def _of(kind: type, items: list[Any]) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


def test_course_waits_for_its_last_video():
    async def run() -> None:
        mw = ConceptsMiddleware(_crawler())
        first = await _output(mw, _course("V_1", "V_2"), _video("V_1", 1, LECTURE))
        assert _of(MoocCourseItem, first) == []  # held: its concepts are not known yet
        assert _of(MoocVideoItem, first)[0].concepts
        last = await _output(mw, _video("V_2", 2))  # no subtitles: still counts as scraped
        (course,) = _of(MoocCourseItem, last)
        assert course.concepts and last.index(course) == 1  # after the video that completed it
        tails = [i.tail for i in last if getattr(i, "type", "") == "course-concept"]
        assert len(tails) == len(course.concepts)

    return deferred_from_coro(run())


def test_course_after_its_videos_empty_course_and_repeats():
    async def run() -> None:
        crawler = _crawler()
        mw = ConceptsMiddleware(crawler)
        await _output(mw, _video("V_1", 1, LECTURE))
        (course,) = _of(MoocCourseItem, await _output(mw, _course("V_1")))
        assert course.concepts
        assert await _output(mw, _course("V_1")) == []  # the same course again
        assert crawler.stats.get_value("mooc/duplicates/course") == 1
        empty = MoocCourseItem(id="C_empty", name="E")
        assert await _output(mw, empty) == [empty]  # nothing to wait for

    return deferred_from_coro(run())


def test_a_course_whose_videos_never_came_is_counted():
    async def run() -> None:
        crawler = _crawler()
        mw = ConceptsMiddleware(crawler)
        assert await _output(mw, _course("V_1", "V_9"), _video("V_1", 1, LECTURE))
        crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
        assert crawler.stats.get_value("mooc/courses/unfinished") == 1

    return deferred_from_coro(run())


def test_disabled_concepts_pass_items_through():
    async def run() -> None:
        mw = ConceptsMiddleware(_crawler(MOOC_CONCEPTS_ENABLED=False))
        items = [_course("V_1"), _video("V_1", 1, LECTURE)]
        out = await _output(mw, *items)
        assert out == items and out[1].concepts == []

    return deferred_from_coro(run())


def test_a_distributed_worker_does_not_hold_courses():
    async def run() -> None:
        crawler = _crawler(REDIS_URL="redis://127.0.0.1:1/0")  # never connected here
        mw = ConceptsMiddleware(crawler)
        course = _course("V_1")
        assert await _output(mw, course) == [course]  # V_1 may go to another worker
        out = await _output(mw, _video("V_1", 1, LECTURE))
        assert _of(MoocCourseItem, out) == [] and _of(MoocVideoItem, out)[0].concepts
        assert crawler.stats.get_value("mooc/concepts/courses_not_aggregated") == 1

    return deferred_from_coro(run())


def test_each_entity_once():
    async def run() -> None:
        crawler = _crawler()
        mw = UniqueEntitiesMiddleware(crawler)
        ada = MoocTeacherItem(id="T_Ada", name="Ada")
        out = await _output(mw, ada, MoocTeacherItem(id="T_Bo", name="Bo"))
        assert len(out) == 2
        assert await _output(mw, MoocTeacherItem(id="T_Ada", name="Ada"), "not a MOOC item") == [
            "not a MOOC item"
        ]
        assert crawler.stats.get_value("mooc/duplicates/teacher") == 1

    return deferred_from_coro(run())
