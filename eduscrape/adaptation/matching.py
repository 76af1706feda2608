"""Tree matching algorithms over small labelled trees.

- :func:`simple_tree_match`: Selkow's top-down simple tree matching (STM), the
  number of matching node pairs of a maximum order-preserving top-down mapping;
- :func:`clustered_tree_match`: Ferrara & Baumgartner's Algorithm 1; a matched
  pair weighs ``1 / max(t(a), t(b))`` (t = size of the node's sibling set,
  itself included) and the children's matches multiply in, so two identical
  trees score 1;
- :func:`bigram_similarity`: permutation-tolerant Dice coefficient over the
  multisets of (parent label, child label) bigrams, for reordered blocks;
- :func:`sequence_similarity`: Jaro-Winkler over pre-order label sequences.

Labels are compared with ``==`` (the paper's rule); richer "comparable
attributes" (id/class tokens, text) are scored separately by the repairer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tree:
    """A node: ``label`` (usually the tag) and ordered children."""

    label: str
    children: list[Tree] = field(default_factory=list)

    def size(self) -> int:
        """Number of nodes, this one included."""
        return 1 + sum(child.size() for child in self.children)

    @classmethod
    def from_obj(cls, obj: str | tuple[str, Sequence[Any]]) -> Tree:
        """Build from ``"a"`` or ``("a", [children...])`` (handy in tests)."""
        if isinstance(obj, str):
            return cls(obj)
        label, children = obj
        return cls(label, [cls.from_obj(c) for c in children])


def simple_tree_match(a: Tree, b: Tree) -> int:
    """Selkow's simple tree matching: size of the best top-down mapping."""
    if a.label != b.label:
        return 0
    m, n = len(a.children), len(b.children)
    if not m or not n:
        return 1
    prev = [0] * (n + 1)
    for i in range(1, m + 1):
        cur = [0] * (n + 1)
        ai = a.children[i - 1]
        for j in range(1, n + 1):
            cur[j] = max(
                cur[j - 1], prev[j], prev[j - 1] + simple_tree_match(ai, b.children[j - 1])
            )
        prev = cur
    return prev[n] + 1


def clustered_tree_match(a: Tree, b: Tree, _ta: int = 1, _tb: int = 1) -> float:
    """Ferrara & Baumgartner's clustered tree matching (Algorithm 1), in [0, 1]."""
    if a.label != b.label:
        return 0.0
    m, n = len(a.children), len(b.children)
    weight = 1.0 / max(_ta, _tb)
    if not m or not n:
        return weight  # M[m][n] is 0 here
    prev = [0.0] * (n + 1)
    for i in range(1, m + 1):
        cur = [0.0] * (n + 1)
        ai = a.children[i - 1]
        for j in range(1, n + 1):
            w = clustered_tree_match(ai, b.children[j - 1], m, n)
            cur[j] = max(cur[j - 1], prev[j], prev[j - 1] + w)
        prev = cur
    return prev[n] * weight


def _bigrams(tree: Tree, out: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    out[("", tree.label)] += 1  # unigram, so leaf-only trees still compare
    for child in tree.children:
        out[(tree.label, child.label)] += 1
        _bigrams(child, out)
    return out


def bigram_similarity(a: Tree, b: Tree) -> float:
    """Dice coefficient of (parent, child) label bigrams: order does not matter."""
    ga, gb = _bigrams(a, Counter()), _bigrams(b, Counter())
    common = sum((ga & gb).values())
    total = sum(ga.values()) + sum(gb.values())
    return 2.0 * common / total if total else 1.0


def _preorder(tree: Tree, out: list[str]) -> list[str]:
    out.append(tree.label)
    for child in tree.children:
        _preorder(child, out)
    return out


def sequence_similarity(a: Tree, b: Tree) -> float:
    """Jaro-Winkler similarity of the pre-order label sequences (tolerates moved blocks)."""
    from rapidfuzz.distance import JaroWinkler

    return float(JaroWinkler.normalized_similarity(_preorder(a, []), _preorder(b, [])))


def normalized_stm(a: Tree, b: Tree) -> float:
    """STM scaled to [0, 1] by the mean tree size."""
    return 2.0 * simple_tree_match(a, b) / (a.size() + b.size())


ALGORITHMS = {
    "clustered": clustered_tree_match,
    "simple": normalized_stm,
    "bigram": bigram_similarity,
    "sequence": sequence_similarity,
}


def tree_similarity(a: Tree, b: Tree, algorithm: str = "clustered") -> float:
    """Similarity in [0, 1] with the named algorithm (see :data:`ALGORITHMS`)."""
    try:
        func = ALGORITHMS[algorithm]
    except KeyError:
        raise ValueError(
            f"unknown matching algorithm {algorithm!r}; one of {sorted(ALGORITHMS)}"
        ) from None
    return float(func(a, b))
