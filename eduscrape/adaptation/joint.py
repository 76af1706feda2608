"""Joint repair of a page model: the fields the per-field repairer left broken.

The per-field :class:`~eduscrape.adaptation.repair.Repairer` finds a field by its
old value first. Tree-grams from *other* pages of a site (bundled ones, or those
of an earlier crawl) carry another ad's title and another course's description,
so on a redesigned page only structure is left, and one field alone is often
ambiguous. Several broken fields of one page, repaired together, are not:

- candidates per field: nodes whose value the field's constraints accept and whose
  value kind and length fit the tree-gram's (a title is no 3,000-character body);
- a score per (field, node) from label tokens with compound splitting
  (``titletextonly`` ~ ``title text only`` ~ ``posting-title__text``, rare tokens of
  the page weigh more), the field's name, tag, ancestor path, subtree and sibling
  shape, value shape (``$1,450`` ~ ``$2,300``), and the node's position relative to
  the *anchors*: fields whose selectors still work keep their old document order
  with the broken ones more often than not;
- an assignment, each datum to at most one field (greedy by margin: the surest
  field first, and it then anchors the others), cross-checked by a maximum-weight
  matching (networkx) when installed;
- abstention: a field is repaired only with a minimum score and a clear margin over
  its runner-up (another datum), and only when both assignments agree. A wrong value
  is worse than a field reported broken.

Record patterns (repeated parts) are found the same way among groups of repeated
siblings of similar shape. Scrapy-free; :mod:`eduscrape.adaptation.wrapper` calls it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from eduscrape.adaptation._dom import (
    SKIP_TAGS,
    is_element,
    label_tokens,
    norm,
    parse_date,
    squash,
    value_kind,
    value_of,
)
from eduscrape.adaptation.matching import bigram_similarity
from eduscrape.adaptation.treegram import ANCESTOR_LEVELS, TreeGram, context, subtree

# Score floor and margin of a repair (precision first). Not fitted on any site:
# a field is kept when it is about as good as an anchor-free structural match gets
# and clearly ahead of every other datum of the page.
MIN_SCORE = 0.55
MIN_MARGIN = 0.08
OPTIONAL_EXTRA = 0.05  # an optional field may simply be missing: ask for more
TOP_K = 25  # candidates per field that get the costly structural scores

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset(
    {"div", "span", "p", "section", "article", "main", "aside", "li", "dd", "dt", "td", "th"}
    | {"strong", "b", "em", "i", "small", "label", "header", "footer", "figcaption", "a"}
)
_NOT_A_DATUM = frozenset({"html", "body", "head", "title", "option", "button", "form"})

# Weights of the per-(field, node) score; each part is in [0, 1].
_WEIGHTS = {
    "label": 0.18,
    "ancestors": 0.14,
    "tag": 0.10,
    "shape": 0.10,
    "subtree": 0.14,
    "context": 0.08,
    "value": 0.08,
    "length": 0.10,
    "order": 0.10,
    "nesting": 0.10,
    "own": 0.12,
    "echo": 0.10,
}


@dataclass
class Target:
    """A broken field to repair jointly.

    ``tokens``: words naming the field beyond its tree-gram (its name in the
    wrapper); ``accept``: the field's constraints; ``current``: the node its
    selector still hits, if any (silent drift: keeping it is an option).
    """

    key: str
    tg: TreeGram
    accept: Callable[[str], bool] | None = None
    tokens: frozenset[str] = frozenset()
    optional: bool = False
    current: Any = None


@dataclass
class Pick:
    """A joint repair: the node (and attribute) chosen for a target, and how surely."""

    key: str
    el: Any
    attr: str | None
    value: str
    score: float
    margin: float
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class _Cand:
    el: Any
    attr: str | None
    value: str
    datum: int  # nodes carrying the same value nested in each other are one datum
    pos: float
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)


# -- tokens ----------------------------------------------------------------------------


def words(text: str) -> frozenset[str]:
    """Lower-case word tokens of a name, a class list or a selector (``@id='x'``...)."""
    out = set()
    for tok in _SPLIT.split(text):
        if len(tok) > 1 and not tok.isdigit():
            out.add(tok.lower())
    return frozenset(out)


def _selector_words(xpath: str) -> frozenset[str]:
    """Words of the quoted names in a selector (its ids, classes, attribute values)."""
    found: set[str] = set()
    for quoted in re.findall(r"'([^']*)'|\"([^\"]*)\"", xpath):
        found |= words(quoted[0] or quoted[1])
    return frozenset(found)


@lru_cache(maxsize=8192)
def _coverage(token: str, vocab: frozenset[str]) -> float:
    """Share of *token*'s characters covered by words of *vocab* found inside it
    (compound splitting against the other side's words: ``titletextonly`` is
    two thirds covered by {title, text})."""
    if token in vocab:
        return 1.0
    covered = [False] * len(token)
    for word in vocab:
        if len(word) < 3 or len(word) > len(token):
            continue
        start = token.find(word)
        while start >= 0:
            for k in range(start, start + len(word)):
                covered[k] = True
            start = token.find(word, start + 1)
    share = sum(covered) / len(token)
    # A word merely containing one of ours (``attributes`` ~ ``attr``), or a shared stem.
    best = 0.0
    for word in vocab:
        if len(word) >= 4 and word in token:
            best = max(best, 0.5 + 0.5 * len(word) / len(token))
        elif len(token) >= 4 and token in word:
            best = max(best, 0.5 + 0.5 * len(token) / len(word))
        else:
            n = 0
            for a, b in zip(token, word, strict=False):
                if a != b:
                    break
                n += 1
            if n >= 4:
                best = max(best, 0.4 + 0.4 * n / max(len(token), len(word)))
    return max(share if share >= 0.5 else 0.0, best)


def token_similarity(
    old: frozenset[str], new: frozenset[str], weight: Callable[[str], float] | None = None
) -> float:
    """0..1: how well the old label's words are found in the new one (and back).

    Recall of the old words counts most (new labels add words: ``posting-``, BEM
    modifiers, utility classes); *weight* lowers the new words frequent on the page.
    """
    if not old or not new:
        return 0.0
    recall = sum(_coverage(o, new) for o in old) / len(old)
    w = weight or (lambda _t: 1.0)
    total = sum(w(n) for n in new)
    precision = sum(w(n) * _coverage(n, old) for n in new) / total if total else 0.0
    return 0.7 * recall + 0.3 * precision


# -- value features ---------------------------------------------------------------------

_SHAPE_RUNS = re.compile(r"([a9])\1+")


def value_shape(text: str) -> str:
    """Letters -> a, digits -> 9, runs collapsed: ``$1,450`` -> ``$9,9``."""
    out = []
    for ch in text[:120]:
        out.append("9" if ch.isdigit() else "a" if ch.isalpha() else ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(out))


def _kind(text: str) -> str:
    return value_kind(text)


def _kind_fit(old: str, new: str) -> float:
    if old == new:
        return 1.0
    if {old, new} == {"short", "long"}:
        return 0.6
    return 0.0


def _length_fit(old: int, new: int) -> float:
    """1 for equal lengths, 0.5 for a factor of 4 (texts of other pages vary)."""
    ratio = (min(old, new) + 10) / (max(old, new) + 10)
    return max(0.0, 1.0 + math.log(ratio) / math.log(16))


def _value_similarity(old: str, new: str, kind: str) -> float:
    if old == new:
        return 1.0
    if kind == "date":
        return 0.8 if parse_date(old) and parse_date(new) else 0.0
    if kind == "url":
        a, b = old.split("?")[0].rsplit("/", 1)[0], new.split("?")[0].rsplit("/", 1)[0]
        return 0.8 if a == b else 0.6 * fuzz.ratio(a, b) / 100.0
    if len(old) > 200 or len(new) > 200:
        # Other pages' long texts share their template's words at most: a fixed
        # lead-in ("QR Code Link to This Post") or closing line.
        head = fuzz.ratio(old[:40].lower(), new[:40].lower()) / 100.0
        tail = fuzz.ratio(old[-40:].lower(), new[-40:].lower()) / 100.0
        return max(head, tail) ** 2
    return fuzz.ratio(old.lower(), new.lower()) / 100.0


def _tag_fit(old: str, new: str) -> float:
    if old == new:
        return 1.0
    if old in _HEADINGS and new in _HEADINGS:
        return 0.7
    if old in _BLOCKS and new in _BLOCKS:
        return 0.35
    return 0.0


# -- structure ----------------------------------------------------------------------------


def _ancestor_similarity(tg: TreeGram, el: Any, page: _Page) -> float:
    """Tags and words of the ancestors; one more level on the new side tolerates an
    extra wrapper."""
    old = tg.ancestors
    new: list[tuple[str, frozenset[str]]] = []
    for anc in el.iterancestors():
        if len(new) > ANCESTOR_LEVELS or anc.tag == "html":
            break
        new.append((str(anc.tag), page.tokens(anc)))
    if not old:
        return 0.5
    if not new:
        return 0.0
    old_tags = [t for t, _ in old]
    new_tags = [t for t, _ in new]
    # Aligned level by level, one level either way (a wrapper added or removed) ...
    aligned = max(
        sum(a == b for a, b in zip(old_tags[max(0, -k) :], new_tags[max(0, k) :], strict=False))
        / len(old_tags)
        for k in (-1, 0, 1)
    )
    # ... or as a bag (a block moved into another container keeps its h1, its li).
    shared = sum((Counter(old_tags) & Counter(new_tags[: len(old_tags)])).values())
    tags = max(aligned, 0.8 * shared / len(old_tags))
    old_words = frozenset(w for _, toks in old for w in toks)
    new_words = frozenset(w for _, toks in new for w in toks)
    toks = token_similarity(old_words, new_words, page.weight) if old_words else 0.5
    return 0.4 * tags + 0.6 * toks


def _positions(root: Any) -> dict[Any, float]:
    doc = root.getroottree().getroot()
    nodes = [el for el in doc.iter() if is_element(el)]
    n = max(1, len(nodes) - 1)
    return {el: k / n for k, el in enumerate(nodes)}


def node_position(el: Any) -> float:
    """Document-order position of *el* among its page's elements, 0..1 (kept in
    tree-grams, so a later repair knows which fields came before which)."""
    doc = el.getroottree().getroot()
    index, total = 0, 0
    for x in doc.iter():
        if is_element(x):
            if x is el:
                index = total
            total += 1
    return round(index / max(1, total - 1), 4)


def _head_title(root: Any) -> str:
    doc = root.getroottree().getroot()
    found = doc.xpath("/html/head/title")
    return squash(norm(found[0].text)) if found and found[0].text else ""


def echoes_title(root: Any, value: str) -> bool:
    """Whether *value* is (the start of) the page's ``<title>``, as a page's main
    heading usually is (kept in tree-grams: the heading is still echoed after a
    redesign, other fields are not)."""
    head = _head_title(root)
    key = squash(value)[:40]
    return len(key) >= 6 and key in head


@dataclass
class _Anchor:
    """A field placed on the new page: a working selector's node, or a joint pick."""

    tg: TreeGram
    el: Any
    pos: float  # on the new page


def _order_fit(tg: TreeGram, pos: float, anchors: list[_Anchor]) -> float | None:
    """Share of anchors on the same side of the candidate as they were of the field
    on the old page; None when nothing is known."""
    old = tg.extra.get("pos")
    known = [a for a in anchors if a.tg.extra.get("pos") is not None]
    if old is None or not known:
        return None
    kept = sum((float(a.tg.extra["pos"]) < old) == (a.pos < pos) for a in known)
    return kept / len(known)


def _inside(tg: TreeGram, outer: TreeGram) -> bool:
    """Whether *tg*'s node was inside *outer*'s on the old page (as far as its
    ancestors tell)."""
    label = (outer.tag, sorted(outer.tokens))
    return any((tag, sorted(toks)) == label for tag, toks in tg.ancestors)


def _nesting_fit(tg: TreeGram, el: Any, anchors: list[_Anchor]) -> float | None:
    """Share of anchors nested with the candidate as they were with the field: a
    container that swallows another field's node was not the field's node before."""
    if not anchors:
        return None
    ok = 0
    for a in anchors:
        contains = any(x is el for x in a.el.iterancestors())
        within = any(x is a.el for x in el.iterancestors())
        ok += (contains == _inside(a.tg, tg)) and (within == _inside(tg, a.tg))
    return ok / len(anchors)


# -- candidates ---------------------------------------------------------------------------


def _candidates(root: Any, positions: dict[Any, float]) -> list[_Cand]:
    """Every element's text value, and value-carrying attributes (meta, time, img, a)."""
    out: list[_Cand] = []
    raw: dict[Any, str] = {}
    nodes = [el for el in root.iter() if is_element(el)]
    for el in reversed(nodes):  # bottom-up; scripts and styles are no one's text
        if el.tag in SKIP_TAGS:
            continue
        parts = [el.text or ""]
        for child in el:
            parts.append(raw.get(child, ""))
            parts.append(child.tail or "")
        raw[el] = "".join(parts)
    values = {el: norm(text) for el, text in raw.items()}
    datum: dict[Any, int] = {}
    for el in nodes:
        if el.tag in SKIP_TAGS or el.tag in _NOT_A_DATUM or el not in values:
            continue
        val = values[el]
        parent = el.getparent()
        if parent is not None and parent in datum and values.get(parent) == val:
            datum[el] = datum[parent]
        else:
            datum[el] = id(el)
        pos = positions.get(el, 0.5)
        for attr in ("content", "datetime", "src", "href", "value"):
            aval = el.get(attr)
            if aval and (attr != "value" or el.tag == "meta"):
                out.append(_Cand(el, attr, norm(aval), hash((id(el), attr)), pos))
        if val and el.tag != "meta":
            out.append(_Cand(el, None, val, datum[el], pos))
    return out


def _fits(tg: TreeGram, cand: _Cand) -> bool:
    """Value kind and length compatible with the tree-gram's (cheap filter)."""
    if (tg.attr is None) != (cand.attr is None) and not (
        tg.kind in ("url", "date") and cand.attr in ("href", "src", "datetime", "content")
    ):
        return False
    kind = _kind(cand.value)
    if _kind_fit(tg.kind, kind) == 0.0:
        return False
    n_old, n_new = len(tg.value), len(cand.value)
    if tg.kind == "long" or n_old > 200:
        return n_new >= max(20, n_old // 10)
    return n_new <= 4 * n_old + 80


class _Page:
    """Per-page state shared by the targets: candidates, token rarity, positions."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.positions = _positions(root)
        self.cands = _candidates(root, self.positions)
        self.title = _head_title(root)
        counts: Counter[str] = Counter()
        labelled = 0
        for el in root.iter():
            if is_element(el):
                tokens = label_tokens(el)
                labelled += bool(tokens)
                counts.update(tokens)
        self.counts = counts
        # A prefix on most labelled elements (a BEM block, a CSS-module component
        # name) names the page, not a datum.
        self.ubiquitous = frozenset(t for t, n in counts.items() if n >= max(5, labelled * 0.3))

    def tokens(self, el: Any) -> frozenset[str]:
        """*el*'s label words without the page-wide ones."""
        return label_tokens(el) - self.ubiquitous

    def weight(self, token: str) -> float:
        """Rare words of the page name a datum; ``row``, ``col``, ``attr``... less."""
        return 1.0 / (1.0 + math.log1p(max(0, self.counts.get(token, 0) - 1)))


def _cheap(tg: TreeGram, target: Target, cand: _Cand, page: _Page) -> dict[str, float]:
    old_words = frozenset(tg.tokens) | _selector_words(tg.xpath) | target.tokens
    new_words = page.tokens(cand.el)
    inherited = False
    if cand.attr is None:
        # A bare text element is named by its nearest labelled ancestor.
        parent = cand.el.getparent()
        if not new_words and parent is not None:
            new_words = page.tokens(parent)
            inherited = True
    label = token_similarity(old_words, new_words, page.weight)
    return {
        "label": label * 0.5 if inherited else label,
        "tag": _tag_fit(tg.tag, str(cand.el.tag)),
        "shape": fuzz.ratio(value_shape(tg.value), value_shape(cand.value)) / 100.0,
        "value": _value_similarity(tg.value, cand.value, tg.kind),
        "length": _length_fit(len(tg.value), len(cand.value)),
    }


def _structural(tg: TreeGram, cand: _Cand, page: _Page) -> dict[str, float]:
    own = subtree(cand.el)
    sub = bigram_similarity(tg.subtree_tree(), own)
    # Children like the old node's siblings: the candidate is its old parent (a
    # container that also holds the datum), not the datum.
    parent_like = bigram_similarity(tg.context_tree(), subtree(cand.el, 2))
    return {
        "ancestors": _ancestor_similarity(tg, cand.el, page),
        "subtree": sub,
        "context": bigram_similarity(tg.context_tree(), context(cand.el)),
        "own": 1.0 - max(0.0, parent_like - sub),
    }


def _combine(parts: dict[str, float]) -> float:
    total = sum(_WEIGHTS[k] for k in parts)
    return sum(_WEIGHTS[k] * v for k, v in parts.items()) / total if total else 0.0


def _swallowing(tg: TreeGram, anchors: list[_Anchor]) -> set[int]:
    """The elements (ids) holding another field's node that was not inside the field's
    node on the old page: such a container's text carries that datum too (a column
    holding the body, the post id and the map address is no body), so its value is
    not the field's, however well its label and length fit."""
    out: set[int] = set()
    for a in anchors:
        if not _inside(a.tg, tg):
            out.update(id(x) for x in a.el.iterancestors())
    return out


def _rank(target: Target, page: _Page, anchors: list[_Anchor]) -> list[_Cand]:
    tg = target.tg
    swallowing = _swallowing(tg, anchors)
    pool = []
    for cand in page.cands:
        if not _fits(tg, cand):
            continue
        if cand.attr is None and id(cand.el) in swallowing:
            continue
        if target.accept is not None and not target.accept(cand.value):
            continue
        pool.append(cand)
    scored = []
    for cand in pool:
        parts = _cheap(tg, target, cand, page)
        scored.append(_Cand(cand.el, cand.attr, cand.value, cand.datum, cand.pos, 0.0, parts))
        scored[-1].score = _combine(parts)
    scored.sort(key=lambda c: c.score, reverse=True)
    top = scored[:TOP_K]
    for cand in top:
        cand.parts.update(_structural(tg, cand, page))
        order = _order_fit(tg, cand.pos, anchors)
        if order is not None:
            cand.parts["order"] = order
        nesting = _nesting_fit(tg, cand.el, anchors)
        if nesting is not None:
            cand.parts["nesting"] = nesting
        if "echo" in tg.extra and page.title:
            key = squash(cand.value)[:40]
            echo = len(key) >= 6 and key in page.title
            cand.parts["echo"] = 1.0 if echo == tg.extra["echo"] else 0.0
        cand.score = round(_combine(cand.parts), 4)
    top.sort(key=lambda c: c.score, reverse=True)
    if tg.n_matches > 1:
        top = _first_of_twins(top)
    return top


def _first_of_twins(ranked: list[_Cand]) -> list[_Cand]:
    """A selector that matched several alike nodes meant the first (its value is the
    first result): of twin candidates (same tag, classes, attribute) only the first in
    document order stays, with the best score among them."""
    twins: dict[tuple[str, str, str | None], list[_Cand]] = {}
    for cand in ranked:
        twins.setdefault((str(cand.el.tag), cand.el.get("class") or "", cand.attr), []).append(cand)
    out = []
    for group in twins.values():
        first = min(group, key=lambda c: c.pos)
        first.score = max(c.score for c in group)
        out.append(first)
    out.sort(key=lambda c: c.score, reverse=True)
    return out


# -- assignment ---------------------------------------------------------------------------


def _best_per_datum(ranked: list[_Cand], taken: set[int]) -> list[_Cand]:
    seen: set[int] = set()
    out = []
    for cand in ranked:
        if cand.datum in seen or cand.datum in taken:
            continue
        seen.add(cand.datum)
        out.append(cand)
    return out


def _matching(ranked: dict[str, list[_Cand]]) -> dict[str, int] | None:
    """Maximum-weight assignment of fields to datums (networkx), or None."""
    try:
        import networkx as nx
    except ImportError:  # optional: the greedy assignment stands alone
        return None
    graph: Any = nx.Graph()
    for key, cands in ranked.items():
        for cand in _best_per_datum(cands, set())[:8]:
            graph.add_edge(("f", key), ("d", cand.datum), weight=cand.score)
    pairs = nx.max_weight_matching(graph)
    out: dict[str, int] = {}
    for a, b in pairs:
        f, d = (a, b) if a[0] == "f" else (b, a)
        out[f[1]] = d[1]
    return out


def _wraps(tg: TreeGram, outer: _Cand, inner: _Cand) -> bool:
    """Whether *outer* is a container of *inner* for a long free text: the same text with
    page chrome around it (a column holding the body and the photo strip), not another
    datum; it must not make the tighter node look ambiguous."""
    if tg.kind != "long" or outer.attr is not None or inner.attr is not None:
        return False
    return any(x is outer.el for x in inner.el.iterancestors())


def repair_jointly(
    root: Any,
    targets: Iterable[Target],
    anchors: Iterable[tuple[TreeGram, Any]] = (),
    *,
    min_score: float = MIN_SCORE,
    min_margin: float = MIN_MARGIN,
    claimed: Iterable[Any] = (),
) -> dict[str, Pick]:
    """The nodes of *root* chosen for *targets* (key -> :class:`Pick`); a target
    not in the answer abstained. *anchors*: (tree-gram, node) of fields that still
    work (their old and new positions pin the neighbourhood). *claimed*: the records
    of the page's other parts (a list's items): nothing inside them is a candidate."""
    targets = list(targets)
    if not targets:
        return {}
    page = _Page(root)
    pinned = [_Anchor(tg, node, page.positions.get(node, 0.5)) for tg, node in anchors]
    # A node that still answers its own field is nobody else's.
    taken: set[int] = {c.datum for c in page.cands if any(c.el is a.el for a in pinned)}
    # Nor is a part of another pattern's record (a fee in a list of facts): it would
    # be extracted twice, and as a runner-up it makes the field's true node abstain.
    owned = {id(n) for n in claimed}
    if owned:
        taken |= {
            c.datum
            for c in page.cands
            if id(c.el) in owned or any(id(a) in owned for a in c.el.iterancestors())
        }
    picks: dict[str, Pick] = {}
    todo = {t.key: t for t in targets}
    ranked = {key: _rank(t, page, pinned) for key, t in todo.items()}
    agreed = _matching(ranked)
    while todo:
        best: tuple[float, str, _Cand, float] | None = None
        for key, target in todo.items():
            options = _best_per_datum(ranked[key], taken)
            if not options:
                continue
            top = options[0]
            rivals = [c for c in options[1:] if not _wraps(target.tg, c, top)]
            runner = rivals[0].score if rivals else 0.0
            margin = top.score - runner
            floor = min_score + (OPTIONAL_EXTRA if target.optional else 0.0)
            if top.score < floor or margin < min_margin:
                continue
            if agreed is not None and agreed.get(key) not in (None, top.datum):
                continue  # the two assignments disagree: abstain on this field
            if best is None or margin > best[0]:
                best = (margin, key, top, runner)
        if best is None:
            break
        margin, key, top, _runner = best
        target = todo.pop(key)
        taken.add(top.datum)
        picks[key] = Pick(
            key, top.el, top.attr, top.value, top.score, round(margin, 4), dict(top.parts)
        )
        # The surest field now anchors the others.
        pinned.append(_Anchor(target.tg, top.el, top.pos))
        ranked = {k: _rank(t, page, pinned) for k, t in todo.items()}
    return picks


# -- record patterns ------------------------------------------------------------------------


@dataclass
class GroupPick:
    """A repaired record pattern: its records (repeated siblings), selector and score."""

    key: str
    xpath: str
    records: list[Any]
    score: float
    margin: float


def _class_preds(el: Any) -> list[str]:
    out = []
    for cls in (el.get("class") or "").split():
        if "'" not in cls:
            out.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
    return out


def _group_xpath(parent: Any, child: Any | None) -> str:
    """``//parent[classes]/child[classes]`` (``*`` for any child)."""
    preds = _class_preds(parent)
    head = f"//{parent.tag}" + (f"[{' and '.join(preds)}]" if preds else "")
    if child is None:
        return head + "/*"
    cpreds = _class_preds(child)
    return f"{head}/{child.tag}" + (f"[{' and '.join(cpreds)}]" if cpreds else "")


def _groups(page: _Page) -> list[tuple[str, list[Any]]]:
    """Repeated parts: the children of same-class parents, all or of one tag and class."""
    kids: dict[str, list[Any]] = {}
    for cand in page.cands:
        el = cand.el
        parent = el.getparent()
        if cand.attr is not None or parent is None or not cand.value:
            continue
        if parent.tag in ("html", "body", "head") or parent.tag in SKIP_TAGS:
            continue
        for key in (_group_xpath(parent, None), _group_xpath(parent, el)):
            members = kids.setdefault(key, [])
            if not members or members[-1] is not el:
                members.append(el)
    out = []
    for xp, members in kids.items():
        parents = {id(m.getparent()) for m in members}
        shapes = {(m.tag, m.get("class")) for m in members}
        # Repeated parts: several parents, or one parent's children of one kind (a
        # label and its value side by side are one part, not two).
        if len(members) >= 2 and (len(parents) > 1 or len(shapes) == 1):
            out.append((xp, members))
    return out


def _vocabulary_fit(old: list[str], new: list[str]) -> float:
    """Repeated parts of a site draw on a vocabulary (``cats are OK``, ``w/d in unit``):
    the mean best fuzzy match of the new values among the old ones."""
    if not old or not new:
        return 0.0
    sample = new[:20]
    return sum(max(fuzz.ratio(v.lower(), o.lower()) for o in old) for v in sample) / (
        100.0 * len(sample)
    )


def _same_list(found: list[Any], members: list[Any]) -> bool:
    """Whether a group's selector takes its members and nothing from elsewhere.

    Members were grouped by their parent's exact class list, so a part whose parent
    carries one more class (``div.attr.rent_period`` among plain ``div.attr``) is
    left out although the selector, which only requires the shared classes, takes
    it. Such extras are the same list when they sit in the members' containers: the
    members' parents or grandparents, or another container like those (same tag and
    classes) beside them (a second group of the same bubbles).
    """
    member_ids = {id(m) for m in members}
    if not member_ids <= {id(r) for r in found}:
        return False
    parents = {id(m.getparent()) for m in members}
    grands = [g for m in members if (g := m.getparent().getparent()) is not None]
    homes = {id(g) for g in grands}
    shapes = {(g.tag, g.get("class"), id(g.getparent())) for g in grands}
    for el in found:
        if id(el) in member_ids or id(el.getparent()) in parents:
            continue
        grand = el.getparent().getparent()
        if grand is None or not (
            id(grand) in homes or (grand.tag, grand.get("class"), id(grand.getparent())) in shapes
        ):
            return False
    return True


def lift_units(xpath: str, records: list[Any], old: list[str]) -> tuple[str, list[Any]]:
    """Records widened to the whole repeated unit.

    Parts found like a record pattern's old records may be parts of each new record:
    the value (or the label and the value apart) of a ``label + value`` pair
    (``<dt>``/``<dd>``, table cells, ``span.labl`` + ``span.valu``) whose old form held
    both in one node. Their parents are the records instead when there are several of
    them, none inside another, they add text (a label) or join parts, and their texts
    say what the old records said (*old*, the tree-gram's values) at least as well.
    """
    for _ in range(3):  # a value sits at most a few wrappers below its unit
        if len(records) < 2 or not all(is_element(r) for r in records):
            break
        parents: list[Any] = []
        for r in records:
            parent = r.getparent()
            if parent is None or parent.tag in ("html", "body"):
                return xpath, records
            if not parents or parents[-1] is not parent:
                parents.append(parent)
        if len({id(p) for p in parents}) != len(parents) or len(parents) < 2:
            break  # one parent of all: their list, not a unit
        ids = {id(p) for p in parents}
        if any(id(a) in ids for p in parents for a in p.iterancestors()):
            break
        texts = [value_of(r) or "" for r in records]
        units = [value_of(p) or "" for p in parents]
        if texts == units or _vocabulary_fit(old, units) < _vocabulary_fit(old, texts):
            break
        xpath, records = f"({xpath})/..", parents
    return xpath, records


def exclude_claimed(
    xpath: str, records: list[Any], claimed: Iterable[Any]
) -> tuple[str, list[Any]] | None:
    """Repaired records without the nodes another record pattern of the page holds.

    A page's parts are disjoint: facts next to headline facts are two patterns, and a
    group repair that takes a container's every child takes both. The selector gets a
    predicate that leaves the claimed nodes out (a class token they all share and no
    kept record has, else their tag); None when nothing separates them (the repair
    would take another part's records: better reported broken).
    """
    ids = {id(n) for n in claimed}
    taken = [r for r in records if id(r) in ids]
    if not taken:
        return xpath, records
    kept = [r for r in records if id(r) not in ids]
    if not kept or not all(is_element(r) for r in records):
        return None

    def tokens(el: Any) -> set[str]:
        return set((el.get("class") or "").split())

    shared = set.intersection(*(tokens(r) for r in taken))
    kept_tokens = set().union(*(tokens(k) for k in kept))
    predicate = None
    for token in sorted(shared - kept_tokens):
        if re.fullmatch(r"[\w-]+", token):
            predicate = f"not(contains(concat(' ', normalize-space(@class), ' '), ' {token} '))"
            break
    taken_tags = {r.tag for r in taken}
    if (
        predicate is None
        and taken_tags.isdisjoint(k.tag for k in kept)
        and all(isinstance(t, str) and re.fullmatch(r"[a-z][a-z0-9]*", t) for t in taken_tags)
    ):
        predicate = "not(" + " or ".join(f"self::{t}" for t in sorted(taken_tags)) + ")"
    if predicate is None:
        return None
    narrowed = f"({xpath})[{predicate}]"
    root = records[0].getroottree().getroot()
    found = root.xpath(narrowed)
    if [id(n) for n in found] != [id(k) for k in kept]:
        return None
    return narrowed, kept


def repair_group(
    root: Any,
    key: str,
    tg: TreeGram,
    *,
    min_score: float = MIN_SCORE,
    min_margin: float = MIN_MARGIN,
) -> GroupPick | None:
    """The repeated siblings of *root* that most resemble a record pattern's tree-gram
    (its records' shape, labels, values and count), or None (abstained)."""
    page = _Page(root)
    target = Target(key, tg)
    values = {id(c.el): c.value for c in page.cands if c.attr is None}
    cands = {id(c.el): c for c in page.cands if c.attr is None}
    scored = []
    for xpath, members in _groups(page):
        # Cheap first: the members' values and labels.
        sample = [cands[id(m)] for m in members[:6]]
        cheap = [_combine(_cheap(tg, target, c, page)) for c in sample]
        vocab = _vocabulary_fit(tg.values, [values[id(m)] for m in members])
        count = _length_fit(tg.n_matches, len(members))
        scored.append((sum(cheap) / len(cheap), vocab, count, xpath, members))
    scored.sort(key=lambda g: g[0] + g[1], reverse=True)
    ranked = []
    for _first, vocab, count, xpath, members in scored[:TOP_K]:
        parts = []
        for m in members[:6]:
            c = cands[id(m)]
            p = _cheap(tg, target, c, page)
            p.update(_structural(tg, c, page))
            parts.append(_combine(p))
        member = sum(parts) / len(parts)
        ranked.append((round(0.6 * member + 0.25 * vocab + 0.15 * count, 4), xpath, members))
    ranked.sort(key=lambda g: g[0], reverse=True)
    if not ranked:
        return None
    best, xpath, members = ranked[0]
    texts = {values[id(m)] for m in members}

    def same_parts(other: list[Any]) -> bool:
        other_texts = {values[id(m)] for m in other}
        shared = sum(1 for t in other_texts if any(t in u or u in t for u in texts))
        return shared * 2 >= min(len(other_texts), len(texts))

    # Another cut of the same parts (all children vs one class, or their inner spans)
    # is no rival; other repeated parts are. Cuts about as good as the best widen what
    # "the same parts" means (a second group of the same bubbles).
    grown = True
    while grown:
        grown = False
        for score, _xp, other in ranked:
            if score >= best - min_margin and same_parts(other):
                more = {values[id(m)] for m in other} - texts
                if more:
                    texts |= more
                    grown = True
    family = [g for g in ranked if same_parts(g[2])]
    runner = next((g[0] for g in ranked if not same_parts(g[2])), 0.0)
    if best < min_score or best - runner < min_margin:
        return None
    # Of the cuts about as good as the best, the one that keeps the most records.
    _score, xpath, members = max(
        (g for g in family if g[0] >= best - min_margin), key=lambda g: (len(g[2]), g[0])
    )
    found = [r for r in root.xpath(xpath) if is_element(r)]
    if not _same_list(found, members):
        return None  # the selector would take other parts too
    return GroupPick(key, xpath, found, best, round(best - runner, 4))


__all__ = [
    "MIN_MARGIN",
    "MIN_SCORE",
    "GroupPick",
    "Pick",
    "Target",
    "echoes_title",
    "lift_units",
    "node_position",
    "repair_group",
    "repair_jointly",
    "token_similarity",
    "value_shape",
    "words",
]
