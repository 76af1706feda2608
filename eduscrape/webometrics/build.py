"""From a method, an imported table and/or a crawl to a ranking (Scrapy-free).

    result = build(load_method("webometrics-2013"), table=read_table("t.csv"))
    json.dumps(result.as_dict())

The ranked set is the table's sites when a table is given (``crawl.*`` sources then come
from the crawled institution each site's host belongs to), else every crawled
institution. *only* restricts either to the given sites.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from eduscrape.webometrics.crawl import CRAWL_SOURCES, CrawlData
from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.identity import netloc_of
from eduscrape.webometrics.methods import Method, resolve
from eduscrape.webometrics.network import co_inlinks, interlinking_matrix
from eduscrape.webometrics.ranking import Ranking, rank_sites
from eduscrape.webometrics.table import IndicatorTable


@dataclass
class WebometricsResult:
    """A ranking with its method, inputs, warnings and provenance."""

    method: Method
    ranking: Ranking
    table: IndicatorTable | None = None
    crawl: CrawlData | None = None
    institution_of: dict[str, str | None] = field(default_factory=dict)  # site -> crawled one
    warnings: list[str] = field(default_factory=list)
    created_at: str = ""
    measured: dict[str, dict[str, float]] = field(default_factory=dict)  # site -> every crawl.*

    def provenance(self) -> dict[str, Any]:
        """Where the ranking comes from: method (and its hash), inputs, time."""
        info: dict[str, Any] = {
            "created_at": self.created_at,
            "method": self.method.name,
            "method_origin": self.method.origin,
            "method_sha256": self.method.sha256,
            "table": self.table.path if self.table else None,
        }
        if self.crawl is not None:
            info["grouping"] = self.crawl.group
            info["crawls"] = {
                name: {
                    "sites": sorted(inst.sites),
                    "first_fetch": inst.first_fetch,
                    "last_fetch": inst.last_fetch,
                    "truncated": inst.truncated,
                    "max_pages": inst.max_pages,
                }
                for name, inst in sorted(self.crawl.institutions.items())
                if inst.sites
            }
            info["skipped"] = dict(self.crawl.skipped)
        return info

    def network(self) -> dict[str, Any]:
        """The directed interlinking matrix (linking pages) and co-inlinks of the crawl."""
        if self.crawl is None:
            return {}
        names = [n for n, inst in self.crawl.institutions.items() if inst.sites]
        return {
            "institutions": names,
            "interlinking_pages": interlinking_matrix(self.crawl, names),
            "co_inlinks": co_inlinks(self.crawl, names),
            "edges": [
                {"source": a, "target": b, "pages": len(e.pages), "links": e.links,
                 "hosts": len(e.hosts)}
                for (a, b), e in sorted(self.crawl.edges.items())
                if a in names and b in names
            ],
        }  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """The whole result as a JSON-ready dict."""
        return {
            "method": {**self.method.as_dict(), "resolved_sources": self.ranking.resolved.sources},
            "sites": [
                _clean({**s.as_dict(), "crawl": self.measured.get(s.site, {})})
                for s in self.ranking.sites
            ],
            "network": self.network(),
            "provenance": self.provenance(),
            "warnings": self.warnings,
        }


def _clean(value: Any) -> Any:
    """Whole floats as ints (counts read as 12, not 12.0); scores stay floats."""
    if isinstance(value, dict):
        return {k: (v if k == "score" else _clean(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _select(candidates: Sequence[str], only: Sequence[str], what: str) -> list[str]:
    if not only:
        return list(candidates)
    wanted: list[str] = []
    for site in only:
        match = [c for c in candidates if c == site] or [
            c for c in candidates if netloc_of(c) == netloc_of(site) and "/" not in site.strip("/")
        ]
        if not match:
            raise WebometricsError(f"--sites: {site!r} is not among the {what}")
        wanted.extend(m for m in match if m not in wanted)
    return [c for c in candidates if c in wanted]


def build(
    method: Method,
    table: IndicatorTable | None = None,
    crawl: CrawlData | None = None,
    only: Sequence[str] = (),
) -> WebometricsResult:
    """Rank the sites of an indicator *table* and/or a *crawl* by *method*."""
    if table is None and crawl is None:
        raise WebometricsError("nothing to rank: give --indicators FILE.csv or crawl first")
    resolved = resolve(method, table.columns if table else [], CRAWL_SOURCES)
    if resolved.crawl_sources and crawl is None:
        raise WebometricsError("the method uses crawl.* sources but no crawl data was read")
    warnings: list[str] = []
    institution_of: dict[str, str | None] = {}
    if table is not None:
        sites = _select(table.sites, only, "table's sites")
        table = table.restrict(sites)
    else:
        assert crawl is not None
        crawled = [n for n, inst in crawl.institutions.items() if inst.sites]
        sites = _select(crawled, only, "crawled institutions")
        if not sites:
            raise WebometricsError("nothing to rank: no crawled pages (run the site spider)")
    needs_crawl = bool(resolved.crawl_sources)
    values: dict[str, dict[str, float]] = {}
    measured: dict[str, dict[str, float]] = {}
    for site in sites:
        row: dict[str, float] = {}
        if table is not None:
            for cols in resolved.sources.values():
                for col in cols:
                    if not col.startswith("crawl."):
                        row[col] = table.numeric(col)[site]
        if crawl is not None:
            name = site if table is None else crawl.institution_of(site)
            institution_of[site] = name
            crawled_values: dict[str, float] = {}
            if name is not None:
                crawled_values = crawl.sources(name, method.exclude_top_referrers)
                measured[site] = crawled_values
            elif needs_crawl:
                warnings.append(f"site {site!r}: not crawled, its crawl.* sources are 0")
            if needs_crawl:
                row.update({s: float(crawled_values.get(s, 0)) for s in resolved.crawl_sources})
        values[site] = row
    if table is not None:
        for column, count in table.filled.items():
            warnings.append(f"column {column!r}: {count} empty cell(s) read as 0")
    ranking = rank_sites(values, resolved)
    if crawl is not None:
        for ranked in ranking.sites:
            name = institution_of.get(ranked.site)
            if name is not None and crawl.institutions[name].truncated:
                ranked.flags.append("truncated")
    return WebometricsResult(
        method,
        ranking,
        table,
        crawl,
        institution_of,
        warnings,
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
        measured,
    )
