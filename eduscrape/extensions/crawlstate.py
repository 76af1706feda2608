"""CrawlState: a crawl resumed after a hard kill finishes instead of stopping at once.

With ``JOBDIR``, Scrapy appends every request's fingerprint to
``JOBDIR/requests.seen`` as the crawl goes, but writes its disk queue's index
(``requests.queue/active.json``) only on a clean close. After ``kill -9`` the
resumed run therefore starts with an empty queue and every start URL "seen":
it crawls nothing and reports ``finished``.

This extension writes ``JOBDIR/eduscrape-running.json`` when the spider opens and
removes it when the spider closes (after Scrapy saved its queue). Finding the
marker at start means the previous run stopped without closing: the extension
then says so in one WARNING and discards the stale ``requests.seen`` and the
incomplete ``requests.queue/`` before Scrapy's scheduler reads them, so the crawl
re-discovers its pages from the start URLs. Pages stored before the kill are
upserted again on their natural keys: exactly one document each in MongoDB, and
the items the killed run had not stored yet come back from the storage journal
(:mod:`eduscrape.storage.journal`). ``JOBDIR/spider.state`` (saved at the last
clean close) is kept.

scrapy-redis workers need no marker: their frontier lives in Redis, where the
requests a killed worker held come back when its leases expire
(:mod:`eduscrape.distributed.queue`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

MARKER = "eduscrape-running.json"
#: What Scrapy keeps in JOBDIR that is only consistent after a clean close.
_STALE = ("requests.seen", "requests.queue")


class CrawlState:
    """``EXTENSIONS = {"eduscrape.extensions.crawlstate.CrawlState": 0}`` (needs ``JOBDIR``)."""

    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.crawler = crawler
        self.jobdir = jobdir
        self.marker = jobdir / MARKER
        # Built with the crawler, before the engine creates the scheduler and its
        # duplicate filter, which read requests.seen and requests.queue/.
        if self.marker.exists():
            self._discard_stale_state()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlState:
        jobdir = job_dir(crawler.settings)
        if not jobdir:
            raise NotConfigured("no JOBDIR")
        state = cls(crawler, Path(jobdir))
        crawler.signals.connect(state.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        return state

    def _discard_stale_state(self) -> None:
        previous = _read(self.marker)
        discarded = []
        for name in _STALE:
            path = self.jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            discarded.append(name)
        self.crawler.stats.set_value("eduscrape/unclean_resume", 1)
        logger.warning(
            "The previous crawl with JOBDIR %s (pid %s, started %s) stopped without closing "
            "(killed?): its request queue was never saved, so %s %s discarded and this run "
            "re-crawls from the start URLs; pages already stored are updated in place, not "
            "duplicated",
            self.jobdir,
            previous.get("pid", "?"),
            previous.get("started", "?"),
            " and ".join(discarded) or "nothing",
            "is" if len(discarded) == 1 else "are",
        )

    def spider_opened(self, spider: Any) -> None:
        record = {
            "pid": os.getpid(),
            "spider": getattr(spider, "name", None),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        tmp = self.marker.with_name(MARKER + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(record, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.marker)

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Scrapy's scheduler has saved its queue by now (it closes before this signal).
        self.marker.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
