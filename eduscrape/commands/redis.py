"""``scrapy redis push SPIDER URL... | status SPIDER``: operate a distributed crawl.

- ``push``: append start URLs (or JSON ``{"url": ..., "meta": {...}}``) to
  ``<spider>:start_urls``; running workers pick them up, new ones start with them;
- ``status``: queued and leased requests, fingerprints seen, pushed start URLs.

Needs ``REDIS_URL`` (environment or ``-s``).
"""

from __future__ import annotations

import argparse
import json

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.distributed.admin import crawl_status, push_start_urls


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "push SPIDER URL... | status SPIDER"

    def short_desc(self) -> str:
        return "Push start URLs to a distributed crawl or show its state in Redis"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print `status` as JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not self.settings.get("REDIS_URL"):
            raise UsageError("REDIS_URL is not set (environment or -s REDIS_URL=...)")
        if len(args) >= 3 and args[0] == "push":
            length = push_start_urls(self.settings, args[1], args[2:])
            print(f"pushed {len(args) - 2} start URL(s); {length} waiting for {args[1]!r}")
        elif len(args) == 2 and args[0] == "status":
            status = crawl_status(self.settings, args[1])
            if opts.json:
                print(json.dumps(status, indent=2))
            else:
                print(
                    f"{status['spider']} on {status['redis']}: {status['queued']} queued, "
                    f"{status['leased']} leased (in progress), {status['seen']} seen, "
                    f"{status['start_urls']} start URL(s) waiting"
                )
        else:
            raise UsageError("expected `push SPIDER URL...` or `status SPIDER`")
