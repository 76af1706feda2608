"""Per institution: the indicator with the largest gap to the leader, and what would move it.

The gap is weighted (weight x (leader's indicator - its indicator)), so it names the
indicator where the most score is lost. The advice comes from the crawl when there is
one: rich files without a landing page carrying scholarly metadata ("orphan" files,
invisible to Google Scholar), pages without scholarly metadata, broken internal
links, missing links from the other institutions, and the weakest source.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from eduscrape.webometrics.build import WebometricsResult


@dataclass
class Recommendation:
    """Where a site loses score on an indicator, against the leader and median."""

    site: str
    indicator: str
    value: float
    leader: float
    median: float
    lost_score: float
    advice: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The recommendation as a JSON-ready dict."""
        return self.__dict__.copy()


def recommendations(result: WebometricsResult) -> list[Recommendation]:
    """What each site could improve, largest score loss first."""
    method = result.method
    sites = result.ranking.sites
    if len(sites) < 2:
        return []
    names = list(method.indicators)
    top = {n: max(s.indicators[n] for s in sites) for n in names}
    median = {n: statistics.median(s.indicators[n] for s in sites) for n in names}
    out = []
    for s in sites:
        lost = {
            n: method.indicators[n].weight * (top[n] - s.indicators[n]) / method.total_weight
            for n in names
        }
        worst = max(names, key=lambda n: (lost[n], -names.index(n)))
        if lost[worst] <= 0:
            continue  # leads on every indicator
        rec = Recommendation(
            s.site, worst, s.indicators[worst], top[worst], median[worst], lost[worst]
        )
        rec.advice = _advice(result, s.site, worst)
        out.append(rec)
    return out


def _advice(result: WebometricsResult, site: str, indicator: str) -> list[str]:
    sources = result.ranking.resolved.sources[indicator]
    ranked = result.ranking.by_site()[site]
    advice = []
    weakest = min(sources, key=lambda src: ranked.normalised.get(src, 0.0))
    best = max(r.sources.get(weakest, 0) for r in result.ranking.sites)
    advice.append(
        f"weakest source {weakest}: {_fmt(ranked.sources.get(weakest, 0))} against the best "
        f"{_fmt(best)}"
    )
    crawl = result.crawl
    name = result.institution_of.get(site)
    if crawl is None or name is None or name not in crawl.institutions:
        return advice
    inst = crawl.institutions[name]
    text = " ".join([indicator, *sources]).lower()
    if "rich" in text or "pdf" in text or "file" in text:
        orphans = inst.orphan_rich_files()
        if orphans:
            advice.append(
                f"{len(orphans)} rich file(s) have no landing page with scholarly metadata "
                f"(e.g. {orphans[0]})"
            )
    if "scholar" in text or "altmetric" in text:
        bare = len(inst.pages - inst.scholarly_pages)
        advice.append(
            f"{bare} of {len(inst.pages)} pages carry no scholarly metadata "
            "(citation_*, Dublin Core, JSON-LD ScholarlyArticle); link publications by DOI and ORCID"
        )
    if "visib" in text or "inlink" in text:
        missing = sorted(n for n in crawl.institutions if n != name and n not in inst.inlinks_from)
        if missing:
            advice.append(
                f"no links in from {len(missing)} institution(s): {', '.join(missing[:5])}"
            )
    if inst.broken_links:
        advice.append(f"{len(inst.broken_links)} broken internal link(s) to fix")
    return advice


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
