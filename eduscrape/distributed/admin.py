"""Operator helpers for a distributed crawl: push start URLs, inspect the shared state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy_redis import defaults
from scrapy_redis.connection import get_redis_from_settings

from eduscrape._logging import redact


def crawl_keys(settings: Any, spider: str) -> dict[str, str]:
    queue = settings.get("SCHEDULER_QUEUE_KEY") or defaults.SCHEDULER_QUEUE_KEY
    queue = queue % {"spider": spider}
    return {
        "requests": queue,
        "leases": f"{queue}:leases",
        "dupefilter": (
            settings.get("SCHEDULER_DUPEFILTER_KEY") or defaults.SCHEDULER_DUPEFILTER_KEY
        )
        % {"spider": spider},
        "start_urls": (settings.get("REDIS_START_URLS_KEY") or defaults.START_URLS_KEY)
        % {"name": spider},
    }


def push_start_urls(settings: Any, spider: str, urls: Iterable[str]) -> int:
    """Append URLs (or JSON entries) to ``<spider>:start_urls``; returns the list length."""
    entries = [u.strip() for u in urls if u.strip()]
    if not entries:
        return 0
    server = get_redis_from_settings(settings)
    return int(server.rpush(crawl_keys(settings, spider)["start_urls"], *entries))


def crawl_status(settings: Any, spider: str) -> dict[str, Any]:
    """Sizes of the shared queue, leases, fingerprints and pushed start URLs."""
    server = get_redis_from_settings(settings)
    keys = crawl_keys(settings, spider)
    pipe = server.pipeline()
    pipe.zcard(keys["requests"]).zcard(keys["leases"]).scard(keys["dupefilter"])
    pipe.llen(keys["start_urls"])
    queued, leased, seen, start = pipe.execute()
    return {
        "redis": redact(settings.get("REDIS_URL") or ""),
        "spider": spider,
        "queued": queued,
        "leased": leased,
        "seen": seen,
        "start_urls": start,
        "keys": keys,
    }
