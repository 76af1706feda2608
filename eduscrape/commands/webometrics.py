"""``scrapy webometrics``: rank the sites recorded by the ``site`` spider.

    scrapy webometrics [--sites S1,S2] [--json out.json] [--html out.html]

Reads the ``pages`` collection (``MONGO_URI`` or the embedded server), prints a
table, and writes JSON and a self-contained HTML report with charts.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from scrapy.commands import ScrapyCommand

from eduscrape.storage import redact_uri
from eduscrape.storage.connect import open_database
from eduscrape.webometrics import compute_ranking
from eduscrape.webometrics.report import to_html, to_json


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self) -> str:
        return "Compute webometric indicators and a ranking of crawled sites"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--sites", default="", help="comma-separated site ids to rank (default: all)"
        )
        parser.add_argument(
            "--collection", default="pages", help="collection of PageItem documents"
        )
        parser.add_argument(
            "--json", dest="json_path", default=None, help="write the ranking as JSON here"
        )
        parser.add_argument(
            "--html", dest="html_path", default=None, help="write an HTML report here"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        query: dict[str, Any] = {}
        if opts.sites:
            query["site"] = {"$in": [s.strip() for s in opts.sites.split(",") if s.strip()]}
        projection = {"url": 1, "site": 1, "status": 1, "content_type": 1, "outlinks": 1, "_id": 0}
        with open_database(self.settings) as (db, uri):
            pages = list(db[opts.collection].find(query, projection))
        ranking = compute_ranking(pages)
        table = Table(title=f"Webometrics ({len(pages)} pages from {redact_uri(uri)})")
        for col in (
            "rank",
            "site",
            "size",
            "rich files",
            "inlinking pages",
            "inlinking sites",
            "score",
        ):
            table.add_column(col, justify="left" if col == "site" else "right")
        for s in ranking:
            table.add_row(
                str(s.rank),
                s.site,
                str(s.size),
                str(s.rich_files),
                str(s.inlink_pages),
                str(s.inlink_sites),
                str(s.score),
            )
        Console().print(table)
        written = []
        if opts.json_path:
            Path(opts.json_path).write_text(to_json(ranking, pages=len(pages)))
            written.append(opts.json_path)
        if opts.html_path:
            Path(opts.html_path).write_text(to_html(ranking))
            written.append(opts.html_path)
        if written:
            print(f"wrote {' and '.join(written)}")
        if not pages:
            self.exitcode = 1
