"""Shared glue of the MOOC spiders (ocw, openedx, xuetangx): subtitles to items,
bad input recorded in stats instead of raised, the MOOC spider middlewares enabled."""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from eduscrape.items import MOOC_ITEM_TYPES, MoocCourseItem, MoocVideoItem
from eduscrape.mooc.schema import EDX_TRANSCRIPT, Shape, as_broken, check
from eduscrape.mooc.subtitles import SubtitleError, parse_subtitles
from eduscrape.spiders._base import EduscrapeSpider
from eduscrape.spiders._broken import record_broken_page

logger = logging.getLogger(__name__)


class MoocSpider(EduscrapeSpider):
    """Base class: item types, subtitle parsing with counted failures, concepts.

    Subclasses that set their own ``custom_settings`` start from this class's.
    """

    item_types: ClassVar[list[type]] = list(MOOC_ITEM_TYPES)
    custom_settings: dict[str, Any] = {
        # Concepts are computed on the spider's output, then each entity goes out once.
        "SPIDER_MIDDLEWARES": {
            "eduscrape.middlewares.mooc.UniqueEntitiesMiddleware": 540,
            "eduscrape.middlewares.mooc.ConceptsMiddleware": 550,
        },
    }

    def check_reply(
        self, response: Response, shape: Shape, value: Any, path: str = ""
    ) -> tuple[dict[str, str], str | None]:
        """Check a JSON reply (*value*, read from *response*) against its declared *shape*.

        Every checked reply is a parsed page; one that drifted is a broken page (WARNING
        naming the URL and field paths, per-field stats, the reply kept): its problems
        ``{path: why}`` and the kept reply's path go to the items it feeds (:meth:`flag`).
        """
        broken = as_broken(check(shape, value, path))
        return broken, record_broken_page(self.crawler, response, broken)

    def check_json(
        self, response: Response, shape: Shape
    ) -> tuple[Any, dict[str, str], str | None]:
        """:meth:`check_reply` on *response*'s JSON (a body that is not JSON is broken)."""
        try:
            value = json.loads(response.body)
        except ValueError:
            broken = {"reply": "not JSON"}
            return None, broken, record_broken_page(self.crawler, response, broken)
        return value, *self.check_reply(response, shape, value)

    @staticmethod
    def flag(
        item: MoocCourseItem | MoocVideoItem, broken: dict[str, str], page_path: str | None
    ) -> None:
        """Mark *item* as built from a reply that drifted (no-op when *broken* is empty)."""
        if broken:
            item.broken.update(broken)
            item.page_path = page_path or item.page_path

    def parse_transcript(self, data: str | bytes, hint: str, video: MoocVideoItem) -> bool:
        """Fill *video* from transcript *data*; False (and a recorded reason) when unusable."""
        stats = self.crawler.stats
        try:
            subs = parse_subtitles(data, hint)
        except SubtitleError as exc:
            stats.inc_value("mooc/subtitles/malformed")
            video.transcript_error = f"malformed subtitles ({hint}): {exc}"
            logger.warning("malformed subtitles for %s (%s): %s", video.id, hint, exc)
            return False
        if subs.skipped:
            stats.inc_value("mooc/subtitles/cues_skipped", subs.skipped)
        if not len(subs):
            stats.inc_value("mooc/subtitles/empty")
            video.transcript_error = f"empty subtitles ({hint})"
            return False
        video.start, video.end, video.text = subs.start, subs.end, subs.text
        video.duration = max(video.duration, subs.duration)
        video.transcript_error = None
        stats.inc_value("mooc/subtitles/parsed")
        stats.inc_value("mooc/subtitles/cues", len(subs))
        return True

    def finish_video(self, video: MoocVideoItem) -> MoocVideoItem:
        stats = self.crawler.stats
        stats.inc_value("mooc/videos")
        if not video.text:
            stats.inc_value("mooc/videos/no_transcript")
            video.transcript_error = video.transcript_error or "no transcript"
        return video

    def failed_transcript(self, failure: Any) -> Any:
        """errback of transcript requests: the video is still emitted, with the reason."""
        request = failure.request
        video: MoocVideoItem = request.cb_kwargs["video"]
        fallbacks: list[tuple[str, str]] = request.cb_kwargs.get("fallbacks", [])
        response: Response | None = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.crawler.stats.inc_value("mooc/subtitles/fetch_failed")
        video.transcript_error = f"transcript {request.url}: {reason}"
        if fallbacks:
            url, hint = fallbacks[0]
            return self.transcript_request(url, hint, video, fallbacks[1:])
        return self.finish_video(video)

    def transcript_request(
        self,
        url: str,
        hint: str,
        video: MoocVideoItem,
        fallbacks: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_transcript_response,
            errback=self.failed_transcript,
            cb_kwargs={"video": video, "hint": hint, "fallbacks": fallbacks or []},
            dont_filter=True,
            **kwargs,
        )

    def parse_transcript_response(
        self,
        response: Response,
        video: MoocVideoItem,
        hint: str,
        fallbacks: list[tuple[str, str]],
    ) -> Any:
        """A transcript file: the finished video (or the next fallback's request).

        @demo /mooc/ocw/8-01-physics/resources/lecture-1-kinematics/demoKin0001.srt
        @cb_kwargs {"hint": ".srt", "fallbacks": []}
        @video {}
        @returns items 1 1
        @returns requests 0 0
        @scrapes text start end transcript_url
        """
        video.transcript_url = response.url
        if response.body.lstrip()[:1] == b"{":  # edX transcript JSON (others are files)
            self.flag(video, *self.check_json(response, EDX_TRANSCRIPT)[1:])
        if self.parse_transcript(response.body, hint, video) or not fallbacks:
            yield self.finish_video(video)
            return
        url, next_hint = fallbacks[0]
        yield self.transcript_request(url, next_hint, video, fallbacks[1:])
