"""Block alignment across a translation: what page-level link sets cannot see (Scrapy-free).

Between variants in different languages the comparison tolerates what translators
change (word order, a term linked once or at every mention, emphasis): compared as
page-level sets, a link swapped with its neighbour, a link removed where the page
links the same target elsewhere, or a word wrapped in ``<em>`` on a page that uses
``<em>`` anyway all disappear. Here the content blocks (paragraphs, list items,
cells, headings, ``pre``...) of both pages are aligned by structure and by what a
translation keeps: link targets and code-like texts (directive, file and value
names). Inside aligned blocks the links are compared by position, so:

- a link occurrence missing (or added) in a block while the other page links the
  target elsewhere is a type-1 difference, unless the occurrence moved to a
  neighbouring block (a paragraph split or merged); by default ("link_lists") only
  in an aligned pair of blocks made of links (a menu, a table's header cell), the
  page linking the target fewer times: translators link a term of a sentence at
  another mention, not an item of a menu; nor do they drop the link of a code text
  (a directive, a module name) that they keep where the source links it;
- two links of a block in another order are type 2 when the block's links are
  otherwise the same (a block's one retargeted link standing for the one it replaces;
  a link both blocks show with the same text, a directive name, paired with its own
  occurrence where its target recurs) and they were traded in place, not moved with
  their words, taken out of an enumeration (two links, or a code text and a link),
  or traded between two sentences the translation keeps in order; two sections of
  one page that both blocks name are two targets;
- phrase markup (``em``, ``strong``, ``code``...) added in a block that has none of
  it in the reference is non-structural; emphasis (``em``, ``i``) is compared in
  distinct emphasized texts, a word kept untranslated in italics excepted.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eduscrape.variants.structure import BLOCK_EMPHASIS, Block, PageStructure, code_text

# Blocks that hold content (text, links): the units aligned. Containers (div, ul,
# table...) take part only when they hold links or code texts themselves, or no other
# block (a <div> of text, or of an image whose link was dropped: it still stands).
UNIT_TAGS = frozenset(
    {
        "p",
        "li",
        "dd",
        "dt",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "caption",
        "figcaption",
        "blockquote",
    }
)
# Larger unaligned regions are paired by position only (quadratic alignment cost).
MAX_REGION = 150
# Pages with at most this many blocks on each side are aligned with their blocks
# without links as context (align()); longer ones on their linked blocks alone.
CONTEXT_UNITS = 1000
# An occurrence that moved at most this many units away (a split or merged paragraph).
MOVE_WINDOW = 2
# How far (share of its block's text) a link of a faithful translation may stand from
# where the reference has it (_trade_distance): links traded within it count as
# swapped in place. A session learns its own from the pair (conventions.py,
# PLACE_QUANTILE of how far links linked once in aligned blocks moved): languages
# differ in how far their word order moves a link; never below this.
SWAP_TOLERANCE = 0.1
# Two links joined by at most this many words of at most this many letters are items
# of one enumeration: their order reversed is an edit wherever the translation moved
# them (_enumeration_reversed).
# ", and", "et", "ou", "と": not "with", "before" / "après", which read both ways round.
ENUMERATION_WORDS = 1
ENUMERATION_WORD_CHARS = 3
PLACE_QUANTILE = 0.9
# A block whose link texts cover at least this share of its words' characters is made
# of links (a menu, "Modules | Directives | FAQ", a table header cell linking its
# label): an occurrence missing there is an edit, not a translator's choice of mention.
LINK_LIST_SHARE = 0.8
# Words of a block's text (letters and digits of any script), for _kept_words.
_WORD = re.compile(r"\w+")
# A link text that names something (RFC 1413, a URL, a file): kept as is by a translation.
_NAME = re.compile(r"[\d./_]")
# Where a sentence ends: its stop followed by a space (not "httpd.conf"), or a
# full-width stop (Japanese, Chinese: no space after it).
_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)|[。！？](?=.)")


@dataclass
class _Unit:
    ordinal: int
    tag: str
    keys: list[str]
    anchors: list[Any]
    codes: list[str]
    phrase: dict[str, int]
    marked: list[list[str]] = field(default_factory=list)
    text: str = ""

    signature: str = ""
    features: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.signature = f"{self.tag}|{' '.join(self.keys)}|{' '.join(sorted(self.codes))}"
        self.features = frozenset(self.keys) | {f"c:{c}" for c in self.codes}

    def made_of_links(self) -> bool:
        """Whether the block's link texts cover nearly all of its words (LINK_LIST_SHARE);
        False when its text was stored by an older version."""
        if not self.anchors:
            return False
        total = sum(map(len, _words(self.text)))
        if not total:
            # Links without text (an image: the "up" arrow) make the block; text missing
            # where its links have some: stored by an older version.
            return not any(_words(a.text) for a in self.anchors)
        linked = sum(len(w) for a in self.anchors for w in _words(a.text))
        return linked >= LINK_LIST_SHARE * total


@dataclass
class BlockFindings:
    """Differences found inside aligned blocks (anchors as compare.py reports them)."""

    missing: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    reordered: list[dict[str, Any]] = field(default_factory=list)
    phrase: list[dict[str, Any]] = field(default_factory=list)
    aligned: bool = False  # both pages had their blocks (not stored by an older version)
    # Reorders inside a block whose links moved further than SWAP_TOLERANCE from the
    # places they traded ("distance"): word order unless the pair's tolerance is larger.
    word_order: list[dict[str, Any]] = field(default_factory=list)
    # How far each target linked once in two aligned blocks moved (share of the text).
    place_moves: list[float] = field(default_factory=list)


def _units(page: PageStructure, keys: Sequence[str]) -> list[_Unit]:
    blocks: list[Block] = page.blocks or []
    by_block: dict[int, list[int]] = {}
    for i, anchor in enumerate(page.anchors):
        by_block.setdefault(anchor.block, []).append(i)
    holders = {block.parent for block in blocks[1:]}
    units = []
    for ordinal, block in enumerate(blocks):
        linked = by_block.get(ordinal, [])
        if block.tag not in UNIT_TAGS and not linked and not block.codes and ordinal in holders:
            continue
        units.append(
            _Unit(
                ordinal,
                block.tag,
                [keys[i] for i in linked],
                [page.anchors[i] for i in linked],
                block.codes,
                block.phrase,
                block.marked,
                block.text,
            )
        )
    return units


def _similarity(a: _Unit, b: _Unit) -> float:
    if a.tag != b.tag:
        return 0.0
    fa, fb = a.features, b.features
    if not fa and not fb:
        return 0.5
    if not fa or not fb:
        return 0.1
    return 0.1 + 2 * len(fa & fb) / len(fa | fb)


def _dp(left: list[_Unit], right: list[_Unit]) -> list[tuple[int, int]]:
    """Monotonic pairing of two unit runs that maximizes the summed similarity."""
    n, m = len(left), len(right)
    if n == 0 or m == 0:
        return []
    if n > MAX_REGION or m > MAX_REGION:
        return [(i, i) for i in range(min(n, m)) if left[i].tag == right[i].tag]
    sims = [[_similarity(a, b) for b in right] for a in left]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below, srow = score[i], score[i + 1], sims[i]
        for j in range(m - 1, -1, -1):
            best = below[j] if below[j] > row[j + 1] else row[j + 1]
            sim = srow[j]
            if sim > 0 and sim + below[j + 1] > best:
                best = sim + below[j + 1]
            row[j] = best
    pairs = []
    i = j = 0
    while i < n and j < m:
        sim = sims[i][j]
        if sim > 0 and abs(score[i][j] - (sim + score[i + 1][j + 1])) < 1e-9:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif abs(score[i][j] - score[i + 1][j]) < 1e-9:
            i += 1
        else:
            j += 1
    return pairs


def align(left: list[_Unit], right: list[_Unit]) -> list[tuple[int, int]]:
    """Pairs (left index, right index) of aligned units, in order.

    Units with links or code texts that are identical on both sides anchor the
    alignment (a plain diff, fast even on pages of thousands of table cells); the
    runs between two anchors are paired by similarity (:func:`_dp`). The diff runs
    over every unit, those without links or code texts included: they are the
    context that tells which of two alike blocks a block is (a header cell that lost
    its link matched to the next row's would shift every row after it); only the
    matched units with links or code texts are kept as anchors. Pages of more than
    CONTEXT_UNITS blocks on a side are diffed on their linked blocks alone (a diff of
    thousands of alike cells is quadratic: 0.15 -> 4.7 s for quickreference.html)."""
    if len(left) <= CONTEXT_UNITS and len(right) <= CONTEXT_UNITS:
        lf, rf = list(range(len(left))), list(range(len(right)))
        autojunk = False  # the blocks without links repeat: no popular one is junk
    else:
        lf = [i for i, u in enumerate(left) if u.features]
        rf = [j for j, u in enumerate(right) if u.features]
        autojunk = True
    matcher = difflib.SequenceMatcher(
        None, [left[i].signature for i in lf], [right[j].signature for j in rf], autojunk
    )
    fixed = [
        (lf[a.a + k], rf[a.b + k])
        for a in matcher.get_matching_blocks()
        for k in range(a.size)
        if left[lf[a.a + k]].features
    ]
    pairs: list[tuple[int, int]] = []
    i0 = j0 = 0
    for i, j in [*fixed, (len(left), len(right))]:
        pairs.extend((i0 + a, j0 + b) for a, b in _dp(left[i0:i], right[j0:j]))
        if i < len(left):
            pairs.append((i, j))
        i0, j0 = i + 1, j + 1
    return pairs


def _linked_codes(unit: _Unit) -> Counter[tuple[str, str]]:
    codes = set(unit.codes)
    texts = (code_text(anchor.text) for anchor in unit.anchors)
    return Counter((k, t) for k, t in zip(unit.keys, texts, strict=True) if t in codes)


def _unlinked_codes(a: _Unit, b: _Unit) -> set[str]:
    """Targets *a* links on a code text (a directive, a module name) that *b* shows as
    often but links fewer times: the code kept, its link dropped (mpm.html: "prefork,
    worker, or <code>event</code>"). A translator links a term at another mention,
    not a code the source links where it stands."""
    ours, theirs = _linked_codes(a), _linked_codes(b)
    ca, cb = Counter(a.codes), Counter(b.codes)
    return {k for (k, t), n in ours.items() if theirs[(k, t)] < n and cb[t] >= ca[t]}


def _unlinked_names(a: _Unit, b: _Unit) -> set[str]:
    """Targets *a* links on a name (a text with a digit, a dot, a slash or an
    underscore: "RFC 1413", "http://httpd.apache.org/") that *b* writes as often outside
    its links but links fewer times: kept as is by the translation, like a code text
    (_unlinked_codes), its link dropped."""
    found: set[str] = set()
    theirs = Counter(_link_texts(b))
    spans = [span for span in _spans(b) if span]
    for (k, fragment, text), n in Counter(_link_texts(a)).items():
        if not text or not _NAME.search(text) or theirs[(k, fragment, text)] >= n:
            continue
        here = [m.start() for m in re.finditer(re.escape(text), b.text)]
        plain = sum(1 for at in here if not _in_spans(at, spans))
        if plain >= n - theirs[(k, fragment, text)] and len(here) >= a.text.count(text):
            found.add(k)
    return found


def _in_spans(at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether position *at* of a block's text falls in one of its links' texts."""
    return any(start <= at < end for start, end in spans)


def _identity(unit: _Unit) -> tuple[str, frozenset[str]]:
    """What tells a moved block from another: its tag and targets, or its code texts
    when it links nothing."""
    return unit.tag, frozenset(unit.keys) if unit.keys else frozenset(unit.features)


def _link(key: str, anchor: Any, why: str = "") -> dict[str, Any]:
    """An occurrence found missing or extra; *why*: "list", in a block made of links;
    "code", a code text or a name the other page keeps unlinked (_unlinked_codes,
    _unlinked_names)."""
    link = {"key": key, "text": anchor.text, "url": anchor.url, "block": True}
    if why == "list":
        link["link_list"] = True
    elif why == "code":
        link["code_unlinked"] = True
    return link


def _place_moves(
    lunits: list[_Unit], runits: list[_Unit], pairs: list[tuple[int, int]]
) -> list[float]:
    """How far each target linked once in both blocks of an aligned pair moved."""
    moves = []
    for i, j in pairs:
        a, b = lunits[i], runits[j]
        if len(a.keys) < 2:
            continue  # a block's only link stands where the block is
        once = Counter(a.keys)
        at = {k: an.offset for k, an in zip(a.keys, a.anchors, strict=True) if once[k] == 1}
        theirs = Counter(b.keys)
        for k, an in zip(b.keys, b.anchors, strict=True):
            if k in at and theirs[k] == 1 and an.offset >= 0 and at[k] >= 0:
                moves.append(round(abs(at[k] - an.offset), 3))
    return moves


def _trade_distance(a: _Unit, b: _Unit) -> float | None:
    """None when block *b* shows its links (those *a* links too) in no order *a* never
    shows; else how far the most swap-like pair of them stands from a trade in place.

    An order *a* never shows: some x before some y in *b* where *a* has every y
    before every x (a term linked at its first or at every mention keeps the order).
    Traded in place: *b*'s x where *a* has a y, and its y where *a* has an x. A
    translation that rebuilds a sentence moves each link with its words, so the
    links change places in the block's text (caching.html: mod_cache from 69% to
    6%); links swapped with the text left as it was keep the places and exchange
    the targets. 0.0 when the places are unknown (stored by an older version)."""
    common = set(a.keys) & set(b.keys)
    if len(common) < 2:
        return None
    where: dict[str, list[float]] = {}
    for k, anchor in zip(a.keys, a.anchors, strict=True):
        if k in common:
            where.setdefault(k, []).append(anchor.offset)
    ends: dict[str, list[float]] | None = None  # searched for only once a pair inverts
    b_ends: list[float] = []
    first = {k: a.keys.index(k) for k in common}
    last = {k: len(a.keys) - 1 - a.keys[::-1].index(k) for k in common}
    best: float | None = None
    seen: list[tuple[str, float]] = []
    for at, (y, anchor) in enumerate(zip(b.keys, b.anchors, strict=True)):
        if y not in common:
            continue
        for x, x_at in seen:
            if _same_target(x, y) or last[y] >= first[x]:
                continue  # a also has some x before some y: word order it shows
            if anchor.offset < 0 or x_at < 0 or min(where[x] + where[y]) < 0:
                return 0.0
            if ends is None:
                ends = {}
                for k, end in zip(a.keys, _ends(a), strict=True):
                    ends.setdefault(k, []).append(end)
                b_ends = _ends(b)
            # The first of the two starts where a's other one starts; the second ends
            # where a's other one ends, and starts there too when the two texts are
            # as long: links of different lengths traded in place shift the second's
            # start by the difference (worker.html: "Mutex" and "conseils en matière
            # de performances", 0.2 of the block), while a translation's text after
            # it may be longer (mod_mime_magic.html): the nearer of the two.
            second = [abs(p - b_ends[at]) for p in ends[x]]
            second += [abs(p - anchor.offset) for p in where[x]]
            d = max(min(abs(p - x_at) for p in where[y]), min(second))
            best = d if best is None else min(best, d)
        seen.append((y, anchor.offset))
    return best


def _ends(unit: _Unit) -> list[float]:
    """Where each link's text ends in its block's text (share, as ``Anchor.offset``);
    from the link's start and its text's length when its text is not found."""
    size = len(unit.text)
    if not size:
        return [anchor.offset for anchor in unit.anchors]  # stored by an older version
    out = []
    for anchor, span in zip(unit.anchors, _spans(unit), strict=True):
        if span is not None:
            out.append(round(span[1] / size, 3))
        elif anchor.offset < 0:
            out.append(anchor.offset)
        else:
            out.append(min(1.0, anchor.offset + len(" ".join(anchor.text.split())) / size))
    return out


def _spans(unit: _Unit) -> list[tuple[int, int] | None]:
    """Where each link's text stands in the block's text (None: not found, or the text
    stored by an older version); searched from the link's offset, in link order."""
    text = unit.text
    out: list[tuple[int, int] | None] = []
    at = 0
    for anchor in unit.anchors:
        needle = " ".join(anchor.text.split()).casefold()
        hint = max(at, round(anchor.offset * len(text)) - 2) if anchor.offset >= 0 else at
        start = text.find(needle, hint) if needle else -1
        if start < 0 and needle:
            start = text.find(needle, at)
        if start < 0 or not needle:
            out.append(None)
            continue
        out.append((start, start + len(needle)))
        at = start + len(needle)
    return out


def _retargeted_as(a: _Unit, b: _Unit) -> _Unit:
    """*b* with its link retargeted keyed as in *a*, when each block has exactly one
    link (linked once) to a target the other does not link: a localized account or
    mirror still holds its place in the block's order (the retarget itself is judged
    by the retarget findings and the site conventions)."""
    ca, cb = Counter(a.keys), Counter(b.keys)
    left_only = [k for k in ca if k not in cb]
    right_only = [k for k in cb if k not in ca]
    if len(left_only) != 1 or len(right_only) != 1:
        return b
    old, new = right_only[0], left_only[0]
    if ca[new] != 1 or cb[old] != 1:
        return b
    return replace(b, keys=[new if k == old else k for k in b.keys])


def _occurrences(a: _Unit, b: _Unit) -> tuple[_Unit, _Unit]:
    """*a* and *b* with each link that both blocks show with the same text (a directive,
    a module name: kept as is by a translation) as often keyed by its target, its text
    and its rank among those: the n-th of one block is the n-th of the other. A target
    linked at two mentions shows both orders by target alone (mod_authn_file.html:
    mod_auth_basic, mod_auth_digest, then AuthBasicProvider, AuthDigestProvider); by
    occurrence, the second two traded places is an order the source never shows.

    Links that also share their #fragment are keyed with it first: two sections of one
    page (mod_proxy.html#upgrade, #proxypass) are different targets wherever both
    blocks name the same sections (compared without fragments otherwise, as translators
    may translate the ids)."""
    la, lb = _link_texts(a), _link_texts(b)
    keys_a, keys_b = list(a.keys), list(b.keys)
    for with_fragment in (True, False):
        ta = [(f"{k}#{f}" if with_fragment and f else k, t) for k, f, t in la]
        tb = [(f"{k}#{f}" if with_fragment and f else k, t) for k, f, t in lb]
        free_a = [i for i, key in enumerate(keys_a) if key == a.keys[i]]
        free_b = [i for i, key in enumerate(keys_b) if key == b.keys[i]]
        ca, cb = Counter(ta[i] for i in free_a), Counter(tb[i] for i in free_b)
        same = {kt for kt, n in ca.items() if kt[1] and cb[kt] == n}
        for keys, texts, free in ((keys_a, ta, free_a), (keys_b, tb, free_b)):
            rank: Counter[tuple[str, str]] = Counter()
            for i in free:
                if texts[i] in same:
                    rank[texts[i]] += 1
                    k, t = texts[i]
                    keys[i] = f"{k}\x00{t}\x00{rank[texts[i]]}"
    if keys_a == a.keys and keys_b == b.keys:
        return a, b
    return replace(a, keys=keys_a), replace(b, keys=keys_b)


def _target(key: str) -> str:
    """The target of a key of _occurrences (the key itself otherwise); with its
    #fragment when the key was given one."""
    return key.split("\x00", 1)[0]


def _same_target(x: str, y: str) -> bool:
    """Whether two keys of _occurrences link one target: one page, unless both name a
    section of it and not the same one. A page and one of its sections read both ways
    round ("mod_rewrite's RewriteRule", "la directive RewriteRule du module
    mod_rewrite": env.html, caching.html); two sections, like two pages, keep their
    order (mod_proxy_wstunnel.html: "the upgrade parameter in the ProxyPass
    directive")."""
    tx, ty = _target(x), _target(y)
    if tx == ty:
        return True
    page_x, _, section_x = tx.partition("#")
    page_y, _, section_y = ty.partition("#")
    return page_x == page_y and not (section_x and section_y)


def _link_texts(unit: _Unit) -> list[tuple[str, str, str]]:
    return [
        (k, an.fragment, " ".join(an.text.split()).casefold())
        for k, an in zip(unit.keys, unit.anchors, strict=True)
    ]


def _enumerated(unit: _Unit) -> set[tuple[str, str]]:
    """Pairs of consecutive links of the block joined by punctuation or a short word
    ("A and B", "A, B", "A et B", "A と B"): (first, second)."""
    spans = _spans(unit)
    pairs: set[tuple[str, str]] = set()
    for i in range(len(unit.keys) - 1):
        here, there = spans[i], spans[i + 1]
        if here is None or there is None or there[0] < here[1]:
            continue
        words = _words(unit.text[here[1] : there[0]])
        if len(words) <= ENUMERATION_WORDS and all(len(w) <= ENUMERATION_WORD_CHARS for w in words):
            pairs.add((unit.keys[i], unit.keys[i + 1]))
    return pairs


def _enumeration_reversed(a: _Unit, b: _Unit) -> bool:
    """Whether *b* lists two links of an enumeration of *a* the other way round.

    A translation that rebuilds a sentence moves "A and B" as a whole (custom-error.html:
    from the start of the French sentence to its end); it keeps the order of the items,
    which the source chose (alphabetical, by importance). Their order reversed, each item
    keeping its own text, is an edit however far the pair moved."""
    if not a.text or not b.text:
        return False
    ours = _enumerated(a)
    ca, cb = Counter(a.keys), Counter(b.keys)
    # A target linked at two mentions shows both orders (see _trade_distance).
    once = {k for k in ca if ca[k] == cb[k] == 1}
    return any(
        (y, x) in ours and {x, y} <= once and not _same_target(x, y) for x, y in _enumerated(b)
    )


def _code_partners(unit: _Unit) -> dict[str, str]:
    """Code texts (a directive, a value) of the block written once and unlinked, each
    with the link it is enumerated with ("AuthFormProvider and AuthUserFile", the
    second linked): code text -> the link's key."""
    spans = [(sp, k) for k, sp in zip(unit.keys, _spans(unit), strict=True) if sp is not None]
    items: list[tuple[int, int, str, bool]] = [(s, e, k, True) for (s, e), k in spans]
    for code in set(unit.codes):
        found = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(code)}(?!\w)", unit.text)]
        if len(found) != 1 or unit.codes.count(code) != 1:
            continue
        start, end = found[0]
        if any(start < e and s < end for (s, e), _ in spans):
            continue  # the code is a link's text
        items.append((start, end, code, False))
    items.sort()
    partners: dict[str, str] = {}
    for (_, end, first, linked), (start, _, second, then) in itertools.pairwise(items):
        if linked == then or start < end:
            continue
        words = _words(unit.text[end:start])
        if len(words) <= ENUMERATION_WORDS and all(len(w) <= ENUMERATION_WORD_CHARS for w in words):
            code, key = (second, first) if linked else (first, second)
            partners[code] = key
    return partners


def _partner_traded(a: _Unit, b: _Unit) -> bool:
    """Whether a code text enumerated with a link in *a* is enumerated with another
    link in *b*, both linked once in each block: the two links traded places.

    A translation keeps an enumeration together (_enumeration_reversed), one of code
    texts and links too: on the real pairs' up-to-date pages, every such pair that the
    translation still enumerates keeps its link (75 in en-fr, 3 in en-ja), so
    mod_auth_form.html's "AuthFormProvider and AuthUserFile" with AuthType swapped in
    is an edit."""
    if not a.text or not b.text:
        return False
    ca, cb = Counter(a.keys), Counter(b.keys)
    once = {k for k in ca if ca[k] == cb[k] == 1}
    theirs = _code_partners(b)
    return any(
        code in theirs and theirs[code] != x and {x, theirs[code]} <= once
        for code, x in _code_partners(a).items()
    )


def _sentences(unit: _Unit) -> tuple[list[int], dict[str, list[int]]] | None:
    """The sentence of each link of the block, and the sentences of each word outside
    its links (one per occurrence); None when a link's text is not found or the text
    was stored by an older version."""
    found = _spans(unit)
    if not unit.text or any(span is None for span in found):
        return None
    spans = [span for span in found if span]
    ends = [m.start() for m in _SENTENCE_END.finditer(unit.text)]
    words: dict[str, list[int]] = {}
    for m in _WORD.finditer(unit.text):
        if not _in_spans(m.start(), spans):
            words.setdefault(m.group(), []).append(bisect.bisect_right(ends, m.start()))
    return [bisect.bisect_right(ends, start) for start, _ in spans], words


def _sentences_traded(a: _Unit, b: _Unit) -> bool:
    """Whether two links, each linked once in both blocks and standing in different
    sentences of *a*, stand each in the other's sentence in *b*, whose sentences are
    those of *a* in the same order.

    A translation keeps its source's sentences and rebuilds each one: a link moves
    within its sentence, not into another one (vhosts/fd-limits.html: ServerName in
    the first sentence, mod_log_config in the parenthesis after it, the other way
    round in the French edit however far apart the two sentences' words put them).
    It may reorder whole sentences though (mod_auth_basic.html: "HTTP Digest
    authentication is provided by mod_auth_digest" moved last): the sentences count
    as kept in order when every word written once, outside links, in both blocks
    (a name, a number, a word both languages share) stands in the same sentence on
    both sides, and at least one stands in one of the two links' sentences."""
    ours, theirs = _sentences(a), _sentences(b)
    if ours is None or theirs is None:
        return False
    (our_links, our_words), (their_links, their_words) = ours, theirs
    held = set()
    for word, where in our_words.items():
        where_there = their_words.get(word, [])
        if len(where) == len(where_there) == 1 and (len(word) >= 3 or any(map(str.isdigit, word))):
            if where != where_there:
                return False  # sentences reordered, split or merged
            held.add(where[0])
    ca, cb = Counter(a.keys), Counter(b.keys)
    at = {k: s for k, s in zip(a.keys, our_links, strict=True) if ca[k] == cb[k] == 1}
    there = {k: s for k, s in zip(b.keys, their_links, strict=True) if k in at}
    return any(
        at[x] != at[y]
        and there[x] == at[y]
        and there[y] == at[x]
        and (at[x] in held or at[y] in held)
        and not _same_target(x, y)
        for x, y in itertools.combinations(there, 2)
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _occurs(span: list[str], words: list[str]) -> int:
    n = len(span)
    return sum(1 for i in range(len(words) - n + 1) if words[i : i + n] == span) if n else 0


class _PageWords:
    """The words of every translated block of a page, computed once when a block's
    emphasis needs them (_kept_words). A block whose text is one of the reference
    page's blocks was left untranslated (quickreference.html's English descriptions
    in the Japanese table): its words are the source language's."""

    def __init__(self, page: PageStructure, reference: PageStructure) -> None:
        self._page = page
        self._reference = reference
        self._blocks: list[tuple[list[str], Block]] | None = None

    def plain_uses(self, span: list[str], tag: str) -> int:
        """How often *span* occurs in the page's translated text outside its *tag*
        emphases and its code-like texts (a placeholder <var>bytes</var> is no use
        of the word)."""
        if self._blocks is None:
            source = {block.text for block in self._reference.blocks or [] if block.text}
            self._blocks = [
                (_words(block.text), block)
                for block in self._page.blocks or []
                if block.text and block.text not in source
            ]
        uses = 0
        for words, block in self._blocks:
            here = _occurs(span, words)
            if not here:
                continue
            uses += here - sum(
                _occurs(span, _words(text))
                for text in [*(text for t, text in block.marked if t == tag), *block.codes]
            )
        return uses


def _kept_words(a: _Unit, b: _Unit, tag: str, page: _PageWords) -> int:
    """How many distinct texts of *b*'s *tag* emphases are words kept from *a*.

    Typographic convention of French, Spanish, German...: a word left in the source
    language is set in italics (new_features_2_0.html: "les drapeaux <em>start</em>
    et <em>end</em>"). Such an emphasis spans text that occurs verbatim in the aligned
    reference block, where it is not emphasized, and that the translation never uses
    unemphasized, in the block nor anywhere on its *page* (a word it does use plainly
    belongs to its language: ssl_faq.html's "le support SSL", so a 'support' wrapped
    in italics is added emphasis). Names with digits or underscores are identifiers,
    not words: set in italics, they are added emphasis."""
    if not a.text or not b.text:
        return 0  # stored by an older version
    if b.tag == "pre" and a.text == b.text:
        return 0  # code left as it is: no word of a translated text kept in italics
    # (a syntax cell left untranslated may set its placeholder in italics though:
    # quickreference.html's "ScriptLogBuffer <em>bytes</em>" in Japanese)
    theirs, ours = _words(a.text), _words(b.text)
    emphasized = Counter(text for t, text in a.marked if t == tag)
    spans = Counter(text for t, text in b.marked if t == tag)
    kept = 0
    for text, n in spans.items():
        span = _words(text)
        if not span or emphasized[text] or not _occurs(span, theirs):
            continue
        if any(c.isdigit() or c == "_" for c in text):
            continue  # an identifier (status_module, fc12) is no word of a language
        if _occurs(span, ours) > n or page.plain_uses(span, tag) > 0:
            continue
        kept += 1
    return kept


def _added_emphasis(a: _Unit, b: _Unit, tag: str, page: _PageWords) -> bool:
    """Whether block *b* emphasizes (with *tag*) more than the reference block *a*.

    Counted in distinct emphasized texts: a translator marks a term (a placeholder,
    a defined word) at each of its mentions, sometimes at one more than the source
    (mod_setenvif.html: <em>valeur</em> 13 times for 12 <em>value</em>); a new
    emphasized text is added emphasis, unless it is a word kept untranslated
    (_kept_words; *page*: the words of *b*'s page). Other phrase tags, or stored by an
    older version (no texts): added to a block without any only."""
    if tag not in BLOCK_EMPHASIS or not b.text:
        return not a.phrase.get(tag)
    ours = {text for t, text in b.marked if t == tag}
    theirs = {text for t, text in a.marked if t == tag}
    return len(ours) - _kept_words(a, b, tag, page) > len(theirs)


def block_findings(
    left: PageStructure,
    right: PageStructure,
    lkeys: Sequence[str],
    rkeys: Sequence[str],
) -> BlockFindings:
    """Differences inside aligned blocks of *left* and *right* (see the module doc);
    *lkeys*/*rkeys*: the comparison keys of every anchor of each page, in order."""
    found = BlockFindings()
    if not left.blocks or not right.blocks:
        return found  # structures stored by an older version: nothing to align
    found.aligned = True
    lunits, runits = _units(left, lkeys), _units(right, rkeys)
    pairs = align(lunits, runits)
    # Position of every unit on the other side (unpaired: that of the previous pair).
    lpos: dict[int, int] = {}
    rpos: dict[int, int] = {}
    for i, j in pairs:
        lpos[i], rpos[j] = j, i
    # Occurrences present on one side of a block pair (or in an unpaired block) only:
    # key, right position, anchor, why it is reported by default (_link: "list", in
    # two aligned blocks made of links, a block left out whole being the translator's;
    # "code", a code text kept unlinked; "": only by the "links" check).
    gone: list[tuple[str, int, Any, str]] = []
    new: list[tuple[str, int, Any, str]] = []
    last = -1
    paired_left = set(lpos)
    for i, unit in enumerate(lunits):
        where = lpos.get(i, last)
        last = where
        if i not in paired_left:
            gone.extend((k, where, a, "") for k, a in zip(unit.keys, unit.anchors, strict=True))
    last = -1
    for j, unit in enumerate(runits):
        if j not in rpos:
            new.extend((k, j, a, "") for k, a in zip(unit.keys, unit.anchors, strict=True))
    found.place_moves = _place_moves(lunits, runits, pairs)
    right_words = _PageWords(right, left)
    for i, j in pairs:
        a, b = lunits[i], runits[j]
        ca, cb = Counter(a.keys), Counter(b.keys)
        if ca != cb:
            left_only, right_only = ca - cb, cb - ca
            # An item of a list of links that lost (or gained) its link: the target
            # gone from the block, not linked at one mention fewer. Either side: the
            # block that lost its link may no longer read as made of links.
            # A code text the reference links and the translation shows unlinked as
            # often lost its link, wherever else the block links. Not the other way:
            # translators link a code the source leaves plain (invoking.html's httpd).
            listed = a.made_of_links() or b.made_of_links()
            unlinked = _unlinked_codes(a, b) | _unlinked_names(a, b)
            for k, anchor in zip(a.keys, a.anchors, strict=True):
                if left_only[k] > 0:
                    left_only[k] -= 1
                    why = "code" if k in unlinked else "list" if listed and not cb[k] else ""
                    gone.append((k, j, anchor, why))
            for k, anchor in zip(b.keys, b.anchors, strict=True):
                if right_only[k] > 0:
                    right_only[k] -= 1
                    new.append((k, j, anchor, "list" if listed and not ca[k] else ""))
        # Links traded in place are an edit; moved with their words, word order.
        ours, ordered = _occurrences(a, _retargeted_as(a, b))
        distance = _trade_distance(ours, ordered)
        if distance is not None:
            entry = {"key": " ".join(dict.fromkeys(a.keys)), "block": a.tag}
            if (
                distance <= SWAP_TOLERANCE
                or _enumeration_reversed(ours, ordered)
                or _partner_traded(ours, ordered)
                or _sentences_traded(ours, ordered)
            ):
                found.reordered.append(entry)
            else:
                found.word_order.append({**entry, "distance": round(distance, 3)})
        for tag, count in b.phrase.items():
            if count > a.phrase.get(tag, 0) and _added_emphasis(a, b, tag, right_words):
                found.phrase.append({"tag": tag, "block": a.tag, "count": count})
    # A block with links (or code texts) left unpaired on both sides with the same tag
    # and targets (codes) has moved when pairing the two would cross an aligned pair
    # of other blocks (list items swapped; mod_autoindex.html: an item naming
    # directives that link the page itself, swapped with one linking mod_dir); rows
    # that repeat one target shift, they do not move.
    moved_right: dict[tuple[str, frozenset[str]], list[int]] = {}
    for j, unit in enumerate(runits):
        if unit.features and j not in rpos:
            moved_right.setdefault(_identity(unit), []).append(j)
    crossing = [
        (i2, j2, _identity(lunits[i2]))
        for i2, j2 in pairs
        if lunits[i2].keys or (lunits[i2].codes and lunits[i2].signature == runits[j2].signature)
    ]
    for i, unit in enumerate(lunits):
        sig = _identity(unit)
        if i in lpos or not unit.features or sig not in moved_right:
            continue
        for j in moved_right[sig]:
            if any((i2 < i) != (j2 < j) and other != sig for i2, j2, other in crossing):
                moved_right[sig].remove(j)
                key = " ".join(unit.keys or unit.codes)
                found.reordered.append({"key": key, "block": unit.tag, "moved": True})
                break
    # An occurrence that moved to a nearby block (split or merged paragraph) is no loss.
    spare = list(new)
    for k, where, anchor, why in gone:
        match = next(
            (n for n in spare if n[0] == k and abs(n[1] - where) <= MOVE_WINDOW),
            None,
        )
        if match is not None:
            spare.remove(match)
            continue
        found.missing.append(_link(k, anchor, why))
    found.extra.extend(_link(k, anchor, why) for k, _, anchor, why in spare)
    return found
