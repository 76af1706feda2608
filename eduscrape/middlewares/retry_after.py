"""RetryAfterMiddleware: retry 429/503 answers after the server's Retry-After.

An API that rate-limits says how long to wait; Scrapy's RetryMiddleware
retries at once. This one waits ``Retry-After`` (seconds or an HTTP date,
capped at ``RETRY_AFTER_MAX``), or an exponential backoff
(``RETRY_AFTER_BACKOFF * 2**n``) when the header is missing, up to
``RETRY_AFTER_TIMES`` times; then the response goes to the spider, which
records it. Only the waiting request is delayed.

Stats: ``retry_after/retried``, ``retry_after/waited_s``, ``retry_after/gave_up``.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from eduscrape.config import from_settings, setting


def retry_delay(header: str | None, attempt: int, backoff: float, cap: float) -> float:
    """Seconds to wait before retry number *attempt* (0-based)."""
    delay = backoff * 2**attempt
    if header:
        header = header.strip()
        if header.isdigit():
            delay = float(header)
        else:
            parsed = email.utils.parsedate_to_datetime(header) if header else None
            if parsed is not None:
                delay = max(0.0, parsed.timestamp() - time.time())
    return min(delay, cap)


@dataclass(frozen=True)
class RetryAfterConfig:
    http_codes: list[int] = setting("RETRY_AFTER_HTTP_CODES")
    times: int = setting("RETRY_AFTER_TIMES")
    backoff: float = setting("RETRY_AFTER_BACKOFF")
    max_delay: float = setting("RETRY_AFTER_MAX")


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = from_settings(RetryAfterConfig, crawler.settings)
        self.codes = {int(c) for c in config.http_codes}
        self.times = config.times
        self.backoff = config.backoff
        self.cap = config.max_delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        attempt = request.meta.get("retry_after_times", 0)
        stats = self.crawler.stats
        if attempt >= self.times:
            stats.inc_value("retry_after/gave_up")
            request.meta["dont_retry"] = True  # Scrapy's RetryMiddleware must not retry again
            return response
        try:
            header = (response.headers.get("Retry-After") or b"").decode("latin-1")
            delay = retry_delay(header, attempt, self.backoff, self.cap)
        except (TypeError, ValueError):
            delay = min(self.backoff * 2**attempt, self.cap)
        stats.inc_value("retry_after/retried")
        # Scrapy annotates the increment as int; a float adds up the same.
        stats.inc_value("retry_after/waited_s", round(delay, 3))  # type: ignore[arg-type]
        await asyncio.sleep(delay)
        retry: Any = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = attempt + 1
        return retry
