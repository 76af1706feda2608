"""``scrapy learn-wrapper WRAPPER PAGE [PAGE...] [--store] [--bundle [PATH]]``: learn tree-grams.

A PAGE is a file or an http(s) URL (fetched through Scrapy: settings, user agent,
robots.txt and proxies apply); each field is learned on the first page where its
selector extracts a valid value. Prints the tree-grams as JSON; ``--store`` also
saves them in MongoDB (``WRAPPER_TREEGRAM_COLLECTION``, keyed by the wrapper's site
and field); ``--bundle`` (re-)writes the wrapper's bundled tree-grams
(``NAME.treegrams.json`` next to it, or PATH), what a first crawl with an empty
MongoDB repairs from.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.adaptation.cli import dumps, learn_wrapper
from eduscrape.commands._fetch import fetch_pages


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "WRAPPER PAGE [PAGE...] [--store] [--bundle [PATH]]"

    def short_desc(self) -> str:
        return "Learn a wrapper's tree-grams from a page (print JSON, optionally store)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--store", action="store_true", help="save them in MongoDB")
        parser.add_argument(
            "--bundle",
            nargs="?",
            const="",
            default=None,
            metavar="PATH",
            help="write them as the wrapper's bundled tree-grams (default: next to the wrapper)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 2:
            raise UsageError("expected WRAPPER and at least one PAGE")
        assert self.settings is not None
        try:
            # A URL goes through Scrapy: settings, user agent, robots.txt and proxies apply.
            fetched = fetch_pages(self.crawler_process, args[1:])
            wrapper, grams = learn_wrapper(
                args[0],
                args[1:],
                self.settings.get("WRAPPERS_DIR"),
                fetched,
                bundle=opts.bundle is not None,
            )
            if not grams:
                raise ValueError("no field of the wrapper extracts a valid value on these pages")
            if opts.bundle is not None:
                from pathlib import Path

                from eduscrape.adaptation.bundle import write_bundle

                target = write_bundle(
                    wrapper, grams, args[1:], Path(opts.bundle) if opts.bundle else None
                )
                print(
                    f"learn-wrapper: {len(grams)} tree-grams written to {target}", file=sys.stderr
                )
        except (OSError, ValueError) as exc:
            print(f"learn-wrapper: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        if opts.store and grams:
            from eduscrape.adaptation.store import MongoStore
            from eduscrape.config import from_settings
            from eduscrape.middlewares.wrappers import WrapperConfig
            from eduscrape.storage.connect import open_writer

            collection = from_settings(WrapperConfig, self.settings).treegram_collection
            with open_writer(self.settings) as writer:
                store = MongoStore(writer.db[collection], writer)
                try:
                    store.load(wrapper.site)  # a stored tree-gram becomes the history
                except Exception as exc:  # unreachable: the saves are spooled
                    print(f"learn-wrapper: cannot read stored tree-grams: {exc}", file=sys.stderr)
                for key, tg in grams.items():
                    store.save(wrapper.site, key, tg, "learned (command)")
        print(
            dumps({"site": wrapper.site, "treegrams": {k: tg.to_dict() for k, tg in grams.items()}})
        )
