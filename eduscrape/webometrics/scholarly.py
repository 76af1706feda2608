"""Scholarly metadata in an HTML page (Scrapy-free; works on a parsel Selector).

Kinds: ``citation`` (Highwire ``citation_*`` meta tags, read by Google Scholar),
``dublin_core`` (``DC.*``/``DCTERMS.*`` meta tags), ``jsonld`` (a JSON-LD
ScholarlyArticle, or a subtype such as MedicalScholarlyArticle / a Thesis /
a Dataset). ``citation_doi`` and ``DC.identifier`` DOIs are returned too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from parsel import Selector

_JSONLD_TYPES = re.compile(r"ScholarlyArticle|Thesis|Dataset|Report|Book$|Chapter$")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)")


def scholarly_metadata(sel: Selector) -> tuple[list[str], list[str]]:
    """``(kinds, dois)`` found in the page's head."""
    kinds: list[str] = []
    dois: set[str] = set()
    names = [
        (n.lower(), c or "")
        for n, c in zip(
            sel.xpath("//meta/@name").getall(),
            sel.xpath("//meta[@name]/@content").getall(),
            strict=False,
        )
    ]
    if any(n.startswith("citation_") for n, _ in names):
        kinds.append("citation")
    if any(n.startswith(("dc.", "dcterms.")) for n, _ in names):
        kinds.append("dublin_core")
    for name, content in names:
        if name in ("citation_doi", "dc.identifier", "dcterms.identifier"):
            dois.update(m.lower() for m in _DOI.findall(content))
    for block in sel.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(block)
        except ValueError:
            continue
        if _has_scholarly_type(data):
            kinds.append("jsonld")
            break
    return kinds, sorted(dois)


def _has_scholarly_type(data: Any, depth: int = 0) -> bool:
    if depth > 5:
        return False
    if isinstance(data, list):
        return any(_has_scholarly_type(d, depth + 1) for d in data)
    if not isinstance(data, dict):
        return False
    types = data.get("@type")
    for t in types if isinstance(types, list) else [types]:
        if isinstance(t, str) and _JSONLD_TYPES.search(t):
            return True
    return _has_scholarly_type(data.get("@graph"), depth + 1)
