"""Self-healing wrappers: tree-grams and selector repair (Scrapy-free).

Public API: :func:`repair` (old page, new page, selector -> :class:`RepairResult`),
:func:`learn` (tree-gram of a selector's target), :class:`Repairer` (the engine,
tunable), the matching algorithms in :mod:`eduscrape.adaptation.matching`.
"""

from __future__ import annotations

from eduscrape.adaptation.matching import (
    Tree,
    bigram_similarity,
    clustered_tree_match,
    simple_tree_match,
    tree_similarity,
)
from eduscrape.adaptation.repair import Repairer, RepairResult, learn, make_xpath, repair
from eduscrape.adaptation.treegram import TreeGram

__all__ = [
    "RepairResult",
    "Repairer",
    "Tree",
    "TreeGram",
    "bigram_similarity",
    "clustered_tree_match",
    "learn",
    "make_xpath",
    "repair",
    "simple_tree_match",
    "tree_similarity",
]
