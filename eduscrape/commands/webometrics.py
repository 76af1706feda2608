"""``scrapy webometrics``: rank institutions by a declared method.

    scrapy webometrics --indicators FILE.csv --method METHOD --json OUT.json [--html OUT.html]
    scrapy webometrics [--method crawl] [--sites S1,S2] [--graphml OUT.graphml] [--pajek OUT.net]

METHOD is a YAML file or a bundled preset (``webometrics-2013``, ``webometrics-current``,
``webometrics-2013-mixed``, ``crawl``). ``crawl.*`` sources and the network come from
the ``site`` spider's pages in MongoDB, read only when needed. Bad input (unknown
method, missing column, empty table...) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml
from rich import box
from rich.console import Console
from rich.table import Table
from scrapy.commands import ScrapyCommand

from eduscrape.storage.connect import open_database
from eduscrape.webometrics.build import WebometricsResult, build
from eduscrape.webometrics.crawl import CrawlData, measure_crawl, select_institutions
from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.identity import GROUPS
from eduscrape.webometrics.methods import load_method, presets
from eduscrape.webometrics.network import to_graph, write_graphml, write_pajek
from eduscrape.webometrics.report import to_html
from eduscrape.webometrics.table import read_table

_PAGE_FIELDS = (
    "url", "site", "status", "content_type", "outlinks", "canonical_url", "rich_type",
    "scholarly", "dois", "fetched_at",
)  # fmt: skip


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--indicators FILE.csv] [--method METHOD] [--json OUT.json] [--html OUT.html]"

    def short_desc(self) -> str:
        return "Rank institutions by a declared webometric method (imported and crawled counts)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add = parser.add_argument
        add("--indicators", default=None, help="CSV: a 'site' column plus numeric columns")
        add(
            "--method",
            default=None,
            help=f"YAML file or preset ({', '.join(presets())}); default: webometrics-2013 "
            "with --indicators, else crawl",
        )
        add(
            "--missing",
            choices=("error", "zero"),
            default="error",
            help="empty cells of the table: an error (default) or 0, counted in the warnings",
        )
        add("--sites", nargs="+", default=[], help="rank only these sites (comma-separated)")
        add("--group", choices=GROUPS, default="domain", help="crawled-site identity")
        add("--institutions", default=None, help="YAML: institution -> list of hosts/roots")
        add("--exclude-top-referrers", type=int, default=None, help="override the method's")
        add("--collection", default="pages", help="collection of the site spider's pages")
        add("--crawls-collection", default="site_crawls", help="collection of crawl records")
        add("--json", dest="json_path", default=None, help="write the ranking as JSON here")
        add("--html", dest="html_path", default=None, help="write the HTML report here")
        add("--graphml", default=None, help="write the interlinking network as GraphML here")
        add("--pajek", default=None, help="write the interlinking network as Pajek .net here")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self._run(args, opts)
        except WebometricsError as exc:
            print(f"webometrics: error: {exc}", file=sys.stderr)
            self.exitcode = 2
        except OSError as exc:  # writing an output
            print(f"webometrics: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
            self.exitcode = 2

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise WebometricsError(f"unexpected argument(s): {' '.join(args)}")
        table = read_table(opts.indicators, opts.missing) if opts.indicators else None
        method = load_method(opts.method or ("webometrics-2013" if table else "crawl"))
        if opts.exclude_top_referrers is not None:
            if opts.exclude_top_referrers < 0:
                raise WebometricsError("--exclude-top-referrers must be >= 0")
            method.exclude_top_referrers = opts.exclude_top_referrers
        only = [s.strip() for arg in opts.sites for s in arg.split(",") if s.strip()]
        crawl = None
        if table is None or method.needs_crawl or opts.graphml or opts.pajek:
            crawl = self._read_crawl(opts, only if table is None else [])
        # Crawl-only: --sites already chose the institutions measured (a closed set).
        result = build(method, table, crawl, only if table is not None else [])
        self._print(result)
        written = self._write(result, opts)
        for warning in result.warnings:
            print(f"webometrics: warning: {warning}", file=sys.stderr)
        if written:
            print(f"wrote {', '.join(written)}")

    def _read_crawl(self, opts: argparse.Namespace, only: list[str]) -> CrawlData:
        assert self.settings is not None
        explicit = _read_institutions(opts.institutions) if opts.institutions else None
        projection = {f: 1 for f in _PAGE_FIELDS} | {"_id": 0}
        try:
            with open_database(self.settings) as (db, _uri):
                pages = list(db[opts.collection].find({}, projection))
                crawls = list(db[opts.crawls_collection].find({}, {"_id": 0}))
        except WebometricsError:
            raise
        except Exception as exc:  # connection refused, bad URI...: one line, not a traceback
            raise WebometricsError(f"cannot read the crawl from MongoDB: {exc}") from None
        names = select_institutions(pages, only, opts.group, explicit) if only else None
        return measure_crawl(pages, crawls, opts.group, explicit, names)

    def _print(self, result: WebometricsResult) -> None:
        names = list(result.method.indicators)
        # Readable at 80 columns: light borders, and long sites and indicator names fold
        # onto more lines instead of being cut ("127.0.0.1:8…").
        table = Table(
            title=f"Webometrics — method {result.method.name}",
            box=box.SIMPLE_HEAD,
            padding=(0, 1),
            collapse_padding=True,
            pad_edge=False,
        )
        table.add_column("rank", justify="right", overflow="fold")
        table.add_column("site", overflow="fold", min_width=12)
        # Numbers as 0.1234 (the JSON/HTML reports keep full precision): 6 characters.
        for name in ("score", *names):
            table.add_column(name, justify="right", overflow="fold", width=6)
        for s in result.ranking.sites:
            flag = " (truncated)" if "truncated" in s.flags else ""
            table.add_row(
                str(s.rank),
                s.site + flag,
                f"{s.score:.4f}",
                *(f"{s.indicators[n]:.4f}" for n in names),
            )
        Console().print(table)  # the terminal's width (COLUMNS; 80 when not a terminal)

    def _write(self, result: WebometricsResult, opts: argparse.Namespace) -> list[str]:
        written = []
        if opts.json_path:
            text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
            _output(opts.json_path).write_text(text + "\n", encoding="utf-8")
            written.append(opts.json_path)
        if opts.html_path:
            _output(opts.html_path).write_text(to_html(result), encoding="utf-8")
            written.append(opts.html_path)
        if (opts.graphml or opts.pajek) and result.crawl is not None:
            names = [n for n in result.crawl.institutions if result.crawl.institutions[n].sites]
            scores = {
                (result.institution_of.get(s.site) or s.site): {"rank": s.rank, "score": s.score}
                for s in result.ranking.sites
            }
            graph = to_graph(result.crawl, names, scores)
            if opts.graphml:
                write_graphml(graph, _output(opts.graphml))
                written.append(opts.graphml)
            if opts.pajek:
                write_pajek(graph, _output(opts.pajek))
                written.append(opts.pajek)
        return written


def _output(path: str) -> Path:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WebometricsError(f"{path}: cannot create its folder ({exc.strerror})") from None
    return target


def _read_institutions(path: str) -> dict[str, list[str]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WebometricsError(f"{path}: cannot read it ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(h, str) for h in v) for v in data.values()
    ):
        raise WebometricsError(f"{path}: expected institution -> list of hosts or host/path roots")
    return {str(k): v for k, v in data.items()}
