"""``scrapy variants-report``: HTML and JSON report of a ``variants`` session.

    scrapy variants-report [--session ID] [--output report.html] [--json report.json]

Default: the latest finished session in MongoDB (``MONGO_URI`` or the embedded server).
The logic is in :mod:`eduscrape.variants.report`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.variants.report import build_report, render_html, render_json


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--session ID] [--output FILE.html] [--json FILE.json]"

    def short_desc(self) -> str:
        return "Write the HTML/JSON report of a variants (language site pair) session"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--session", default=None, help="session id (default: latest)")
        parser.add_argument("--pair", default=None, help="latest session of this pair id")
        parser.add_argument("--output", default="variants-report.html", help="HTML file")
        parser.add_argument(
            "--json", dest="json_path", default=None, help="JSON file (default: next to --output)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from eduscrape.storage.connect import open_database
        from eduscrape.variants import store

        assert self.settings is not None
        with open_database(self.settings) as (db, _uri):
            session = (
                store.get_session(db, opts.session)
                if opts.session
                else store.latest_session(db, opts.pair)
            )
            if session is None:
                raise UsageError("no variants session found (run `scrapy crawl variants` first)")
            report = build_report(session, store.session_sets(db, session["session"]))
        out = Path(opts.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        links = self.settings.get("VARIANTS_REPORT_LINKS", "auto")
        live = (
            None if str(links).lower() == "auto" else self.settings.getbool("VARIANTS_REPORT_LINKS")
        )
        out.write_text(render_html(report, links=live), encoding="utf-8")
        json_path = Path(opts.json_path) if opts.json_path else out.with_suffix(".json")
        json_path.write_text(render_json(report), encoding="utf-8")
        c = report["counts"]
        print(
            f"session {report['session']}: {c['sets']} compared, {c['inconsistent']} inconsistent "
            f"-> {out} and {json_path}"
        )
