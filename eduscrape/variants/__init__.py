"""Structural comparison of language variants of a web site (Scrapy-free).

See :mod:`~eduscrape.variants.structure` (reduction to effective tags and anchors),
:mod:`~eduscrape.variants.pairing` (counterpart keys, pair verification),
:mod:`~eduscrape.variants.compare` (inconsistency detection and diffs),
:mod:`~eduscrape.variants.kinds` (the result kinds),
:mod:`~eduscrape.variants.walk` (the lock-step walk over a site's variants, given a
fetch function from :mod:`~eduscrape.variants.fetching`), :mod:`~eduscrape.variants.tracking`
(re-runs), :mod:`~eduscrape.variants.report` and :mod:`~eduscrape.variants.store` (sessions).
"""

from __future__ import annotations

from eduscrape.variants.compare import Comparison, compare_pages, missing_counterpart
from eduscrape.variants.pairing import Rule, VariantMapper, detect_rule, parse_rule, verify_pair
from eduscrape.variants.structure import Criteria, PageStructure, normalize_url, reduce_page

__all__ = [
    "Comparison",
    "Criteria",
    "PageStructure",
    "Rule",
    "VariantMapper",
    "compare_pages",
    "detect_rule",
    "missing_counterpart",
    "normalize_url",
    "parse_rule",
    "reduce_page",
    "verify_pair",
]
