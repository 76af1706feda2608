"""The MOOC spider middlewares on their own: when a course goes out, each entity once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import CrawlerRunner
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from eduscrape.items import MoocCourseItem, MoocTeacherItem, MoocVideoItem
from eduscrape.middlewares.mooc import FLUSH_META, ConceptsMiddleware, UniqueEntitiesMiddleware
from eduscrape.mooc.concepts import CourseContext, extract_concepts

LECTURE = [
    "Today we study simple harmonic motion.",
    "A mass on a spring shows simple harmonic motion.",
    "The period of simple harmonic motion does not depend on the amplitude.",
    "The spring constant sets the period of the spring.",
]
# A small course: four lectures, in course order.
COURSE = [
    LECTURE,
    [
        "A pendulum swings with a small amplitude.",
        "For small angles the pendulum is a harmonic oscillator.",
        "The restoring force of the pendulum comes from gravity.",
        "The period of the pendulum depends on its length.",
    ],
    [
        "A damped oscillator loses energy to friction.",
        "The damping force is proportional to the velocity.",
        "A damped oscillator with light damping still oscillates.",
        "The amplitude of the damped oscillator decays in time.",
    ],
    [
        "A driven oscillator is pushed by a periodic force.",
        "Near the natural frequency the driven oscillator shows resonance.",
        "At resonance the amplitude of the driven oscillator is largest.",
        "Damping limits the amplitude at resonance.",
    ],
]


def _crawler(**settings: Any) -> Any:
    return get_crawler(Spider, settings)  # MOOC_* defaults: eduscrape.config's fallback


async def _output(middleware: Any, *items: Any, response: Response | None = None) -> list[Any]:
    async def result() -> AsyncIterator[Any]:
        for item in items:
            yield item

    return [out async for out in middleware.process_spider_output(response, result())]


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
        assert first == []  # course and video held: the course context is not complete yet
        last = await _output(mw, _video("V_2", 2))  # no subtitles: out at once, counts as scraped
        assert [v.id for v in _of(MoocVideoItem, last)] == ["V_2", "V_1"]
        (course,) = _of(MoocCourseItem, last)
        video = _of(MoocVideoItem, last)[1]
        assert video.concepts and last.index(course) > last.index(video)  # after its videos
        tails = [i.tail for i in last if getattr(i, "type", "") == "course-concept"]
        assert len(tails) == len(course.concepts)
        heads = [i.head for i in last if getattr(i, "type", "") == "video-concept"]
        assert heads == ["V_1"] * len(video.concepts)

    return deferred_from_coro(run())


def test_videos_are_ranked_with_their_course_as_context():
    async def run() -> None:
        crawler = _crawler()
        mw = ConceptsMiddleware(crawler)
        course = MoocCourseItem(
            id="C_x", name="Oscillations", video_order=["V_1", "V_2", "V_3", "V_4"]
        )
        lectures = [_video(f"V_{i}", i, text) for i, text in enumerate(COURSE, 1)]
        out = await _output(mw, course, *lectures)
        ranked = {v.id: v.concepts for v in _of(MoocVideoItem, out)}
        assert list(ranked) == ["V_1", "V_2", "V_3", "V_4"]  # course order
        context = CourseContext.build(COURSE, titles=["Oscillations", "V_1", "V_2", "V_3", "V_4"])
        for vid, text in zip(ranked, COURSE, strict=True):
            want = [c.name for c in extract_concepts(text, course=context)]
            assert ranked[vid] == want
        assert crawler.stats.get_value("mooc/concepts/context/course") == 4

    return deferred_from_coro(run())


def test_held_videos_go_out_when_the_crawl_is_idle():
    async def run() -> None:
        crawler = _crawler()
        mw = ConceptsMiddleware(crawler)
        # A course whose second video never came, and a video whose course never came.
        held = await _output(
            mw,
            _course("V_1", "V_9"),
            _video("V_1", 1, LECTURE),
            MoocVideoItem(id="V_o", name="o", course_id="C_gone", order=1, text=LECTURE),
        )
        assert held == []
        flush = Response("data:,", request=Request("data:,", meta={FLUSH_META: True}))
        out = await _output(mw, response=flush)
        videos = _of(MoocVideoItem, out)
        assert sorted(v.id for v in videos) == ["V_1", "V_o"] and all(v.concepts for v in videos)
        assert _of(MoocCourseItem, out) == []  # not emitted half-done, but counted
        stats = crawler.stats
        assert stats.get_value("mooc/courses/unfinished") == 1
        assert stats.get_value("mooc/concepts/flushed") == 2
        assert stats.get_value("mooc/concepts/context/partial_course") == 1
        assert stats.get_value("mooc/concepts/context/none") == 1
        crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
        assert stats.get_value("mooc/courses/unfinished") == 1  # reported once
        assert stats.get_value("mooc/concepts/videos_lost") is None

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


def test_videos_held_when_the_crawl_is_cut_short_are_counted():
    async def run() -> None:
        crawler = _crawler()
        mw = ConceptsMiddleware(crawler)
        assert await _output(mw, _course("V_1", "V_9"), _video("V_1", 1, LECTURE)) == []
        crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="shutdown")
        assert crawler.stats.get_value("mooc/courses/unfinished") == 1
        assert crawler.stats.get_value("mooc/concepts/videos_lost") == 1

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
        assert crawler.stats.get_value("mooc/concepts/context/titles") == 1
        out = await _output(
            mw, MoocVideoItem(id="V_o", name="o", course_id="C_o", order=1, text=LECTURE)
        )
        assert _of(MoocVideoItem, out)[0].concepts  # its course went to another worker
        assert crawler.stats.get_value("mooc/concepts/context/none") == 1

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


class _CourseNeverCompleteSpider(Spider):
    """A crawl where one course's second video and another video's course never come."""

    name = "course-never-complete"

    async def start(self) -> AsyncIterator[Any]:
        yield Request("data:,", callback=self.parse)

    def parse(self, response: Response) -> Any:
        yield _course("V_1", "V_9")
        yield _video("V_1", 1, LECTURE)
        yield MoocVideoItem(id="V_o", name="o", course_id="C_gone", order=1, text=COURSE[1])


def test_a_real_crawl_emits_the_held_videos_when_idle():
    items: list[Any] = []
    runner = CrawlerRunner(
        {
            "SPIDER_MIDDLEWARES": {
                "eduscrape.middlewares.mooc.UniqueEntitiesMiddleware": 540,
                "eduscrape.middlewares.mooc.ConceptsMiddleware": 550,
            },
            "LOG_LEVEL": "WARNING",
        }
    )
    crawler = runner.create_crawler(_CourseNeverCompleteSpider)

    def scraped(item: Any) -> None:
        items.append(item)

    crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)

    def check(_: Any) -> None:
        videos = _of(MoocVideoItem, items)
        assert sorted(v.id for v in videos) == ["V_1", "V_o"] and all(v.concepts for v in videos)
        assert _of(MoocCourseItem, items) == []
        stats = crawler.stats.get_stats()
        assert stats["mooc/concepts/flushed"] == 2 and stats["mooc/courses/unfinished"] == 1
        assert stats["finish_reason"] == "finished" and "mooc/concepts/videos_lost" not in stats

    return runner.crawl(crawler).addCallback(check)
