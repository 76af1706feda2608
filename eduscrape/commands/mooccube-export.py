"""``scrapy mooccube-export DIR``: the MOOC collections as MOOCCube files.

Reads ``MONGO_URI`` (or the embedded server, started if needed) and database
``MONGO_DATABASE`` (``--database`` overrides); writes ``DIR/entities/*.json``
(JSON lines) and ``DIR/relations/*.json`` (head<TAB>tail). See
:mod:`eduscrape.mooc.export`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.mooc.export import export_mooccube
from eduscrape.mooc.ids import ENTITIES
from eduscrape.storage import redact_uri
from eduscrape.storage.connect import open_database
from eduscrape.storage.uri import BadMongoURI


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "DIR"

    def short_desc(self) -> str:
        return "Write the MOOC collections in MOOCCube's layout (entities/, relations/)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--database", default=None, help="database (default: MONGO_DATABASE)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("expected the output folder")
        from pymongo.errors import PyMongoError

        assert self.settings is not None
        try:
            with open_database(self.settings, opts.database) as (db, uri):
                try:
                    if not _has_mooc_data(db):
                        # Never overwrite a good export with empty files.
                        print(
                            f"mooccube-export: database {db.name!r} at {redact_uri(uri)} holds no MOOC "
                            f"data (the mooc_* collections are empty); nothing written to {args[0]}",
                            file=sys.stderr,
                        )
                        self.exitcode = 1
                        return
                    counts = export_mooccube(db, args[0])
                except PyMongoError as exc:
                    print(
                        f"MongoDB at {redact_uri(uri)}: {type(exc).__name__}: {exc}",
                        file=sys.stderr,
                    )
                    self.exitcode = 1
                    return
        except BadMongoURI as exc:
            print(exc, file=sys.stderr)
            self.exitcode = 2
            return
        for name, count in counts.items():
            print(f"{args[0].rstrip('/')}/{name}: {count} line(s)")
        entities = sum(c for n, c in counts.items() if n.startswith("entities/"))
        relations = sum(c for n, c in counts.items() if n.startswith("relations/"))
        # Last line: the summary (make demo shows it).
        print(
            f"MOOCCube layout in {args[0].rstrip('/')}/: {entities} entities, {relations} relations"
        )


def _has_mooc_data(db: Any, prefix: str = "mooc_") -> bool:
    names = [f"{prefix}{entity}" for entity in ENTITIES] + [f"{prefix}relation"]
    return any(db[name].find_one({}, {"_id": 1}) is not None for name in names)
