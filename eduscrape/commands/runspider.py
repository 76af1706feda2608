"""``scrapy runspider FILE``: Scrapy's command with the honest exit status of ``scrapy crawl``."""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands.runspider import Command as ScrapyRunspiderCommand

from eduscrape.commands.crawl import run_honestly


class Command(ScrapyRunspiderCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        process = self.crawler_process
        assert process is not None
        calls: list[tuple[Any, dict[str, Any]]] = []
        # Let Scrapy load the spider file (its usage errors included), then run it here.
        original = process.crawl
        # A stand-in that records the call (returns None, not crawl()'s Deferred).
        process.crawl = lambda crawler, **spargs: calls.append((crawler, spargs))  # type: ignore[method-assign, assignment]
        process_start = process.start
        process.start = lambda *a, **kw: None  # type: ignore[method-assign]
        try:
            super().run(args, opts)
        finally:
            process.crawl = original  # type: ignore[method-assign]
            process.start = process_start  # type: ignore[method-assign]
        if calls:
            crawler, spargs = calls[0]
            self.exitcode = run_honestly(self, crawler, spargs, crawler.spidercls.name)
