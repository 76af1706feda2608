"""Scrapy contracts for eduscrape's spider callbacks (``scrapy check``).

Contract URLs point at the bundled demo web, so checks run offline on any machine:
start it (``python -m eduscrape.demo --port 8000``) and tell ``scrapy check`` where::

    EDUSCRAPE_DEMO_URL=http://127.0.0.1:8000 \\
        SCRAPY_SETTINGS_MODULE=eduscrape.demo.settings scrapy check

The contracts (``SPIDER_CONTRACTS`` in eduscrape/settings.py), next to Scrapy's
``@returns``, ``@scrapes``, ``@cb_kwargs``, ``@meta``, ``@method``, ``@header``:

- ``@demo /PATH``: the sample request's URL, PATH on the demo web (``EDUSCRAPE_DEMO_URL``).
- ``@course {JSON}`` / ``@video {JSON}``: a :class:`~eduscrape.items.MoocCourseItem` /
  :class:`~eduscrape.items.MoocVideoItem` in ``cb_kwargs`` (``course`` / ``video``), the
  callback's item from the page before, built from these fields (placeholders for the rest).
- ``@rendered SELECTOR``: render the page in Chromium until SELECTOR matches.
- ``@roots /LEFT /RIGHT``: the variants spider's sites (demo paths), its ``-a left/right``.
- ``@wrapper NAME``: the wrapper spider's wrapper (``-a wrapper=NAME``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from scrapy.contracts import Contract
from scrapy.exceptions import UsageError

from eduscrape.items import MoocCourseItem, MoocVideoItem

DEMO_URL_ENV = "EDUSCRAPE_DEMO_URL"


def demo_url(path: str) -> str:
    """*path* on the demo web whose base URL is in ``EDUSCRAPE_DEMO_URL``."""
    base = os.environ.get(DEMO_URL_ENV, "").strip().rstrip("/")
    if not base:
        raise UsageError(
            f"{DEMO_URL_ENV} is not set: contracts run against the demo web; start it "
            f"(python -m eduscrape.demo --port 8000) and set {DEMO_URL_ENV}=http://127.0.0.1:8000"
        )
    return base + "/" + path.lstrip("/")


def _json_object(contract: Contract) -> dict[str, Any]:
    text = " ".join(contract.args).strip()
    if not text:
        return {}
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"@{contract.name} wants a JSON object, got {text!r}")
    return value


def _with_cb_kwargs(args: dict[str, Any], **values: Any) -> dict[str, Any]:
    # Merged, so @cb_kwargs (written before) keeps its other keyword arguments.
    args["cb_kwargs"] = {**(args.get("cb_kwargs") or {}), **values}
    return args


class DemoContract(Contract):
    """``@demo /PATH``: the sample URL is PATH on the demo web (``EDUSCRAPE_DEMO_URL``)."""

    name = "demo"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = demo_url(self.args[0])
        return args


class CourseContract(Contract):
    """``@course {JSON}``: ``cb_kwargs["course"]``, a MOOC course with these fields."""

    name = "course"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        fields = {"id": "C_contract", "name": "Contract course", **_json_object(self)}
        return _with_cb_kwargs(args, course=MoocCourseItem(**fields))


class VideoContract(Contract):
    """``@video {JSON}``: ``cb_kwargs["video"]``, a MOOC video with these fields."""

    name = "video"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        fields = {
            "id": "V_contract",
            "name": "Contract video",
            "course_id": "C_contract",
            "order": 1,
            **_json_object(self),
        }
        return _with_cb_kwargs(args, video=MoocVideoItem(**fields))


class RenderedContract(Contract):
    """``@rendered SELECTOR``: the page is rendered in Chromium (scrapy-playwright) until
    SELECTOR matches, as the spider's own request for it does."""

    name = "rendered"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        from scrapy_playwright.page import PageMethod

        wait = PageMethod("wait_for_selector", " ".join(self.args))
        args["meta"] = {
            **(args.get("meta") or {}),
            "playwright": True,
            "playwright_page_methods": [wait],
        }
        return args


class _SpiderContract(Contract):
    """A contract that configures the callback's spider (its ``-a`` arguments)."""

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = method.__self__


class RootsContract(_SpiderContract):
    """``@roots /LEFT /RIGHT ...``: the variants spider compares these demo pages."""

    name = "roots"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        self.spider.set_roots([demo_url(path) for path in self.args])
        return args


class WrapperContract(_SpiderContract):
    """``@wrapper NAME``: the wrapper spider uses wrapper NAME (as ``-a wrapper=NAME``)."""

    name = "wrapper"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        self.spider.use_wrapper(self.args[0])
        return args
