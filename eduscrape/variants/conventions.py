"""Site-wide localization conventions learned from a whole pair of variants.

A translated site links some external targets in its own way on every page: a
Twitter or YouTube account per language, a national mirror, a French-only
partner link. Page by page each looks like a retargeted (or added, removed)
link. Seen over the session, a retarget ``A -> B`` of an external target that
happens on at least ``min_pages`` page pairs and on at least ``min_share`` of
the pages whose reference links ``A`` is a *convention*: reported once for the
session, not as an inconsistency of each page. A page whose variant keeps ``A``
where the convention says ``B`` breaks it: that is a finding (type 1).

Usage (the spider or :func:`~eduscrape.variants.evaluation.compare_trees`)::

    learner = ConventionLearner(min_pages=3, min_share=0.8)
    for set_id, (left, right) in pairs.items():
        result = compare_pages(left, right, mapper)
        learner.observe(set_id, result, left, right, mapper)
    conventions = learner.learn()
    revised = {set_id: learner.apply(set_id, result) for set_id, result in results.items()}

Only links outside the variants (keys not starting with ``~/``) are learned:
a link between pages of the site that differs is content, not localization.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from eduscrape.variants.blocks import PLACE_QUANTILE, SWAP_TOLERANCE
from eduscrape.variants.compare import Comparison, _summary
from eduscrape.variants.pairing import VariantMapper
from eduscrape.variants.structure import PageStructure

# Candidate pairs per page: every missing x extra link up to this product (a page
# that lost 40 links and gained 40 is not 1,600 conventions).
MAX_CROSS_PAIRS = 36
# Link moves (blocks.py) a session needs before it trusts its own place tolerance.
MIN_PLACE_MOVES = 50
R = TypeVar("R", Comparison, dict)


@dataclass
class Convention:
    """The variant links ``right`` where the reference links ``left`` (None: no link)."""

    left: str | None
    right: str | None
    pages: int  # page pairs following it
    kept: int = 0  # page pairs breaking it (old target kept)
    share: float = 0.0  # pages following it / pages where it could apply
    examples: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.left and self.right:
            return "retarget"
        return "added" if self.right else "removed"

    def describe(self) -> str:
        if self.kind == "retarget":
            what = f"links {self.right} instead of {self.left}"
        elif self.kind == "added":
            what = f"adds a link to {self.right}"
        else:
            what = f"drops the link to {self.left}"
        broken = f"; kept the old target on {self.kept}" if self.kept else ""
        return f"The variant {what} on {self.pages} page(s){broken}."

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind, "description": self.describe()}


@dataclass
class _Seen:
    left: frozenset[str]  # external keys linked by the reference page
    right: frozenset[str]  # ... by the variant page
    pairs: set[tuple[str, str]]  # candidate retargets (left key, right key)
    left_only: frozenset[str]
    right_only: frozenset[str]
    word_order: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Equivalence:
    """Two different URLs the language-aware key counts as one target."""

    key: str
    left_url: str
    right_url: str
    pages: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _external(key: str) -> bool:
    return not key.startswith("~/")


def _get(result: Any, name: str) -> Any:
    return result.get(name) if isinstance(result, Mapping) else getattr(result, name)


class ConventionLearner:
    """Collects what each compared page pair links, then learns and applies conventions."""

    def __init__(self, min_pages: int = 3, min_share: float = 0.8):
        if min_pages < 2:
            raise ValueError("a convention needs min_pages >= 2 (one page is an inconsistency)")
        if not 0 < min_share <= 1:
            raise ValueError("min_share must be in (0, 1]")
        self.min_pages = min_pages
        self.min_share = min_share
        self._seen: dict[str, _Seen] = {}
        self._conventions: list[Convention] | None = None
        self._equivalent: Counter[tuple[str, str, str]] = Counter()
        self._moves: list[float] = []

    def observe(
        self,
        set_id: str,
        result: Comparison | Mapping[str, Any],
        left: PageStructure,
        right: PageStructure,
        mapper: VariantMapper,
    ) -> None:
        """Record one compared page pair (*result* of ``compare_pages(left, right, mapper)``)."""
        lurls = {mapper.key(a.url): a.url for a in left.anchors}
        rurls = {mapper.key(a.url): a.url for a in right.anchors}
        lkeys = frozenset(k for k in lurls if _external(k))
        rkeys = frozenset(k for k in rurls if _external(k))
        for key in lkeys & rkeys:
            if lurls[key] != rurls[key]:
                self._equivalent[(key, lurls[key], rurls[key])] += 1
        left_only = frozenset(
            [link["key"] for link in _get(result, "missing_links") or [] if _external(link["key"])]
            + [
                link["from"]
                for link in _get(result, "retargeted_links") or []
                if _external(link["from"])
            ]
        )
        right_only = frozenset(
            [link["key"] for link in _get(result, "extra_links") or [] if _external(link["key"])]
            + [
                link["to"]
                for link in _get(result, "retargeted_links") or []
                if _external(link["to"])
            ]
        )
        pairs = {
            (link["from"], link["to"])
            for link in _get(result, "retargeted_links") or []
            if _external(link["from"]) and _external(link["to"])
        }
        if len(left_only) * len(right_only) <= MAX_CROSS_PAIRS:
            pairs.update((a, b) for a in left_only for b in right_only)
        self._seen[set_id] = _Seen(
            lkeys, rkeys, pairs, left_only, right_only, list(_get(result, "word_order") or [])
        )
        self._moves.extend(_get(result, "place_moves") or [])
        self._conventions = None

    def place_tolerance(self) -> float:
        """How far this pair's translations move a link inside its block (PLACE_QUANTILE
        of the moves observed, at least SWAP_TOLERANCE; blocks.py): links of a block in
        another order that moved less than this were traded in place, a difference."""
        if len(self._moves) < MIN_PLACE_MOVES:
            return SWAP_TOLERANCE
        moves = sorted(self._moves)
        return max(SWAP_TOLERANCE, moves[int(PLACE_QUANTILE * (len(moves) - 1))])

    def equivalences(self) -> list[Equivalence]:
        """Different URLs linked as the same target on both sides (most frequent first)."""
        ranked = sorted(self._equivalent.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Equivalence(key, left, right, n) for (key, left, right), n in ranked]

    def learn(self) -> list[Convention]:
        """The conventions of the pairs observed so far, most followed first."""
        if self._conventions is not None:
            return self._conventions
        pair_pages: dict[tuple[str, str], list[str]] = defaultdict(list)
        links_left: Counter[str] = Counter()
        links_right: Counter[str] = Counter()
        only_left: dict[str, list[str]] = defaultdict(list)
        only_right: dict[str, list[str]] = defaultdict(list)
        for set_id, seen in self._seen.items():
            links_left.update(seen.left)
            links_right.update(seen.right)
            for pair in seen.pairs:
                pair_pages[pair].append(set_id)
            for key in seen.left_only:
                only_left[key].append(set_id)
            for key in seen.right_only:
                only_right[key].append(set_id)
        out: list[Convention] = []
        used_left: set[str] = set()
        used_right: set[str] = set()
        ranked = sorted(pair_pages.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for (a, b), pages in ranked:
            if len(pages) < self.min_pages or a in used_left or b in used_right:
                continue
            share = len(pages) / max(links_left[a], 1)
            if share < self.min_share:
                continue
            used_left.add(a)
            used_right.add(b)
            out.append(
                Convention(a, b, len(pages), share=round(share, 3), examples=sorted(pages)[:5])
            )
        for key, pages in sorted(only_left.items()):
            if key in used_left or len(pages) < self.min_pages:
                continue
            share = len(pages) / max(links_left[key], 1)
            if share >= self.min_share:
                out.append(
                    Convention(
                        key, None, len(pages), share=round(share, 3), examples=sorted(pages)[:5]
                    )
                )
        for key, pages in sorted(only_right.items()):
            if key in used_right or len(pages) < self.min_pages:
                continue
            share = len(pages) / max(links_right[key], 1)
            if share >= self.min_share:
                out.append(
                    Convention(
                        None, key, len(pages), share=round(share, 3), examples=sorted(pages)[:5]
                    )
                )
        for conv in out:
            if conv.left and conv.right:
                conv.kept = sum(
                    1
                    for seen in self._seen.values()
                    if conv.left in seen.left
                    and conv.left in seen.right
                    and conv.right not in seen.right
                )
        out.sort(key=lambda c: (-c.pages, c.left or "", c.right or ""))
        self._conventions = out
        return out

    def apply(self, set_id: str, result: R) -> R:
        """*result* with the differences the conventions explain removed and the broken
        conventions added (a Comparison or a stored set dict; a new object either way)."""
        conventions = self.learn()
        seen = self._seen.get(set_id)
        if seen is None or _get(result, "missing_counterpart"):
            return result
        tolerance = self.place_tolerance()
        traded = [w for w in seen.word_order if w["distance"] <= tolerance]
        if not conventions and not traded:
            return result
        pairs = {(c.left, c.right) for c in conventions if c.left and c.right}
        dropped = {c.left for c in conventions if c.left and not c.right}
        added = {c.right for c in conventions if c.right and not c.left}
        lefts = {c.left: c for c in conventions if c.left and c.right}
        rights = {c.right: c for c in conventions if c.left and c.right}

        def explained_missing(key: str) -> bool:
            conv = lefts.get(key)
            return key in dropped or (conv is not None and conv.right in seen.right)

        def explained_extra(key: str) -> bool:
            conv = rights.get(key)
            return key in added or (conv is not None and conv.left in seen.left)

        retargeted = [
            link
            for link in _get(result, "retargeted_links") or []
            if (link["from"], link["to"]) not in pairs
        ]
        missing = [
            link
            for link in _get(result, "missing_links") or []
            if not explained_missing(link["key"])
        ]
        extra = [
            link for link in _get(result, "extra_links") or [] if not explained_extra(link["key"])
        ]
        # A retarget that is half a convention (A -> C where the site uses A -> B) stays.
        broken = [
            c
            for c in conventions
            if c.left
            and c.right
            and c.left in seen.left
            and c.left in seen.right
            and c.right not in seen.right
        ]
        applied = [
            c.to_dict()["description"]
            for c in conventions
            if (c.left in seen.left_only or c.right in seen.right_only)
        ]
        for c in broken:
            missing.append(
                {
                    "key": c.right,
                    "text": "(site convention)",
                    "url": c.right,
                    "convention": f"keeps {c.left}, which {c.pages} other page(s) replace by {c.right}",
                }
            )
        if isinstance(result, Comparison):
            new: Any = Comparison(**{k: getattr(result, k) for k in result.__dataclass_fields__})
            setter = new.__setattr__
        else:
            new = dict(result)
            setter = new.__setitem__
        setter("missing_links", missing)
        setter("extra_links", extra)
        setter("retargeted_links", retargeted)
        if traded:  # this pair moves links further: these were traded in place
            setter("reordered_links", list(_get(new, "reordered_links") or []) + traded)
            setter("word_order", [w for w in seen.word_order if w not in traded])
            setter("type2", True)
        type1 = bool(missing or extra or retargeted)
        setter("type1", type1)
        consistent = not (type1 or _get(new, "type2") or _get(new, "nonstructural"))
        if isinstance(new, Mapping) and new.get("doubtful"):
            consistent = False
        setter("consistent", consistent)
        summary = _summary(new) if isinstance(new, Comparison) else _summary(_as_comparison(new))
        summary += [f"Site convention broken: {c.describe()}" for c in broken]
        summary += [f"Site convention (not an inconsistency): {text}" for text in applied[:5]]
        setter("summary", summary)
        if isinstance(new, dict):
            new["conventions"] = applied + [f"broken: {c.describe()}" for c in broken]
        return new


def _as_comparison(data: Mapping[str, Any]) -> Comparison:
    names = Comparison.__dataclass_fields__
    fields = {k: v for k, v in data.items() if k in names}
    if "tag_diff" not in fields and "diff" in data:
        fields["tag_diff"] = data.get("diff") or ""
    fields.setdefault("left_url", data.get("left_url"))
    fields.setdefault("right_url", data.get("right_url"))
    return Comparison(**fields)


def apply_conventions(
    results: Mapping[str, Comparison],
    pages: Mapping[str, tuple[PageStructure, PageStructure]],
    mapper: VariantMapper,
    min_pages: int = 3,
    min_share: float = 0.8,
) -> tuple[dict[str, Comparison], list[Convention]]:
    """Learn the conventions of a whole pair and revise every result (offline use)."""
    learner = ConventionLearner(min_pages=min_pages, min_share=min_share)
    for set_id, (left, right) in pages.items():
        if set_id in results:
            learner.observe(set_id, results[set_id], left, right, mapper)
    conventions = learner.learn()
    return {k: learner.apply(k, r) for k, r in results.items()}, conventions


def session_fields(learner: ConventionLearner, max_equivalences: int = 500) -> dict[str, Any]:
    """What a session records of its learned conventions (the report reads these keys)."""
    return {
        "conventions": [c.to_dict() for c in learner.learn()],
        "equivalences": [e.to_dict() for e in learner.equivalences()[:max_equivalences]],
        "link_places": [
            {
                "tolerance": round(learner.place_tolerance(), 3),
                "moves": len(learner._moves),
                "description": "links of a block in another order that stand within "
                f"{learner.place_tolerance():.0%} of the block's text of the places they "
                "traded are reported (swapped); further, they moved with their words",
            }
        ],
    }
