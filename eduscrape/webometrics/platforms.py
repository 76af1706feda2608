"""Scholarly and altmetric platforms linked from institution pages (Scrapy-free).

``platform_of(url)`` names the platform of an out-link (``doi``, ``orcid``, ``scholar``,
``researchgate``, ...) by its registered host; ``doi_of(url)`` extracts the DOI of a
doi.org link. Scholarly platforms carry publications and researcher profiles;
altmetric ones are where research is discussed or shown (Webometrics' altmetrics).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# registered host (or host suffix) -> platform
_HOSTS = {
    "doi.org": "doi",
    "dx.doi.org": "doi",
    "orcid.org": "orcid",
    "researchgate.net": "researchgate",
    "academia.edu": "academia",
    "mendeley.com": "mendeley",
    "arxiv.org": "arxiv",
    "zenodo.org": "zenodo",
    "figshare.com": "figshare",
    "semanticscholar.org": "semantic_scholar",
    "pubmed.ncbi.nlm.nih.gov": "pubmed",
    "scopus.com": "scopus",
    "webofscience.com": "web_of_science",
    "ssrn.com": "ssrn",
    "hal.science": "hal",
    "wikipedia.org": "wikipedia",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "slideshare.net": "slideshare",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "linkedin.com": "linkedin",
}
SCHOLARLY = (
    "doi", "orcid", "scholar", "researchgate", "academia", "mendeley", "arxiv", "zenodo",
    "figshare", "semantic_scholar", "pubmed", "scopus", "web_of_science", "ssrn", "hal",
)  # fmt: skip
ALTMETRIC = (
    "researchgate", "academia", "mendeley", "wikipedia", "youtube", "slideshare",
    "twitter", "facebook", "linkedin",
)  # fmt: skip
PLATFORMS = tuple(dict.fromkeys(SCHOLARLY + ALTMETRIC))
_SCHOLAR = re.compile(r"(^|\.)scholar\.google\.[a-z.]+$")
_DOI = re.compile(r"^/?(10\.\d{4,9}/\S+)$")


def platform_of(url: str) -> str | None:
    """The scholarly or altmetric platform *url* points to (``doi``, ``youtube``...), or None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if _SCHOLAR.search(host):
        return "scholar"
    labels = host.split(".")
    for i in range(len(labels) - 1):
        found = _HOSTS.get(".".join(labels[i:]))
        if found:
            return found
    return None


def doi_of(url: str) -> str | None:
    """``10.1234/abc`` from ``https://doi.org/10.1234/abc`` (lower-cased: DOIs are case-blind)."""
    if platform_of(url) != "doi":
        return None
    match = _DOI.match(unquote(urlsplit(url).path))
    return match[1].lower() if match else None
