"""``xuetangx``: XuetangX's JSON API into MOOCCube records.

    scrapy crawl xuetangx [-a base_url=https://www.xuetangx.com] [-a catalogue_url=URL]
        [-a max_pages=N]  (-s XUETANGX_COOKIE=... or the XUETANGX_COOKIE environment variable)

Course list ``POST /api/v1/lms/get_product_list/?page=N``; chapters
``GET /api/v1/lms/learn/course/chapter?cid=&sign=``; per video leaf
``/api/v1/lms/learn/leaf_info/{cid}/{leaf}/?sign=`` gives the ``ccid``;
subtitles ``/api/v1/lms/service/subtitle_parse/?c_d={ccid}&lg=0`` give
``{start, end, text}``. With ``catalogue_url`` the course list is read from
the catalogue page rendered in Chromium (scrapy-playwright), for platforms
where only the browser sees it, through the ``xuetangx-catalogue`` page model
(``eduscrape/wrappers/xuetangx-catalogue.yaml``: checked and repaired by the wrapper
middleware; a catalogue whose cards cannot be read is a broken page, its courses
flagged). API errors and rate limits (429 + Retry-After,
handled by RetryAfterMiddleware) are recorded, never fatal.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from eduscrape.arguments import MAX_PAGES, Argument
from eduscrape.items import MoocCourseItem, MoocVideoItem
from eduscrape.middlewares.wrappers import WrapperResult
from eduscrape.mooc.ids import course_id, video_id
from eduscrape.mooc.records import course_records
from eduscrape.mooc.schema import (
    XUETANGX_CHAPTERS,
    XUETANGX_LEAF_INFO,
    XUETANGX_PRODUCT_LIST,
    XUETANGX_SUBTITLES,
    Shape,
    within,
)
from eduscrape.playwright import PLAYWRIGHT_SETTINGS
from eduscrape.spiders._broken import record_broken_page
from eduscrape.spiders._mooc import MoocSpider

_API = "/api/v1/lms"
_CARD_LINK = re.compile(r"/course/([^/?#]+)/(\d+)")


def _records(value: Any) -> list[dict[str, Any]]:
    """The objects of a list of records (anything else: none; the check reports it)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _card_text(result: WrapperResult, name: str, index: int) -> str:
    """The text of field *name* of catalogue card *index* (its elements' texts joined)."""
    return " ".join(result.selector(name, "card", index).css("::text").getall()).strip()


def _first(obj: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if obj.get(key) not in (None, ""):
            return obj[key]
    return default


class XuetangxSpider(MoocSpider):
    name = "xuetangx"
    custom_settings: dict[str, Any] = {
        **MoocSpider.custom_settings,
        **PLAYWRIGHT_SETTINGS,
        "DOWNLOADER_MIDDLEWARES": {"eduscrape.middlewares.retry_after.RetryAfterMiddleware": 560},
        # API replies with 4xx/5xx carry a JSON message worth recording.
        "HTTPERROR_ALLOW_ALL": True,
    }
    page_models = {"catalogue": "xuetangx-catalogue"}

    arguments = (
        Argument("base_url", "the platform's base URL", default="https://www.xuetangx.com"),
        Argument(
            "catalogue_url",
            "crawl this rendered catalogue page (in Chromium) instead of the search API",
        ),
        MAX_PAGES,
        Argument("field", "the courses' field (MOOCCube's concept field)", default="General"),
    )
    base_url: str
    catalogue_url: str | None
    max_pages: int
    field: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = str(self.base_url).rstrip("/")

    def _headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "x-client": "web",
            "xtbz": "xt",
            "django-language": "zh",
        }
        cookie = self.crawler.settings.get("XUETANGX_COOKIE")
        if cookie:
            headers["Cookie"] = cookie  # never logged: Scrapy logs URLs, not headers
            # Django's CSRF check on POSTs wants the csrftoken cookie echoed in a header.
            token = re.search(r"(?:^|;\s*)csrftoken=([^;]+)", cookie)
            if token:
                headers["X-CSRFToken"] = token[1]
        return headers

    def _api(self, path: str, callback: Any, *, cb_kwargs: dict[str, Any], **kw: Any) -> Any:
        return scrapy.Request(
            f"{self.base_url}{_API}{path}",
            callback=callback,
            errback=self.api_failed,
            headers=self._headers(),
            cb_kwargs=cb_kwargs,
            dont_filter=True,
            **kw,
        )

    async def start(self) -> AsyncIterator[Any]:
        if self.catalogue_url:
            from scrapy_playwright.page import PageMethod

            yield scrapy.Request(
                self.catalogue_url,
                callback=self.parse_catalogue,
                meta={
                    "wrapper": "catalogue",
                    "playwright": True,
                    # Rendered when the page's scripts have fetched everything: a
                    # selector to wait for would time out on a redesigned catalogue.
                    "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
                },
            )
            return
        yield self._list_request(1)

    def _list_request(self, page: int) -> Any:
        body = {"query": "", "chief_org": [], "classify": [], "selling_type": [], "status": []}
        return self._api(
            f"/get_product_list/?page={page}",
            self.parse_list,
            cb_kwargs={"page": page},
            method="POST",
            body=json.dumps(body),
        )

    # -- API replies ---------------------------------------------------------------

    def _json(
        self, response: Response, what: str, shape: Shape
    ) -> tuple[Any, dict[str, str], str | None]:
        """The reply's ``data`` (or the whole object), or None after recording why; and
        where the reply drifted from its declared *shape* (``{path: why}``, kept reply)."""
        stats = self.crawler.stats
        if response.status >= 400:
            stats.inc_value(f"mooc/xuetangx/http_{response.status}")
            self.logger.warning("%s: HTTP %s at %s", what, response.status, response.url)
            return None, {}, None
        try:
            obj = json.loads(response.text)
        except ValueError:
            stats.inc_value("mooc/xuetangx/bad_json")
            self.logger.warning("%s: reply is not JSON (%s)", what, response.url)
            return None, {}, None
        if isinstance(obj, dict) and obj.get("success") is False:
            stats.inc_value("mooc/xuetangx/api_errors")
            self.logger.warning("%s: API error %r", what, str(obj.get("msg", ""))[:200])
            return None, {}, None
        broken, page_path = self.check_reply(response, shape, obj)
        return (obj.get("data", obj) if isinstance(obj, dict) else obj), broken, page_path

    def api_failed(self, failure: Any) -> Iterator[Any]:
        self.crawler.stats.inc_value("mooc/xuetangx/request_failed")
        self.logger.warning("API request failed: %s (%s)", failure.request.url, failure.value)
        video = failure.request.cb_kwargs.get("video")
        if video is not None:
            video.transcript_error = f"API request failed: {failure.getErrorMessage()}"
            yield self.finish_video(video)

    def parse(self, response: Response) -> Iterator[Any]:
        """``scrapy parse --spider=xuetangx URL``: a catalogue page (HTML, rendered with
        ``--meta '{"playwright": true}'``) or a course list reply (JSON)."""
        if b"json" in (response.headers.get("Content-Type") or b""):
            return self.parse_list(response, 1)
        return self.parse_catalogue(response)

    def parse_list(self, response: Response, page: int) -> Iterator[Any]:
        """A course list reply: a chapters request per course, then the next page.

        @demo /mooc/xuetangx/api/v1/lms/get_product_list/?page=1
        @method POST
        @header xtbz xt
        @cb_kwargs {"page": 1}
        @returns items 0 0
        @returns requests 2
        """
        data, broken, page_path = self._json(response, "course list", XUETANGX_PRODUCT_LIST)
        products = (data or {}).get("product_list") or [] if isinstance(data, dict) else []
        if not isinstance(products, list):  # drifted (recorded): no courses to read
            products = []
        for index, product in enumerate(products):
            if isinstance(product, dict):
                part = within(broken, f"data.product_list[{index}]")
                yield from self._course(product, part, page_path)
        if products:
            yield self._list_request(page + 1)

    def parse_catalogue(self, response: Response) -> Iterator[Any]:
        """The catalogue page, rendered in Chromium: a chapters request per course card.

        @demo /mooc/xuetangx/catalogue
        @rendered a.course-card, .catalogue-empty
        @returns items 0 0
        @returns requests 3
        """
        result = self.page(response, "catalogue")
        cards = result.records_of("card")
        self.crawler.stats.inc_value("mooc/xuetangx/catalogue_cards", len(cards))
        broken = result.broken_fields()
        links = {m[0] for m in _CARD_LINK.finditer(" ".join(response.xpath("//a/@href").getall()))}
        read = {m[0] for c in cards for m in _CARD_LINK.finditer(c["fields"].get("link") or "")}
        if links - read:  # course links outside the cards the model reads: a redesign
            broken.setdefault("card", f"{len(links - read)} course link(s) in no card read")
        elif not cards and result.value("empty") is None:
            broken.setdefault("card", "no course card and no empty-catalogue notice")
        page_path = record_broken_page(self.crawler, response, broken)
        for index, card in enumerate(cards):
            match = _CARD_LINK.search(card["fields"].get("link") or "")
            if not match:
                continue
            staff = [
                (t.css("::text").get("").strip(), t.attrib.get("title", "").strip())
                for t in result.selector("teachers", "card", index)
            ]
            staff = [(name, title) for name, title in staff if name]
            course = self._course_item(
                cid=match[2],
                sign=match[1],
                name=_card_text(result, "name", index) or match[1],
                about=_card_text(result, "intro", index),
                teachers=[name for name, _ in staff],
                school=_card_text(result, "school", index),
            )
            # The page's problems, and this card's own broken fields.
            own = {k: v for k, v in broken.items() if k.partition(".")[2] in ("", *card["broken"])}
            self.flag(course, own, page_path)
            # Teacher "about": the card shows the job title.
            yield self._chapters_request(course, dict(staff))

    def _course(
        self, product: dict[str, Any], broken: dict[str, str], page_path: str | None
    ) -> Iterator[Any]:
        """A course of the API's product list: its chapters request. *broken*: where the
        product drifted from its declared shape (the course item is flagged)."""
        cid = _first(product, "classroom_id", "cid", "course_id")
        sign = _first(product, "sign", "course_sign", default="")
        if cid is None:  # recorded as a broken reply (WARNING, stats, kept)
            self.crawler.stats.inc_value("mooc/xuetangx/product_without_id")
            return
        org = product.get("org") or {}
        teachers = product.get("teacher")
        staff = [
            t
            for t in (teachers if isinstance(teachers, list) else [])
            if isinstance(t, dict) and t.get("name")
        ]
        course = self._course_item(
            cid=cid,
            sign=sign,
            name=str(_first(product, "name", "course_name", "product_name", default=sign)),
            about=str(_first(product, "short_intro", "about", default="")),
            teachers=[str(t["name"]).strip() for t in staff],
            school=org.get("name") if isinstance(org, dict) else str(org),
        )
        self.flag(course, broken, page_path)
        # Teacher "about": the platform's short profile, else the job title.
        about = {
            str(t["name"]).strip(): str(t.get("about") or t.get("job_title") or "").strip()
            for t in staff
        }
        yield self._chapters_request(course, about)

    def _course_item(
        self, *, cid: Any, sign: Any, name: str, about: str, teachers: list[str], school: str | None
    ) -> MoocCourseItem:
        return MoocCourseItem(
            id=course_id(f"{sign}+{cid}" if sign else str(cid)),
            name=name,
            about=about,
            teachers=teachers,
            school=school or None,
            field=self.field,
            platform="xuetangx",
            url=f"{self.base_url}/course/{sign}/{cid}",
            meta={"cid": cid, "sign": sign},
        )

    def _chapters_request(self, course: MoocCourseItem, teacher_about: dict[str, str]) -> Any:
        query = urlencode({"cid": course.meta["cid"], "sign": course.meta["sign"]})
        return self._api(
            f"/learn/course/chapter?{query}",
            self.parse_chapters,
            cb_kwargs={"course": course, "teacher_about": teacher_about},
        )

    def parse_chapters(
        self,
        response: Response,
        course: MoocCourseItem,
        teacher_about: dict[str, str] | None = None,
    ) -> Iterator[Any]:
        """A course's chapters: its records, a leaf-info request per video.

        @demo /mooc/xuetangx/api/v1/lms/learn/course/chapter?cid=1001&sign=DemoTHU08091000
        @header xtbz xt
        @course {"meta": {"cid": 1001, "sign": "DemoTHU08091000"}, "teachers": ["T"]}
        @returns items 3
        @returns requests 2
        """
        data, broken, page_path = self._json(
            response, f"chapters of {course.id}", XUETANGX_CHAPTERS
        )
        if data is None:
            course.meta["error"] = f"chapters: HTTP {response.status}"
        self.flag(course, broken, page_path)
        chapters = (data or {}).get("course_chapter") or [] if isinstance(data, dict) else []
        videos: list[tuple[MoocVideoItem, Any]] = []
        cid, sign = course.meta["cid"], course.meta["sign"]
        # Parts that drifted (flagged on the course above) are skipped, not guessed at.
        for c_index, chapter in enumerate(_records(chapters), 1):
            sections = _records(chapter.get("section_leaf_list"))
            s_index = 0
            for section in sections:
                # A section holds leaves; a bare leaf can also sit in the chapter.
                leaves = section.get("leaf_list") if "leaf_list" in section else [section]
                s_index += 1
                for l_index, leaf in enumerate(_records(leaves), 1):
                    if leaf.get("leaf_type", 0) != 0 or leaf.get("id") is None:
                        continue  # leaf_type 0 = video; others are exercises...
                    order = len(videos) + 1
                    video = MoocVideoItem(
                        id=video_id(f"xt{cid}_{leaf['id']}"),
                        name=str(leaf.get("name") or f"Video {order}"),
                        course_id=course.id,
                        order=order,
                        chapter=f"{c_index}.{s_index}.{l_index}",
                        section=[str(chapter.get("name", "")), str(section.get("name", ""))],
                        field=course.field,
                        language="zh",
                        url=course.url,
                    )
                    videos.append((video, leaf["id"]))
        course.video_order = [v.id for v, _ in videos]
        course.video_name = [v.name for v, _ in videos]
        course.chapter = [v.chapter for v, _ in videos]
        self.crawler.stats.inc_value("mooc/courses")
        if not videos:
            self.crawler.stats.inc_value("mooc/courses/empty")
        yield from course_records(course, teacher_about=teacher_about)
        for video, leaf in videos:
            yield self._api(
                f"/learn/leaf_info/{cid}/{leaf}/?{urlencode({'sign': sign})}",
                self.parse_leaf,
                cb_kwargs={"video": video},
            )

    def parse_leaf(self, response: Response, video: MoocVideoItem) -> Iterator[Any]:
        """A video leaf's info: its subtitles request.

        @demo /mooc/xuetangx/api/v1/lms/learn/leaf_info/1001/11/?sign=DemoTHU08091000
        @header xtbz xt
        @video {}
        @returns items 0 0
        @returns requests 1 1
        """
        data, broken, page_path = self._json(
            response, f"leaf info of {video.id}", XUETANGX_LEAF_INFO
        )
        self.flag(video, broken, page_path)
        media: Any = {}
        if isinstance(data, dict):
            media = (data.get("content_info") or {}).get("media") or data
        ccid = media.get("ccid") if isinstance(media, dict) else None
        if not ccid:
            video.transcript_error = f"no ccid in leaf info (HTTP {response.status})"
            yield self.finish_video(video)
            return
        duration = media.get("duration")
        video.duration = float(duration) if isinstance(duration, int | float) else 0.0
        video.sources = [f"ccid:{ccid}"]
        query = urlencode({"c_d": ccid, "lg": 0})
        yield self._api(
            f"/service/subtitle_parse/?{query}",
            self.parse_subtitle,
            cb_kwargs={"video": video},
        )

    def parse_subtitle(self, response: Response, video: MoocVideoItem) -> Iterator[Any]:
        """A video's subtitles: the finished video.

        @demo /mooc/xuetangx/api/v1/lms/service/subtitle_parse/?c_d=CC0011DEMO&lg=0
        @header xtbz xt
        @video {}
        @returns items 1 1
        @scrapes text start end
        """
        video.transcript_url = response.url
        if response.status >= 400:
            self.crawler.stats.inc_value(f"mooc/xuetangx/http_{response.status}")
            video.transcript_error = f"subtitles: HTTP {response.status}"
        else:
            self.flag(video, *self.check_json(response, XUETANGX_SUBTITLES)[1:])
            self.parse_transcript(response.body, "xuetangx.json", video)
        yield self.finish_video(video)
