"""Repair a broken or drifted selector from its tree-gram.

Search the new DOM for the node most similar to the tree-gram: every element
(its text) and every value-carrying attribute (meta ``value``/``content``,
``time/@datetime``, the tree-gram's own attribute) is a candidate. A cheap score
(value similarity + label similarity) ranks all candidates; the best few get the
structural score (ancestors, clustered/simple/bigram tree matching of the
subtree and of the sibling context). The best candidate is kept only above a
threshold and clearly ahead of a different-valued runner-up (the best node that
carries the old value, if a look-alike outranks it). A date or picture that changed
format (time zone, crop) is looked for in the places that name its role
(``article:published_time``, ``og:image``, ``<time datetime>``: see ``_roles``), the
canonical one first; then the structurally most similar node of the same value kind.
Otherwise the repairer abstains. A robust selector is then generated (id/class/name
anchored before absolute paths) and checked on the new page.

A selector that still matches is intact when its node keeps the old value, or keeps
its place while the value changed (another page of the template), unless a node of
the same role now carries the old value (silent drift: ``og:title`` shortened, the
headline in ``<h1>``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from eduscrape.adaptation._dom import (
    _QUOTES,
    SKIP_TAGS,
    in_head,
    is_element,
    label_tokens,
    node_of,
    norm,
    parse_date,
    parse_html,
    select,
    squash,
    value_kind,
    value_of,
)
from eduscrape.adaptation._roles import (
    gram_role,
    image_identity,
    kind_fits,
    role_nodes,
    roles_of_tokens,
)
from eduscrape.adaptation.matching import tree_similarity
from eduscrape.adaptation.selectors import SelectorError, compile_selector
from eduscrape.adaptation.treegram import (
    TreeGram,
    ancestors_of,
    capture,
    context,
    subtree,
)

_SHAPE = re.compile(r"[0-9]")


@dataclass
class RepairResult:
    """Outcome of checking/repairing one selector on a new page."""

    status: str  # "intact" | "repaired" | "unrepaired"
    xpath: str | None
    similarity: float | None
    values: list[str] = field(default_factory=list)
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return asdict(self)


@dataclass
class _Cand:
    el: Any
    attr: str | None
    value: str
    ts: float = 0.0  # value similarity
    ls: float = 0.0  # label similarity
    ss: float = 0.0  # structural similarity
    score: float = 0.0


def _nested(a: Any, b: Any) -> bool:
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _shape(text: str) -> str:
    return _SHAPE.sub("9", text)


_TIME = re.compile(r"\b(\d\d?):(\d\d)")


def _date_similarity(old: str, new: str) -> float:
    """Same day, same clock time and same format: the same datum. A different
    format or time is likely another date field (modified, a caption...)."""
    do, dn = parse_date(old), parse_date(new)
    if not do or not dn:
        return 0.0
    if do != dn:
        return 0.1
    to, tn = _TIME.search(old), _TIME.search(new)
    if bool(to) != bool(tn) or (to and tn and to.group(0) != tn.group(0)):
        return 0.7
    n = min(len(old), len(new), 19)
    return 0.95 if _shape(old)[:n] == _shape(new)[:n] else 0.8


@lru_cache(maxsize=64)
def _shingles(squashed: str) -> frozenset[str]:
    text = squashed[:20000]
    return frozenset(text[k : k + 4] for k in range(0, max(1, len(text) - 3)))


def _long_similarity(so: str, sn: str) -> float:
    """sqrt(Jaccard) of 4-character shingles: language-agnostic (CJK has no spaces),
    and it prefers the tightest container over one that adds page chrome."""
    a, b = _shingles(so), _shingles(sn)
    inter = len(a & b)
    if not inter:
        return 0.0
    jaccard = 0.95 * (inter / (len(a) + len(b) - inter)) ** 0.5
    # Nearly all of the new text was in the old one, and it keeps at least half of it:
    # the same body without the old page's share bar and "related" links.
    if inter >= 0.9 * len(b) and inter >= 0.5 * len(a):
        return max(jaccard, 0.85)
    return jaccard


def text_similarity(old: str, new: str, kind: str) -> float:
    """Similarity of two normalized values in [0, 1], aware of dates, URLs, long texts."""
    if not old or not new:
        return 0.0
    if old == new:
        return 1.0
    so, sn = squash(old), squash(new)
    if so == sn:
        return 0.97
    if kind == "date":
        return _date_similarity(old, new)
    if kind == "url":
        # Another crop/size of the same image is a different value: only exact-ish counts.
        return 0.9 if so.split("?")[0] == sn.split("?")[0] else 0.5 * fuzz.ratio(so, sn) / 100.0
    if min(len(old), len(new)) > 200 and min(len(old), len(new)) * 2 < max(len(old), len(new)):
        # Too different in length to be judged the same text: skip the costly parts.
        return 0.4 * min(len(old), len(new)) / max(len(old), len(new))
    lo, ln = _fold(old), _fold(new)
    short, long_ = (lo, ln) if len(lo) <= len(ln) else (ln, lo)
    ratio = len(short) / len(long_)
    if short in long_ and len(short) >= 4:
        return 0.55 + 0.4 * ratio if ratio >= 0.5 else 0.3 + 0.5 * ratio
    if len(long_) > 200 and len(short) > 100:
        return _long_similarity(so, sn)
    return 0.8 * fuzz.ratio(so[:300], sn[:300]) / 100.0


@lru_cache(maxsize=1024)
def _fold(text: str) -> str:
    # Accents folded too: a redesign may restore (or drop) "Céline" vs "Celine".
    text = text.translate(_QUOTES).lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a and not b:
        return 0.5
    return len(a & b) / len(a | b)


def label_similarity(tg: TreeGram, el: Any, attr: str | None, tokens: frozenset[str]) -> float:
    """0..1: same tag, shared id/class tokens and same attribute as the tree-gram's node."""
    tag = 1.0 if el.tag == tg.tag else 0.0
    jac = _jaccard(frozenset(tg.tokens), tokens)
    same_attr = 1.0 if attr == tg.attr else 0.0
    return 0.35 * tag + 0.45 * jac + 0.2 * same_attr


def ancestor_similarity(tg: TreeGram, el: Any) -> float:
    """0..1: how well *el*'s ancestors (tags and tokens) match the tree-gram's."""
    new = ancestors_of(el)
    old = tg.ancestors
    if not old and not new:
        return 1.0
    n = max(len(old), len(new))
    total = 0.0
    for (ot, otok), (nt, ntok) in zip(old, new, strict=False):
        total += 0.5 * (ot == nt) + 0.5 * _jaccard(frozenset(otok), frozenset(ntok))
    return total / n


_CLOCK = re.compile(r"(?:T|\s)(\d\d?):(\d\d)")


def _clock_tier(old: str, new: str) -> int:
    """2: both carry a clock time with the same minutes; 1: one has no clock; 0: differ."""
    co, cn = _CLOCK.search(old), _CLOCK.search(new)
    if not co or not cn:
        return 1
    return 2 if co.group(2) == cn.group(2) else 0


def _meta_has_role(el: Any, role: str | None) -> bool:
    """Meta tags all look alike (siblings of one shape): structure cannot tell them
    apart, only their names can."""
    return role is not None and role in roles_of_tokens(label_tokens(el))


# Lists and page chrome: a "related articles" card may carry the title of the page a
# tree-gram was learned on; it is never the datum of the page being checked.
_CHROME = frozenset({"a", "li", "ul", "ol", "aside", "nav", "footer"})


def _in_chrome(el: Any) -> bool:
    """``el`` is, is inside, or mostly holds a link or list (item), or page chrome."""
    if el.tag in ("meta", "time", "link"):
        return False
    if el.tag in _CHROME or any(a.tag in _CHROME for a in el.iterancestors()):
        return True
    size = len(value_of(el))
    return any(2 * len(value_of(d)) >= size for d in el.iter("a", "li"))


_WORD = re.compile(r"\w{4,}")


class _PageText:
    """The last page's lower-cased text and meta values: the fields of one page share it."""

    def __init__(self) -> None:
        self.root: Any = None
        self.text = ""

    def of(self, root: Any) -> str:
        if root is not self.root:
            metas = " ".join(root.xpath("//meta/@content|//meta/@value"))
            self.text = (str(root.xpath("string()")) + " " + metas).lower()
            self.root = root
        return self.text


def _words_present(old: str, root: Any, page: _PageText) -> bool:
    """Cheap test: the old value's three longest words occur in the page (text or meta)."""
    words = sorted({w.lower() for w in _WORD.findall(old) if w.isascii()}, key=len)[-3:]
    if not words:
        return False
    text = page.of(root)
    return all(w in text for w in words)


def role_of(tg: TreeGram) -> str | None:
    """The tree-gram's role (title, author, published, image...), or None if unclear."""
    # The page's metadata (captured) says what the value is; labels can mislead (an
    # author card's name in a "title" class). For a date, whose day alone was
    # compared, an explicit label ("updated") wins.
    page = tg.extra.get("role")
    if page and (tg.kind != "date" or not roles_of_tokens(frozenset(tg.tokens))):
        return str(page)
    return gram_role(tg.tag, tg.attr, tg.tokens, tg.kind, tg.value)


class Repairer:
    """The engine: check a selector against its tree-gram, repair when needed.

    ``threshold``: minimum combined similarity to accept a repair;
    ``algorithm``: tree matching ("clustered", "simple", "bigram");
    ``drift_threshold``: a selector that still matches is reported intact when its
    node's similarity to the tree-gram is at least this (else silent drift);
    ``drift_gain``: a selector whose node kept its place but not its value has drifted
    when a node of the same role (see :mod:`._roles`) carries the old value at least
    this much more similarly.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.6,
        algorithm: str = "clustered",
        drift_threshold: float = 0.5,
        intact_structure: float = 0.75,
        structure_threshold: float = 0.8,
        margin: float = 0.05,
        top_k: int = 12,
        drift_gain: float = 0.3,
    ) -> None:
        self.drift_gain = drift_gain
        self._page = _PageText()
        self.intact_structure = intact_structure
        self.structure_threshold = structure_threshold
        self.threshold = threshold
        self.algorithm = algorithm
        self.drift_threshold = drift_threshold
        self.margin = margin
        self.top_k = top_k

    # -- scoring ---------------------------------------------------------------

    def _candidates(self, tg: TreeGram, root: Any) -> list[_Cand]:
        old = tg.value
        n_old = len(old)
        if tg.kind == "long":
            lo, hi = 0.3 * n_old, 3.0 * n_old + 200
        else:
            lo, hi = 1, 3 * n_old + 60
        out: list[_Cand] = []
        nodes = list(root.iter())
        # Raw string-value lengths bottom-up in one pass, so string() is only computed
        # for elements whose text can fit (containers of the whole page are skipped).
        lengths: dict[Any, int] = {}
        for el in reversed(nodes):
            # Stripped pieces: template indentation must not push a short value out.
            total = len((el.text or "").strip()) if isinstance(el.tag, str) else 0
            for child in el:
                total += lengths.get(child, 0) + len((child.tail or "").strip())
            lengths[el] = total
        for el in nodes:
            tag = el.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS or tag in ("html", "body", "head"):
                continue
            get = el.get
            if tag == "meta":
                attr = "value" if get("value") is not None else "content"
                val = norm(get(attr))
                if val:
                    out.append(_Cand(el, attr, val))
                continue
            if tg.attr and tg.attr not in ("value", "content"):
                aval = get(tg.attr)
                if aval:
                    out.append(_Cand(el, tg.attr, norm(aval)))
            if tag == "time" and tg.attr != "datetime" and get("datetime"):
                out.append(_Cand(el, "datetime", norm(get("datetime"))))
            if tag == "img" and tg.kind == "url" and tg.attr != "src" and get("src"):
                out.append(_Cand(el, "src", norm(get("src"))))
            if lo <= lengths[el] <= hi * 2:
                val = norm(el.xpath("string()"))
                if val and lo <= len(val) <= hi:
                    out.append(_Cand(el, None, val))
        return out

    def _structure(self, tg: TreeGram, cand: _Cand) -> float:
        anc = ancestor_similarity(tg, cand.el)
        if cand.attr and cand.attr == tg.attr:
            sub = 1.0 if cand.el.tag == tg.tag else 0.0
        else:
            sub = tree_similarity(tg.subtree_tree(), subtree(cand.el), self.algorithm)
        ctx = tree_similarity(tg.context_tree(), context(cand.el), self.algorithm)
        return 0.4 * cand.ls + 0.2 * anc + 0.2 * sub + 0.2 * ctx

    def rank(
        self, tg: TreeGram, root: Any, accept: Callable[[str], bool] | None = None
    ) -> list[_Cand]:
        """The candidate nodes of *root*, most similar to the tree-gram first
        (only values *accept* takes: a wrapper field's type and regex constraints)."""
        cands = self._candidates(tg, root)
        if accept is not None:
            cands = [c for c in cands if accept(c.value)]
        for c in cands:
            c.ts = text_similarity(tg.value, c.value, tg.kind)
            c.ls = label_similarity(tg, c.el, c.attr, label_tokens(c.el))
            c.score = 0.7 * c.ts + 0.3 * c.ls
        cands.sort(key=lambda c: c.score, reverse=True)
        top = cands[: self.top_k]
        # Also the best-labelled nodes: when the content differs (another article of
        # the same template) the value says nothing and structure must decide.
        chosen = {id(c) for c in top}
        by_label = sorted(cands[self.top_k :], key=lambda c: c.ls, reverse=True)
        top += [c for c in by_label[: self.top_k // 2] if id(c) not in chosen]
        for c in top:
            c.ss = self._structure(tg, c)
            c.score = 0.6 * c.ts + 0.4 * c.ss
        top.sort(key=lambda c: c.score, reverse=True)
        return top

    def score_node(self, tg: TreeGram, item: Any) -> _Cand | None:
        """Similarity of an existing selector result to the tree-gram."""
        if isinstance(item, str):
            getparent = getattr(item, "getparent", None)
            el = getparent() if getparent else None
            attr = getattr(item, "attrname", None)
            if el is None:
                return None
        else:
            el, attr = item, None
        if not is_element(el):
            return None
        c = _Cand(el, str(attr) if attr else None, value_of(item))
        c.ts = text_similarity(tg.value, c.value, tg.kind)
        c.ls = label_similarity(tg, el, c.attr, label_tokens(el))
        c.ss = self._structure(tg, c)
        c.score = 0.6 * c.ts + 0.4 * c.ss
        return c

    # -- decisions ---------------------------------------------------------------

    def check(
        self,
        tg: TreeGram,
        root: Any,
        xpath: str | None = None,
        *,
        multiple: bool = False,
        accept: Callable[[str], bool] | None = None,
    ) -> RepairResult:
        """Evaluate ``xpath`` (default: the tree-gram's) on ``root``; repair if broken or drifted.

        A selector that still matches is intact when its node keeps the old value
        or still closely resembles the tree-gram (cheap: no search). Otherwise it
        may have drifted silently: search, and keep the selector only if no other
        node is clearly more similar.
        """
        xpath = xpath or tg.xpath
        results = select(root, xpath)
        values = [v for v in (value_of(r) for r in results) if v]
        if not values:
            return self.repair(tg, root, multiple=multiple, accept=accept)
        first = next(r for r in results if value_of(r))  # the node behind values[0]
        cur = self.score_node(tg, first)
        drift = "silent drift: the selector hits a node that no longer resembles its tree-gram"
        if cur is not None and cur.ts >= 0.85:
            return RepairResult("intact", xpath, round(cur.score, 4), values)
        if cur is not None and cur.ss >= self.intact_structure:
            # Same place, another value: usually another page of the template (intact).
            # Drift only when the old datum now sits in another node of the same role
            # (og:title shortened, the headline moved to <h1>); a cheap word test first.
            if not self._old_value_present(tg, root):
                return RepairResult("intact", xpath, round(cur.score, 4), values)
            moved = self._moved_datum(tg, root, cur, accept)
            if moved is None:
                rep = self._moved_value(tg, root, cur, multiple, accept)
                if rep is not None:
                    rep.reason = drift
                    return rep
                return RepairResult("intact", xpath, round(cur.score, 4), values)
            moved_xpath = make_xpath(root, moved.el, moved.attr, multiple=multiple)
            if moved_xpath is not None:
                vals = [v for v in (value_of(r) for r in select(root, moved_xpath)) if v]
                detail = {"ts": round(moved.ts, 4), "tag": str(moved.el.tag), "attr": moved.attr}
                detail |= {"in_head": in_head(moved.el), "by": "role"}
                return RepairResult(
                    "repaired", moved_xpath, round(moved.ts, 4), vals, drift, detail
                )
            return RepairResult("intact", xpath, round(cur.score, 4), values)
        rep = self.repair(tg, root, multiple=multiple, accept=accept)
        cur_score = cur.score if cur is not None else 0.0
        if rep.status == "repaired" and (rep.similarity or 0) > cur_score + self.margin:
            rep.reason = drift
            return rep
        if (
            cur is not None
            and cur.ss >= self.drift_threshold
            and (rep.similarity or 0) <= cur_score
        ):
            return RepairResult("intact", xpath, round(cur_score, 4), values)
        return RepairResult(
            "unrepaired", None, round(cur_score, 4), [], drift + " (abstained)", rep.detail
        )

    def repair(
        self,
        tg: TreeGram,
        root: Any,
        *,
        multiple: bool = False,
        accept: Callable[[str], bool] | None = None,
    ) -> RepairResult:
        """Search ``root`` for the node most similar to the tree-gram (see module doc);
        *accept*: which values a candidate may have (None: any)."""
        ranked = self.rank(tg, root, accept)
        if not ranked:
            return RepairResult("unrepaired", None, None, [], "no candidate")
        best: _Cand | None = ranked[0]
        similarity, why = ranked[0].score, "value and structure"
        if not self._accept_value(tg, ranked[0], ranked):
            # The old value may sit lower, behind a look-alike of another datum
            # (a Twitter handle for a byline): the best node that carries it.
            gate = self._gate(tg)
            carrier = next((c for c in ranked[1:] if c.ts >= gate), None)
            if carrier is not None and self._accept_value(tg, carrier, ranked):
                best, similarity = carrier, carrier.score
            else:
                found = self._by_role(tg, root, accept)
                if found is not None:
                    best, similarity, why = found, found.score, "role"
                else:
                    best, similarity, why = self._by_structure(tg, ranked)
        detail = {
            "ts": round(ranked[0].ts if best is None else best.ts, 4),
            "ss": round(ranked[0].ss if best is None else best.ss, 4),
            "tag": str((best or ranked[0]).el.tag),
            "attr": (best or ranked[0]).attr,
            "in_head": in_head((best or ranked[0]).el),
            "by": why,
        }
        if best is None:
            return RepairResult(
                "unrepaired", None, round(similarity, 4), [], "below threshold or ambiguous", detail
            )
        best = self._tightest(tg, best, ranked)
        xpath = make_xpath(root, best.el, best.attr, multiple=multiple)
        if xpath is None:
            return RepairResult("unrepaired", None, round(similarity, 4), [], "no selector", detail)
        values = [v for v in (value_of(r) for r in select(root, xpath)) if v]
        return RepairResult("repaired", xpath, round(similarity, 4), values, "", detail)

    def _tightest(self, tg: TreeGram, best: _Cand, ranked: list[_Cand]) -> _Cand:
        """Of nested nodes carrying the same datum, the one closest to the old value
        ("Ada Lovelace" rather than "by Ada Lovelace" around it)."""
        if best.attr is not None:
            return best
        closer = [
            c
            for c in ranked
            if c.attr is None
            and c.ts > best.ts + 0.05
            and c.ts >= self._gate(tg)
            and _nested(c.el, best.el)
        ]
        return max(closer, key=lambda c: c.ts) if closer else best

    @staticmethod
    def _gate(tg: TreeGram) -> float:
        """Value similarity that counts as "the old value found"."""
        return {"date": 0.9, "url": 0.9, "long": 0.8}.get(tg.kind, 0.85)

    def _same_datum(self, tg: TreeGram, a: _Cand, b: _Cand) -> bool:
        if a.value == b.value or text_similarity(a.value, b.value, tg.kind) >= 0.9:
            return True
        # A container of the other (or a part of it) that also carries the old text:
        # the same datum with more or less page chrome ("By Ada Lovelace, CNN" around
        # "Ada Lovelace"), not a rival.
        if b.attr is not None or a.attr is not None or not _nested(a.el, b.el):
            return False
        if tg.kind == "long":
            return True
        fa, fb = _fold(a.value), _fold(b.value)
        return min(len(fa), len(fb)) >= 3 and (fa in fb or fb in fa)

    def _accept_value(self, tg: TreeGram, best: _Cand, ranked: list[_Cand]) -> bool:
        """The old value (or its reformatting) found, in a node that is not ambiguous."""
        if best.score < self.threshold or best.ts < self._gate(tg):
            return False
        # Rivals ranked above ``best`` do not carry the old value (see repair()).
        below = next(i for i, c in enumerate(ranked) if c is best) + 1
        for other in ranked[below:]:
            if self._same_datum(tg, best, other):
                continue  # same datum in another node (or a wrapper of it): no ambiguity
            return best.score - other.score >= self.margin
        return True

    def _by_role(
        self, tg: TreeGram, root: Any, accept: Callable[[str], bool] | None = None
    ) -> _Cand | None:
        """The old date or picture, reformatted (another time zone, crop or size), in a
        place that names its role (``article:published_time``, ``og:image``,
        ``<time datetime>``): the canonical equivalent first. None if absent or if
        equally canonical places disagree."""
        role = role_of(tg)
        if role not in ("published", "modified", "image"):
            return None
        nodes = [n for n in role_nodes(root, role) if accept is None or accept(n.value)]
        if role == "image":
            ident = image_identity(tg.value)
            if not ident:
                return None
            fits = [n for n in nodes if ident & image_identity(n.value)]
        else:
            day = parse_date(tg.value)
            fits = [n for n in nodes if day and parse_date(n.value) == day]
            # Same minutes (hours may shift with the time zone) before a bare date; a
            # clock that disagrees is another event of that day (an update, a live post).
            tiers = [_clock_tier(tg.value, n.value) for n in fits]
            best_tier = max(tiers, default=0)
            if best_tier == 0:
                return None
            fits = [n for n, t in zip(fits, tiers, strict=True) if t == best_tier]
        if not fits:
            return None
        top = min(n.rank for n in fits)
        group = [n for n in fits if n.rank == top]
        first = group[0]
        kind = "url" if role == "image" else "date"
        if any(text_similarity(first.value, n.value, kind) < 0.9 for n in group[1:]):
            return None  # e.g. two published_time metas that disagree: abstain
        c = _Cand(first.el, first.attr, first.value)
        c.ts = text_similarity(tg.value, c.value, tg.kind)
        c.ls = label_similarity(tg, c.el, c.attr, label_tokens(c.el))
        c.ss = self._structure(tg, c)
        c.score = max(c.ts, self.threshold)
        return c

    def _moved_datum(
        self, tg: TreeGram, root: Any, cur: _Cand, accept: Callable[[str], bool] | None = None
    ) -> _Cand | None:
        """The one node of the tree-gram's role that now carries the old value, when
        the selector's node (``cur``) no longer does."""
        role = role_of(tg)
        if role is None:
            return None
        gate = self._gate(tg)
        found: list[_Cand] = []
        for n in role_nodes(root, role):
            if n.el is cur.el or _in_chrome(n.el) or (accept is not None and not accept(n.value)):
                continue
            ts = text_similarity(tg.value, n.value, tg.kind)
            if ts >= gate and ts >= cur.ts + self.drift_gain:
                c = _Cand(n.el, n.attr, n.value, ts=ts)
                found.append(c)
        if not found:
            return None
        found.sort(key=lambda c: c.ts, reverse=True)
        if any(not self._same_datum(tg, found[0], c) for c in found[1:]):
            return None
        return found[0]

    def _old_value_present(self, tg: TreeGram, root: Any) -> bool:
        """Cheap: may the old datum be on this page at all? A date: a meta or <time> of
        the same day (the words of a date say little); else the old value's words."""
        if tg.kind == "date":
            day, role = parse_date(tg.value), role_of(tg)
            return bool(day and role) and any(
                parse_date(n.value) == day for n in role_nodes(root, str(role), text=False)
            )
        return _words_present(tg.value, root, self._page)

    def _moved_value(
        self,
        tg: TreeGram,
        root: Any,
        cur: _Cand,
        multiple: bool,
        accept: Callable[[str], bool] | None = None,
    ) -> RepairResult | None:
        """No node of the role has it, but the full search finds the old value itself
        (or, for a date or picture, its canonical role place), unambiguously, outside
        lists and page chrome, in a node that names no other role."""
        rep = self.repair(tg, root, multiple=multiple, accept=accept)
        if rep.status != "repaired" or not rep.xpath:
            return None
        hits = select(root, rep.xpath)
        el = node_of(hits[0]) if hits else None
        if el is None or el is cur.el:
            return None
        by = rep.detail.get("by")
        if by == "role":
            if tg.kind == "date" and cur.ts > 0.1:
                return None  # the selector still gives the same day: keep it
            return rep
        if by != "value and structure" or _in_chrome(el):
            return None
        ts = rep.detail.get("ts", 0.0)
        if ts < self._gate(tg) or ts < cur.ts + self.drift_gain:
            return None
        role = role_of(tg)
        named = roles_of_tokens(label_tokens(el))
        if named and (role is None or role not in named):
            return None
        return rep

    def _by_structure(self, tg: TreeGram, ranked: list[_Cand]) -> tuple[_Cand | None, float, str]:
        """Content changed (another page of the template): the structurally most
        similar node, if it is similar enough and clearly ahead of the next one."""
        # Only values of the same kind: a name is not replaced by a URL or a date.
        kinds = {"date": {"date"}, "url": {"url"}}.get(tg.kind, {"short", "long"})
        role = role_of(tg)
        by_ss = sorted(
            (
                c
                for c in ranked
                if value_kind(c.value) in kinds
                and (role is None or kind_fits(role, c.value))
                and (c.el.tag != "meta" or _meta_has_role(c.el, role))
            ),
            key=lambda c: c.ss,
            reverse=True,
        )
        if not by_ss:
            return None, ranked[0].score, "abstained"
        best = by_ss[0]
        if best.ss < self.structure_threshold:
            return None, ranked[0].score, "abstained"
        for other in by_ss[1:]:
            if self._same_datum(tg, best, other):
                continue
            if best.ss - other.ss < self.margin:
                return None, best.ss, "ambiguous structure"
            break
        return best, best.ss, "structure"


# -- selector generation -----------------------------------------------------------


def _q(value: str) -> str | None:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return None


# Ids/classes produced by build tools (hashes, CSS-in-JS, counters) change with every
# deploy: a selector anchored on them breaks again at the next release.
_GENERATED = re.compile(
    r"\d{3,}|[a-z0-9]{6,}-[a-z0-9]{4,}|^css-|^sc-|__[a-z0-9]{5}$|^[a-z]{1,3}[A-Z][A-Za-z]{2,6}$"
    r"|^(?=[a-zA-Z]{5,8}$)(?=.*[a-z][A-Z])",
)
# "Name-hash" classes of CSS modules / styled-components: the name part is stable.
_HASHED = re.compile(
    r"^([A-Za-z][\w-]*?(?:-|__|--))(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{5,8}$"
)
# Presentational utility classes (Tailwind, Bootstrap grid...) say nothing about the datum.
_UTILITY = re.compile(
    r"^(?:[a-z0-9]+:)?(?:m[trblxy]?|p[trblxy]?|w|h|max-w|min-h|text|font|leading|flex|grid|gap|col"
    r"|row|bg|border|rounded|items|justify|lh|mx|my|px|py|pt|pb|pl|pr|mt|mb|ml|mr|d|order"
    r"|hidden|block|inline|relative|absolute|clearfix|container|t)(?:-[\w./]+)*$"
)


def _class_pred(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _preds(el: Any, weak: bool = False) -> list[str]:
    """Predicates identifying ``el`` by itself, most robust first.

    ``weak``: only the fragile ones (generated or utility classes, generated ids),
    tried after ancestor-anchored selectors.
    """
    get = el.get
    ident = get("id")
    classes = [c for c in (get("class") or "").split() if _q(c) and "'" not in c]
    if weak:
        preds = [
            _class_pred(c)
            for c in classes
            if _GENERATED.search(c) or _UTILITY.match(c) or _HASHED.match(c)
        ]
        if ident and _GENERATED.search(ident) and _q(ident):
            preds.insert(0, f"@id={_q(ident)}")
        return preds
    preds = []
    if ident and not _GENERATED.search(ident) and _q(ident):
        preds.append(f"@id={_q(ident)}")
    for attr in ("name", "property", "itemprop", "data-testid", "rel"):
        val = get(attr)
        if val and _q(val) and len(val) < 80:
            preds.append(f"@{attr}={_q(val)}")
    good = [
        c
        for c in classes
        if not _GENERATED.search(c) and not _UTILITY.match(c) and not _HASHED.match(c)
    ]
    preds.extend(_class_pred(c) for c in good)
    for c in classes:
        m = _HASHED.match(c)
        if m and len(m.group(1)) > 4:
            preds.append(f"contains(concat(' ', normalize-space(@class)), ' {m.group(1)}')")
    if len(good) >= 2:
        preds.append(" and ".join(_class_pred(c) for c in good[:2]))
    return preds


def _relpath(root: Any, el: Any) -> str:
    """Positional path from ``root`` down to ``el`` (fallback selector)."""
    steps = []
    node = el
    while node is not None and node is not root:
        parent = node.getparent()
        if parent is None:
            break
        same = [c for c in parent if c.tag == node.tag]
        steps.append(f"{node.tag}[{same.index(node) + 1}]" if len(same) > 1 else str(node.tag))
        node = parent
    return "./" + "/".join(reversed(steps))


def make_xpath(root: Any, el: Any, attr: str | None, *, multiple: bool = False) -> str | None:
    """A selector whose first result is ``el`` (or its ``attr``) on ``root``.

    Relative (``.//...``) when ``root`` is not the document root, e.g. a record.
    ``multiple``: a record pattern; the selector may (should) match siblings too.
    """
    tail = f"/@{attr}" if attr else ""
    tag = str(el.tag)
    relative = root.getparent() is not None
    pre = "." if relative else ""

    def ok(xp: str, unique: bool) -> bool:
        res = root.xpath(xp)
        if not res:
            return False
        if multiple:
            return any(r is el for r in res) and (not unique or len(res) > 1)
        first = res[0]
        return node_of(first) is el and (not unique or len(res) == 1)

    own = [f"{pre}//{tag}[{p}]" for p in _preds(el)]
    anchored: list[str] = []
    for depth, anc in enumerate(el.iterancestors()):
        if depth >= 4 or anc.tag in ("html", "body") or anc is root:
            break
        for p in _preds(anc)[:3]:
            anchored.append(f"{pre}//{anc.tag}[{p}]//{tag}")
            anchored.extend(f"{pre}//{anc.tag}[{p}]//{tag}[{q}]" for q in _preds(el)[:2])
    plain = [f"{pre}//{tag}"] if tag not in ("div", "span", "a", "p", "meta", "li") else []
    weak = [f"{pre}//{tag}[{p}]" for p in _preds(el, weak=True)]
    # Last before a positional path: an ancestor's build-tool class (stable within a
    # deploy) and, for a node with no label of its own, that it has none. Positions
    # shift from page to page wherever an optional sibling (a price, a size) precedes.
    bare = [] if el.get("class") is not None or el.get("id") else ["not(@class)"]
    fragile: list[str] = []
    for depth, anc in enumerate(el.iterancestors()):
        if depth >= 4 or anc.tag in ("html", "body") or anc is root:
            break
        for p in _preds(anc, weak=True)[:2]:
            fragile.extend(f"{pre}//{anc.tag}[{p}]//{tag}[{q}]" for q in bare)
            fragile.append(f"{pre}//{anc.tag}[{p}]//{tag}")
    for unique in (True, False):
        for xp in own + anchored + plain + weak + fragile:
            try:
                if ok(xp + tail, unique):
                    return xp + tail
            except Exception:
                continue
    if relative:
        return _relpath(root, el) + tail
    return el.getroottree().getpath(el) + tail


# -- public API ----------------------------------------------------------------------

_DEFAULT = Repairer()


def to_xpath(xpath: str | None = None, css: str | None = None) -> str:
    """The XPath of a selector; :class:`SelectorError` (a ValueError) if invalid or unsupported."""
    return compile_selector(xpath, css)


def learn(
    html: str | bytes | Any, *, xpath: str | None = None, css: str | None = None
) -> TreeGram | None:
    """Tree-gram of a selector's target on a page (HTML text or parsed root)."""
    xp = to_xpath(xpath, css)
    root = html if hasattr(html, "xpath") else parse_html(html)
    return capture(xp, select(root, xp))


def repair(
    old_html: str | bytes,
    new_html: str | bytes,
    *,
    xpath: str | None = None,
    css: str | None = None,
    algorithm: str = "clustered",
    repairer: Repairer | None = None,
) -> RepairResult:
    """Check the selector that worked on ``old_html`` against ``new_html``; repair it.

    ``status`` is "intact" (selector still finds a node resembling its
    tree-gram), "repaired" (new selector in ``xpath``) or "unrepaired" (abstained;
    also for an invalid or unsupported selector, with the reason).
    """
    try:
        xp = to_xpath(xpath, css)
    except SelectorError as exc:  # an answer, not a crash: the reason says what is wrong
        return RepairResult("unrepaired", None, None, [], str(exc))
    eng = repairer or (_DEFAULT if algorithm == "clustered" else Repairer(algorithm=algorithm))
    tg = learn(old_html, xpath=xp)
    if tg is None:
        return RepairResult(
            "unrepaired", None, None, [], "selector matches nothing on the old page"
        )
    return eng.check(tg, parse_html(new_html), xp)


__all__ = [
    "RepairResult",
    "Repairer",
    "learn",
    "make_xpath",
    "repair",
    "text_similarity",
]
