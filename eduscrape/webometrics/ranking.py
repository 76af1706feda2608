"""Scores and ranks of sites under a method (Scrapy-free).

    ranking = rank_sites(values, resolve(method, table.columns, CRAWL_SOURCES))

*values* holds every site's raw value of every bound source. Each source is
normalised over the ranked sites, an indicator is the sum of its normalised
sources, score = sum(weight * indicator) / sum(weight), rank 1 = highest score and
equal scores share a rank (1, 2, 2, 4). Ties keep the input order (a published
table's own order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.methods import ResolvedMethod
from eduscrape.webometrics.normalisation import competition_ranks, normalise, tie_key


@dataclass
class RankedSite:
    """A site's rank, score and indicator values (raw and normalised)."""

    site: str
    rank: int
    score: float
    indicators: dict[str, float]
    sources: dict[str, float]  # raw values
    normalised: dict[str, float] = field(default_factory=dict)
    indicator_ranks: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # e.g. "truncated"

    def as_dict(self) -> dict[str, Any]:
        """The ranked site as a JSON-ready dict."""
        return {
            "site": self.site,
            "rank": self.rank,
            "score": self.score,
            "indicators": self.indicators,
            "sources": self.sources,
            "normalised": self.normalised,
            "indicator_ranks": self.indicator_ranks,
            "flags": self.flags,
        }


@dataclass
class Ranking:
    """The ranked sites of a resolved method, best first."""

    resolved: ResolvedMethod
    sites: list[RankedSite]

    def by_site(self) -> dict[str, RankedSite]:
        """The ranked sites by site name."""
        return {s.site: s for s in self.sites}


def rank_sites(values: Mapping[str, Mapping[str, float]], resolved: ResolvedMethod) -> Ranking:
    """*values*: site -> source -> raw value, in the order ties should keep."""
    if not values:
        raise WebometricsError("nothing to rank: no sites")
    method = resolved.method
    sites = list(values)
    normalised: dict[str, dict[str, float]] = {s: {} for s in sites}
    indicators: dict[str, dict[str, float]] = {s: {} for s in sites}
    for name, sources in resolved.sources.items():
        how = method.indicators[name].normalize
        for source in sources:
            try:
                column = {s: float(values[s][source]) for s in sites}
            except KeyError as exc:
                raise WebometricsError(
                    f"site {exc.args[0]!r} has no value for {source!r}"
                ) from None
            for site, value in normalise(column, how).items():
                normalised[site][source] = value
        for site in sites:
            indicators[site][name] = sum(normalised[site][src] for src in sources)
    total = method.total_weight
    scores = {
        site: sum(method.indicators[n].weight * v for n, v in indicators[site].items()) / total
        for site in sites
    }
    ranks = competition_ranks(scores)
    per_indicator = {
        name: competition_ranks({s: indicators[s][name] for s in sites})
        for name in resolved.sources
    }
    ordered = sorted(sites, key=lambda s: -tie_key(scores[s]))  # stable: ties keep input order
    used = [src for srcs in resolved.sources.values() for src in srcs]
    return Ranking(
        resolved,
        [
            RankedSite(
                site=s,
                rank=ranks[s],
                score=scores[s],
                indicators=indicators[s],
                sources={src: values[s][src] for src in used},
                normalised=normalised[s],
                indicator_ranks={n: per_indicator[n][s] for n in resolved.sources},
            )
            for s in ordered
        ],
    )
