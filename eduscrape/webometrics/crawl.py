"""A crawler's own webometric indicators, per institution (Scrapy-free).

    data = measure_crawl(pages, crawls, group="domain")
    data.sources("a.edu")["crawl.inlinks"]

*pages* are ``pages`` documents of the ``site`` spider; *crawls* its ``site_crawls``
records (dates, page caps hit). Pages are counted once per canonical URL
(``rel=canonical`` within the institution, index pages, tracking parameters: see
:func:`~eduscrape.webometrics.identity.canonical_url`); rich files by their sniffed
type (``rich_type``), never by extension; links between institutions form the
directed interlinking network (:mod:`eduscrape.webometrics.network`).

Every ``crawl.*`` source a method may name is in :data:`CRAWL_SOURCES`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.files import RICH_TYPES, type_from_content_type
from eduscrape.webometrics.identity import Institutions, netloc_of, page_key
from eduscrape.webometrics.platforms import ALTMETRIC, PLATFORMS, SCHOLARLY, doi_of, platform_of

CRAWL_SOURCES: list[str] = [
    "crawl.pages",  # distinct canonical HTML pages answering 2xx
    "crawl.errors",  # URLs answering >= 400, or failing (redirect loop, timeout, truncated)
    "crawl.broken_links",  # distinct internal link targets answering >= 400
    "crawl.rich_files",  # every rich file (content-verified)
    *(f"crawl.rich.{t}" for t in RICH_TYPES),
    "crawl.inlinks",  # distinct pages of the other institutions linking in
    "crawl.inlink_sites",  # other institutions linking in
    "crawl.wif",  # Web Impact Factor: inlinks / pages
    "crawl.outlinks",  # its pages linking to the other institutions
    "crawl.outlink_sites",  # other institutions it links to
    "crawl.external_outlinks",  # distinct link targets outside every ranked institution
    "crawl.scholarly_pages",  # pages with citation_* / Dublin Core / JSON-LD metadata
    "crawl.scholarly_outlinks",  # distinct targets on scholarly platforms
    "crawl.altmetric_outlinks",  # distinct targets on altmetric platforms
    "crawl.dois",  # distinct DOIs linked or declared
    *(f"crawl.outlinks.{p}" for p in PLATFORMS),
]


@dataclass
class InstitutionCrawl:
    """What the crawl found for one institution: sites, hosts, pages, rich files, errors."""

    name: str
    sites: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)
    rich: dict[str, set[str]] = field(default_factory=lambda: {t: set() for t in RICH_TYPES})
    errors: set[str] = field(default_factory=set)
    broken_links: set[str] = field(default_factory=set)
    inlinks_from: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    outlinks_to: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    external: set[str] = field(default_factory=set)
    platform_links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dois: set[str] = field(default_factory=set)
    scholarly_pages: set[str] = field(default_factory=set)
    rich_landing: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    truncated: bool = False
    max_pages: int = 0
    first_fetch: str | None = None
    last_fetch: str | None = None

    def top_referrers(self, n: int) -> list[str]:
        """The *n* institutions linking in from the most pages (ties by name)."""
        ranked = sorted(self.inlinks_from, key=lambda k: (-len(self.inlinks_from[k]), k))
        return ranked[:n] if n > 0 else []

    def sources(self, exclude_top_referrers: int = 0) -> dict[str, float]:
        """The crawl's source values of this institution, by source name."""
        excluded = set(self.top_referrers(exclude_top_referrers))
        linking = {k: v for k, v in self.inlinks_from.items() if k not in excluded and v}
        inlinks = sum(len(v) for v in linking.values())
        scholarly = set().union(*(self.platform_links[p] for p in SCHOLARLY))
        altmetric = set().union(*(self.platform_links[p] for p in ALTMETRIC))
        values: dict[str, float] = {
            "crawl.pages": len(self.pages),
            "crawl.errors": len(self.errors),
            "crawl.broken_links": len(self.broken_links),
            "crawl.rich_files": sum(len(v) for v in self.rich.values()),
            **{f"crawl.rich.{t}": len(self.rich[t]) for t in RICH_TYPES},
            "crawl.inlinks": inlinks,
            "crawl.inlink_sites": len(linking),
            "crawl.wif": inlinks / len(self.pages) if self.pages else 0.0,
            "crawl.outlinks": len(set().union(*self.outlinks_to.values())),
            "crawl.outlink_sites": sum(1 for v in self.outlinks_to.values() if v),
            "crawl.external_outlinks": len(self.external),
            "crawl.scholarly_pages": len(self.scholarly_pages),
            "crawl.scholarly_outlinks": len(scholarly),
            "crawl.altmetric_outlinks": len(altmetric),
            "crawl.dois": len(self.dois),
            **{f"crawl.outlinks.{p}": len(self.platform_links[p]) for p in PLATFORMS},
        }
        return values

    def orphan_rich_files(self) -> list[str]:
        """Rich files no page with scholarly metadata links to (no landing page for Scholar)."""
        landed = {k for k, sources in self.rich_landing.items() if sources & self.scholarly_pages}
        return sorted(set().union(*self.rich.values()) - landed)


@dataclass
class Edge:
    """Links from one institution to another: linking pages, hosts and distinct links."""

    pages: set[str] = field(default_factory=set)  # distinct linking pages
    hosts: set[str] = field(default_factory=set)  # distinct linking hosts
    pairs: set[tuple[str, str]] = field(default_factory=set)  # distinct (page, target) links

    @property
    def links(self) -> int:
        """Number of distinct (page, target) links."""
        return len(self.pairs)


@dataclass
class CrawlData:
    """A webometrics crawl: institutions, the links between them and skipped counts."""

    institutions: dict[str, InstitutionCrawl]
    edges: dict[tuple[str, str], Edge]
    group: str
    skipped: Counter[str] = field(default_factory=Counter)
    resolver: Institutions | None = None

    def institution_of(self, site: str) -> str | None:
        """The crawled institution a table's site (host, URL or host/path) stands for."""
        if self.resolver is None:
            return None
        name = self.resolver.of_url(site if "//" in site else f"//{site}")
        return name if name in self.institutions else None

    def sources(self, name: str, exclude_top_referrers: int = 0) -> dict[str, float]:
        """The crawl's source values of institution *name*, by source name."""
        return self.institutions[name].sources(exclude_top_referrers)


def _is_html(page: Mapping[str, Any]) -> bool:
    ctype = (page.get("content_type") or "text/html").lower()
    return "html" in ctype


def measure_crawl(
    pages: Iterable[Mapping[str, Any]],
    crawls: Iterable[Mapping[str, Any]] = (),
    group: str = "domain",
    explicit: Mapping[str, Iterable[str]] | None = None,
    only: Iterable[str] | None = None,
) -> CrawlData:
    """*only*: measure just these institutions (a closed set: links to the others are
    external); names as :func:`select_institutions` gives them."""
    pages = list(pages)
    institutions = Institutions((), group, explicit)
    ranked = set(only) if only is not None else None
    found: dict[str, InstitutionCrawl] = {}
    skipped: Counter[str] = Counter()
    # Pass 1: what each institution holds (pages, files, errors).
    sourced: list[tuple[str, str, list[str]]] = []  # (institution, page key, outlinks)
    for page in pages:
        url = page.get("url")
        if not url:
            skipped["page without url"] += 1
            continue
        site = page.get("site") or netloc_of(url)
        name = institutions.of_url(url) or institutions.of_site(site)
        if ranked is not None and name not in ranked:
            continue
        inst = found.setdefault(name, InstitutionCrawl(name))
        inst.sites.add(site)
        inst.hosts.add(netloc_of(url))
        fetched = page.get("fetched_at")
        if fetched:
            inst.first_fetch = min(filter(None, (inst.first_fetch, fetched)))
            inst.last_fetch = max(filter(None, (inst.last_fetch, fetched)))
        canonical = page.get("canonical_url")
        key = page_key(canonical if canonical and institutions.of_url(canonical) == name else url)
        status = int(page.get("status") or 0)
        if status >= 400 or page.get("error"):  # an error answer, or no answer at all
            inst.errors.add(key)
            continue
        kind = (
            page["rich_type"]
            if "rich_type" in page
            else type_from_content_type(page.get("content_type"))
        )
        if kind:
            inst.rich.setdefault(kind, set()).add(key)
            continue
        if 200 <= status < 300 and _is_html(page):
            inst.pages.add(key)
            if page.get("scholarly"):
                inst.scholarly_pages.add(key)
            inst.dois.update(page.get("dois") or [])
            sourced.append((name, key, list(page.get("outlinks") or [])))
    # Pass 2: links, now that every institution and its broken URLs are known.
    edges: dict[tuple[str, str], Edge] = defaultdict(Edge)
    for name, key, outlinks in sourced:
        inst = found[name]
        host = key.split("/", 1)[0]
        for target in outlinks:
            if not target.startswith(("http://", "https://")):
                continue
            tkey = page_key(target)
            dest = institutions.of_url(target)
            if ranked is not None and dest not in ranked:
                dest = None
            if dest == name:
                if tkey in inst.errors:
                    inst.broken_links.add(tkey)
                inst.rich_landing[tkey].add(key)
            elif dest is not None:
                found.setdefault(dest, InstitutionCrawl(dest))
                edge = edges[(name, dest)]
                edge.pairs.add((key, tkey))
                edge.pages.add(key)
                edge.hosts.add(host)
                found[dest].inlinks_from[name].add(key)
                inst.outlinks_to[dest].add(key)
            else:
                inst.external.add(tkey)
                platform = platform_of(target)
                if platform:
                    inst.platform_links[platform].add(tkey)
                doi = doi_of(target)
                if doi:
                    inst.dois.add(doi)
    for record in crawls:
        site = record.get("site")
        if not site:
            continue
        name = institutions.of_url(f"//{site}/") or institutions.of_site(site)
        if name in found:
            inst = found[name]
            inst.truncated = inst.truncated or bool(record.get("truncated"))
            inst.max_pages = max(inst.max_pages, int(record.get("max_pages") or 0))
    return CrawlData(found, dict(edges), group, skipped, institutions)


def select_institutions(
    pages: Iterable[Mapping[str, Any]],
    wanted: Iterable[str],
    group: str = "domain",
    explicit: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """The crawled institutions *wanted* names (hosts, URLs, site ids or institution names)."""
    institutions = Institutions((), group, explicit)
    for page in pages:
        if page.get("url"):
            institutions.of_url(page["url"]) or institutions.of_site(
                page.get("site") or netloc_of(page["url"])
            )
    names: list[str] = []
    for site in wanted:
        name = site if site in institutions.names else None
        name = name or institutions.of_url(site if "//" in site else f"//{site}")
        if name is None:
            raise WebometricsError(f"--sites: {site!r} is not a crawled site")
        if name not in names:
            names.append(name)
    return names
