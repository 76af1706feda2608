"""``scrapy crawl``: Scrapy's command, with an honest exit status.

A crawl that failed exits non-zero and says why in one line on stderr
(``crawl site failed (start_error): start error: Missing scheme ...``), without
a traceback:

- the spider cannot be created (a missing or wrong ``-a`` argument): exit 2.
  Scrapy's asyncio runner would log ``Task exception was never retrieved`` and
  the traceback; the exception is retrieved here and shown as one line (the
  traceback only with ``-L DEBUG``);
- the crawl ends with a finish reason listed in ``EDUSCRAPE_FAILED_FINISH_REASONS``
  (``start_error``, ``bad_mongo_uri``, ...), or had start errors: exit 1;
- with ``EDUSCRAPE_FAIL_WITHOUT_ITEMS``, the crawl produced no item (scraped or
  dropped) and recorded errors or warnings (ERROR/WARNING log lines, spider or
  download exceptions): exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler

from eduscrape._logging import redact
from eduscrape.middlewares.guards import FAILURE_STAT
from eduscrape.spiders._broken import broken_share

logger = logging.getLogger(__name__)

USAGE_ERROR = 2
# What counts as an error of a crawl that produced nothing (warnings count too:
# spiders record failed API calls and pages as WARNINGs plus a stat).
_ERROR_STATS = ("log_count/ERROR", "spider_exceptions/count", "downloader/exception_count")


class _FirstError(logging.Handler):
    """Remembers the first ERROR record's message: the reason shown in the exit line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.message is None:
            try:
                self.message = record.getMessage().splitlines()[0].strip() if record.msg else ""
            except Exception:  # a record that cannot be formatted is not worth a crash
                self.message = str(record.msg)


def failure_of(stats: dict[str, Any], settings: Any) -> str | None:
    """Why a finished crawl counts as failed (its finish reason, or a short phrase), else None."""
    reason = stats.get("finish_reason")
    if reason in settings.getlist("EDUSCRAPE_FAILED_FINISH_REASONS"):
        return str(reason)
    if stats.get("eduscrape/start_errors"):
        return f"{stats['eduscrape/start_errors']} start error(s)"
    broken, parsed = broken_share(stats)
    if parsed and broken / parsed > settings.getfloat("EDUSCRAPE_BROKEN_PAGES_MAX_SHARE"):
        return (
            f"{broken} of {parsed} pages broken: their selectors or expected keys found nothing"
            " (see the WARNINGs)"
        )
    # Items that only record a failed fetch (the site spider's) are not data.
    items = (
        stats.get("item_scraped_count", 0)
        + stats.get("item_dropped_count", 0)
        - stats.get("eduscrape/failed_fetch_items", 0)
    )
    if items or not settings.getbool("EDUSCRAPE_FAIL_WITHOUT_ITEMS"):
        return None
    errors = sum(stats.get(k, 0) for k in _ERROR_STATS)
    warnings = stats.get("log_count/WARNING", 0)
    if errors or warnings:
        return f"no item; {errors} error(s), {warnings} warning(s)"
    return None


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # A crawl checks required -a arguments when the spider is created (exit 2),
        # where `scrapy parse` / `scrapy check` create spiders without them.
        self.settings.set("EDUSCRAPE_CHECK_ARGUMENTS", True, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        spname = args[0]
        self.exitcode = run_honestly(self, self._create_crawler(spname), opts.spargs, spname)


def run_honestly(command: Any, crawler: Crawler, spargs: dict[str, Any], name: str) -> int:
    """Run *crawler* in *command*'s process; the exit status, said in one line if not 0."""
    process = command.crawler_process
    assert process is not None
    bootstrap: list[BaseException] = []
    first_error = _FirstError()
    logging.getLogger().addHandler(first_error)
    try:
        started = process.crawl(crawler, **spargs)
        _on_failure(started, bootstrap.append)
        process.start()
    finally:
        logging.getLogger().removeHandler(first_error)
    if bootstrap:
        exc = bootstrap[0]
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            logger.debug("spider %r could not start", name, exc_info=exc)
        _say(f"crawl {name}: cannot start the spider: {exc or type(exc).__name__}")
        return USAGE_ERROR
    if process.bootstrap_failed:
        return 1
    failure = failure_of(_stats(crawler), crawler.settings)
    if failure is not None:
        detail = _stats(crawler).get(FAILURE_STAT) or first_error.message
        _say(f"crawl {name} failed ({failure})" + (f": {detail}" if detail else ""))
        return 1
    return 0


def _stats(crawler: Crawler) -> dict[str, Any]:
    return crawler.stats.get_stats() if crawler.stats is not None else {}


def _say(line: str) -> None:
    print(redact(line)[:1000], file=sys.stderr)


def _on_failure(started: Any, callback: Any) -> None:
    """Retrieve the exception of a failed start (asyncio Task or Twisted Deferred)."""
    if isinstance(started, asyncio.Future):

        def done(task: asyncio.Future[Any]) -> None:
            if not task.cancelled() and task.exception() is not None:
                callback(task.exception())

        started.add_done_callback(done)
    elif hasattr(started, "addErrback"):

        def errback(failure: Any) -> None:
            callback(failure.value)

        started.addErrback(errback)
