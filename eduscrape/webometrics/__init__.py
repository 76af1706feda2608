"""Webometric indicators of institution web sites (Scrapy-free).

From the pages a crawl recorded (``site`` spider / ``pages`` collection):

- **size**: HTML pages that answered 200;
- **rich files**: documents (PDF, Word, PowerPoint, Excel, PostScript, OpenDocument), by
  content type or file extension;
- **visibility**: links into a site from the *other* sites of the crawl: distinct linking
  pages and distinct linking sites (the crawl's own link graph, as in Webometrics' "impact"
  computed on a closed set of institutions);
- **ranking**: a weighted mean of the per-indicator rank positions (Webometrics' method:
  visibility weighs most), lower is better.

    from eduscrape.webometrics import compute_ranking
    ranking = compute_ranking(pages)   # pages: dicts with url, site, status, content_type, outlinks
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

RICH_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "doc",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xls",
    "application/postscript": "ps",
    "application/vnd.oasis.opendocument.text": "odt",
}
RICH_EXTENSIONS = {
    ".pdf": "pdf", ".doc": "doc", ".docx": "doc", ".ppt": "ppt", ".pptx": "ppt",
    ".xls": "xls", ".xlsx": "xls", ".ps": "ps", ".eps": "ps", ".odt": "odt",
}  # fmt: skip

# Webometrics weighs visibility (impact) highest; presence (size) and openness (rich files) share the rest.
DEFAULT_WEIGHTS = {"visibility": 0.5, "size": 0.25, "rich_files": 0.25}


@dataclass
class SiteIndicators:
    site: str
    size: int = 0
    rich_files: int = 0
    rich_by_type: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    inlink_pages: int = 0
    inlink_sites: int = 0
    external_outlinks: int = 0
    ranks: dict[str, int] = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def rich_file_type(url: str, content_type: str | None) -> str | None:
    """The rich-file family of a document, or None for HTML and everything else."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in RICH_TYPES:
        return RICH_TYPES[ctype]
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return RICH_EXTENSIONS.get(path[dot:]) if dot != -1 else None


def _dense_ranks(values: dict[str, float]) -> dict[str, int]:
    """Competition ranking, highest value first (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda kv: -kv[1])
    ranks: dict[str, int] = {}
    for position, (site, value) in enumerate(ordered, 1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[site] = ranks[previous[0]] if previous and previous[1] == value else position
    return ranks


def compute_ranking(
    pages: Iterable[Mapping[str, Any]], weights: Mapping[str, float] | None = None
) -> list[SiteIndicators]:
    """Indicators and rank of every site in *pages*, best first."""
    weights = dict(weights or DEFAULT_WEIGHTS)
    sites: dict[str, SiteIndicators] = {}
    url_site: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []  # (source site, source url, target url)
    for page in pages:
        site = page.get("site") or urlsplit(page["url"]).netloc
        ind = sites.setdefault(site, SiteIndicators(site))
        url = page["url"]
        url_site[url] = site
        status = int(page.get("status") or 0)
        if status >= 400:
            ind.errors += 1
            continue
        kind = rich_file_type(url, page.get("content_type"))
        if kind:
            ind.rich_files += 1
            ind.rich_by_type[kind] = ind.rich_by_type.get(kind, 0) + 1
        elif status == 200 and "html" in (page.get("content_type") or "text/html"):
            ind.size += 1
        links.extend((site, url, target) for target in page.get("outlinks") or [])
    site_roots = sorted(sites, key=len, reverse=True)

    def target_site(url: str) -> str | None:
        if url in url_site:
            return url_site[url]
        host_path = urlsplit(url).netloc + urlsplit(url).path
        return next((s for s in site_roots if host_path.startswith(s)), None)

    inlink_pages: dict[str, set[str]] = defaultdict(set)
    inlink_sites: dict[str, set[str]] = defaultdict(set)
    for source_site, source_url, target in links:
        dest = target_site(target)
        if dest is None or dest == source_site:
            if dest is None:
                sites[source_site].external_outlinks += 1
            continue
        inlink_pages[dest].add(source_url)
        inlink_sites[dest].add(source_site)
        sites[source_site].external_outlinks += 1
    for site, ind in sites.items():
        ind.inlink_pages = len(inlink_pages[site])
        ind.inlink_sites = len(inlink_sites[site])
    indicator_values = {
        "visibility": {s: i.inlink_pages + 10 * i.inlink_sites for s, i in sites.items()},
        "size": {s: i.size for s, i in sites.items()},
        "rich_files": {s: i.rich_files for s, i in sites.items()},
    }
    total = sum(weights.values()) or 1.0
    for name, values in indicator_values.items():
        for site, rank in _dense_ranks(values).items():
            sites[site].ranks[name] = rank
    for ind in sites.values():
        ind.score = round(sum(weights.get(n, 0) * r for n, r in ind.ranks.items()) / total, 3)
    ordered = sorted(sites.values(), key=lambda i: (i.score, i.site))
    for position, ind in enumerate(ordered, 1):
        ind.rank = position
    return ordered
