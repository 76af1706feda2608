"""``scrapy learn-wrapper WRAPPER PAGE [--store]``: learn a wrapper's tree-grams from a page.

Prints the tree-grams as JSON; ``--store`` also saves them in MongoDB
(``WRAPPER_TREEGRAM_COLLECTION``, keyed by the wrapper's site and field).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.adaptation.cli import dumps, learn_wrapper


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "WRAPPER PAGE [--store]"

    def short_desc(self) -> str:
        return "Learn a wrapper's tree-grams from a page (print JSON, optionally store)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--store", action="store_true", help="save them in MongoDB")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("expected WRAPPER and PAGE")
        try:
            wrapper, grams = learn_wrapper(args[0], args[1], self.settings.get("WRAPPERS_DIR"))
        except (OSError, ValueError) as exc:
            print(f"learn-wrapper: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        if opts.store and grams:
            from eduscrape.adaptation.store import MongoStore
            from eduscrape.adaptation.treegram import TreeGram
            from eduscrape.storage.connect import ensure_uri

            s = self.settings
            uri, _started = ensure_uri(s)  # an embedded server started here stops at exit
            store = MongoStore(
                uri, s.get("MONGO_DATABASE"), s.get("WRAPPER_TREEGRAM_COLLECTION") or "treegrams"
            )
            for key, data in grams.items():
                store.save(wrapper.site, key, TreeGram.from_dict(data), "learned (command)")
            store.close()
        print(dumps({"site": wrapper.site, "treegrams": grams}))
