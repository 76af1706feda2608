"""``scrapy repair OLD_PAGE NEW_PAGE --xpath X | --css C``: repair a selector, print JSON.

Pages are files or http(s) URLs (fetched through Scrapy: the project's settings, user
agent, robots.txt and proxies apply). Output: ``status`` (intact, repaired,
unrepaired), ``xpath``, ``similarity``, ``values``, ``reason``, ``detail``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.adaptation.cli import dumps, repair_json
from eduscrape.adaptation.selectors import SelectorError, compile_selector
from eduscrape.commands._fetch import fetch_pages


class Command(ScrapyCommand):
    requires_project = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "OLD_PAGE NEW_PAGE (--xpath X | --css C)"

    def short_desc(self) -> str:
        return "Repair a selector that worked on OLD_PAGE so it works on NEW_PAGE (JSON)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--xpath", help="selector that worked on OLD_PAGE")
        parser.add_argument("--css", help="CSS selector that worked on OLD_PAGE")
        parser.add_argument(
            "--algorithm",
            default="clustered",
            choices=["clustered", "simple", "bigram", "sequence"],
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("expected OLD_PAGE and NEW_PAGE")
        if bool(opts.xpath) == bool(opts.css):
            raise UsageError("give exactly one of --xpath or --css")
        try:
            compile_selector(opts.xpath, opts.css)
        except SelectorError as exc:
            print(f"repair: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        try:
            # URLs go through Scrapy: settings, user agent, robots.txt and proxies apply.
            fetched = fetch_pages(self.crawler_process, args)
            out = repair_json(
                args[0],
                args[1],
                xpath=opts.xpath,
                css=opts.css,
                algorithm=opts.algorithm,
                fetched=fetched,
            )
        except (OSError, ValueError) as exc:
            print(f"repair: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        print(dumps(out))
