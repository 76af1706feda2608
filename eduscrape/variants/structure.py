"""Reduce a page to what is compared between language variants.

A page becomes its *effective tags* (element names in document order with
their depth, text dropped, ignored tags removed but their children kept) and
its *anchors* (link targets in order). Everything between
``<!-- VER_ONLY_BEGIN -->`` and ``<!-- VER_ONLY_END -->`` is variant-unique
content and is removed before parsing.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

VER_ONLY_RE = re.compile(rb"<!--\s*VER_ONLY_BEGIN\s*-->.*?<!--\s*VER_ONLY_END\s*-->", re.S | re.I)

# Tags that carry no document structure: their children are kept, the tag is not.
DEFAULT_IGNORED_TAGS = frozenset(
    {
        "span",
        "font",
        "br",
        "wbr",
        "nobr",
        "abbr",
        "acronym",
        "small",
        "big",
        "tt",
        "u",
        "s",
        "strike",
        "bdi",
        "bdo",
        "ruby",
        "rt",
        "rp",
        "img",
    }
)
# Phrase-level markup follows the sentence: translators add, drop and move it
# freely, so between variants in different languages it is not compared (see
# Criteria.for_translation). Between same-language variants (mirrors, copies) it is.
PHRASE_TAGS = frozenset(
    {
        "em",
        "i",
        "b",
        "strong",
        "code",
        "var",
        "kbd",
        "samp",
        "cite",
        "q",
        "dfn",
        "sup",
        "sub",
        "mark",
    }
)
# Phrase tags whose text names something (a directive, a file, a value): the same in
# every language, so they help align blocks across a translation (blocks.py).
CODE_TAGS = frozenset({"code", "kbd", "var", "samp"})
# Elements that make a block: anchors inside one block may be reordered by a
# translation (word order), see Criteria.tolerate_block_reorder.
BLOCK_TAGS = frozenset(
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
        "blockquote",
        "div",
        "caption",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "main",
        "aside",
        "table",
        "ul",
        "ol",
        "dl",
        "body",
    }
)
# The block checks a translation gets by default (Criteria.block_checks, blocks.py).
BLOCK_CHECKS = frozenset({"links", "link_lists", "order", "emphasis"})
DEFAULT_BLOCK_CHECKS = frozenset({"link_lists", "order", "emphasis"})
# Phrase markup that is the author's emphasis, not a technical term's markup: a
# translation keeps it where the original has it and does not add it to a block
# without any (translators do add code/var/strong around terms).
BLOCK_EMPHASIS = frozenset({"em", "i"})
# Characters of a block's own text kept (Block.text): a long paragraph is cut.
BLOCK_TEXT = 2000
# Characters of a code text kept (Block.codes).
CODE_TEXT = 80
# Subtrees that are never compared (not rendered text structure, or the <head>).
DEFAULT_SKIPPED_SUBTREES = frozenset({"head", "script", "style", "noscript", "template"})


@dataclass(frozen=True)
class Criteria:
    """What counts as structure. Defaults are tuned on the Apache manual pairs (see bench)."""

    ignored_tags: frozenset[str] = DEFAULT_IGNORED_TAGS
    # When set, only these tags are effective (ignored_tags is then unused).
    tags_of_interest: frozenset[str] | None = None
    skipped_subtrees: frozenset[str] = DEFAULT_SKIPPED_SUBTREES
    # Elements whose class is one of these are dropped with their subtree
    # (e.g. a translation's own "this translation may be outdated" notice).
    skipped_classes: frozenset[str] = frozenset()
    # Compare link targets without their #fragment (translations translate fragment ids).
    ignore_fragments: bool = True
    # Compare same-page links (href="#x", tables of contents) too.
    include_internal_anchors: bool = False
    # Links marked hreflang/rel=alternate (language switchers) are navigation, not content.
    include_language_links: bool = False
    # Links to other pages in another order *inside one block* are not type-2
    # (a translation's word order); set by for_translation().
    tolerate_block_reorder: bool = False
    # Compare the set of distinct targets, not how often each is linked (a
    # translation links a directive at its first or at every mention); set by
    # for_translation().
    distinct_targets: bool = False
    # Checks inside aligned blocks (blocks.py), between variants in different
    # languages where page-level sets hide them: "links" (an occurrence missing or
    # added in a block while the page links the target elsewhere), "link_lists" (a
    # link lost or gained by an item of a menu or header cell, or lost by a code
    # text the translation keeps unlinked where the source links it), "order"
    # (links of a block in another order), "emphasis" (BLOCK_EMPHASIS markup added
    # in a block that has none); set by for_translation().
    block_checks: frozenset[str] = frozenset()
    # The block checks for_translation() sets (VARIANTS_BLOCK_CHECKS).
    translation_block_checks: frozenset[str] = DEFAULT_BLOCK_CHECKS
    # `/dir/` and `/dir/index.html` are the same target.
    index_names: tuple[str, ...] = ("index.html", "index.htm")
    # Pages larger than this are truncated before parsing (bytes).
    max_bytes: int = 5_000_000

    def for_translation(self) -> Criteria:
        """These criteria adapted to variants in different languages."""
        return replace(
            self,
            # Paragraphs too: translators split and merge them.
            ignored_tags=self.ignored_tags | PHRASE_TAGS | {"p"},
            tolerate_block_reorder=True,
            distinct_targets=True,
            block_checks=self.translation_block_checks,
        )

    def __post_init__(self) -> None:
        unknown = (self.block_checks | self.translation_block_checks) - BLOCK_CHECKS
        if unknown:
            raise ValueError(
                f"unknown block checks {sorted(unknown)}; known: {sorted(BLOCK_CHECKS)}"
            )

    def effective(self, tag: str) -> bool:
        if self.tags_of_interest is not None:
            return tag in self.tags_of_interest
        return tag not in self.ignored_tags


@dataclass
class Anchor:
    """A link of a page: target, text, position and enclosing block."""

    url: str  # absolute, normalized
    text: str
    position: int  # index among the page's anchors
    block: int = 0  # ordinal of the enclosing block element
    raw: str = ""  # absolute URL as linked (no fragment), for fetching
    fragment: str = ""  # the link's #fragment, kept whatever the criteria (see translation.py)
    # Where the link starts in its block's text, 0 (first word) to 1 (end); -1: unknown
    # (a structure stored by an older version). See blocks.py (links swapped in place).
    offset: float = -1.0


@dataclass
class Block:
    """A block element: its tag, enclosing block, code-like texts and phrase markup in it."""

    tag: str
    parent: int = 0
    codes: list[str] = field(default_factory=list)  # texts of code/kbd/var/samp, lower-cased
    phrase: dict[str, int] = field(default_factory=dict)  # phrase tag -> count directly in it
    # Texts of its emphasis (BLOCK_EMPHASIS) as [tag, text lower-cased], and its own text
    # (child blocks excluded), lower-cased: a word kept untranslated and set in italics
    # is no added emphasis (blocks.py). Empty when stored by an older version.
    marked: list[list[str]] = field(default_factory=list)
    text: str = ""

    def to_list(self) -> list[Any]:
        return [self.tag, self.parent, self.codes, self.phrase, self.marked, self.text]

    @classmethod
    def from_list(cls, data: list[Any]) -> Block:
        return cls(
            str(data[0]),
            int(data[1]),
            [str(c) for c in data[2]],
            dict(data[3]),
            [[str(t), str(x)] for t, x in data[4]] if len(data) > 4 else [],
            str(data[5]) if len(data) > 5 else "",
        )


@dataclass
class PageStructure:
    """A page reduced for comparison: effective tags, anchors, alternates, language."""

    url: str
    tags: list[str] = field(default_factory=list)  # "depth:tag" tokens
    anchors: list[Anchor] = field(default_factory=list)
    alternates: dict[str, str] = field(default_factory=dict)  # hreflang -> absolute URL
    lang: str | None = None  # declared <html lang>
    text_sample: str = ""
    title: str = ""
    truncated: bool = False
    digest: str = ""  # hash of the reduced structure (tracking)
    # Phrase-level tags seen (name -> count), also when the criteria ignore them;
    # None: not known (a structure stored by an older version).
    phrase_tags: dict[str, int] | None = field(default_factory=dict)
    # Every block element by ordinal (Anchor.block; 0 is the page itself), for the
    # block alignment of blocks.py; None: not known (stored by an older version).
    blocks: list[Block] | None = field(default_factory=list)

    @property
    def tag_names(self) -> list[str]:
        return [t.split(":", 1)[1] for t in self.tags]

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "tags": self.tags,
            "anchors": [
                [a.url, a.text, a.position, a.block, a.raw, a.fragment, a.offset]
                for a in self.anchors
            ],
            "alternates": self.alternates,
            "lang": self.lang,
            "text_sample": self.text_sample,
            "title": self.title,
            "truncated": self.truncated,
            "digest": self.digest,
            "phrase_tags": self.phrase_tags,
            "blocks": None if self.blocks is None else [b.to_list() for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageStructure:
        anchors = [
            Anchor(
                str(a[0]),
                str(a[1]),
                int(a[2]),
                int(a[3]),
                str(a[4]) if len(a) > 4 else "",
                str(a[5]) if len(a) > 5 else "",
                float(a[6]) if len(a) > 6 else -1.0,
            )
            for a in data.get("anchors", [])
        ]
        return cls(
            url=str(data["url"]),
            tags=list(data.get("tags", [])),
            anchors=anchors,
            alternates=dict(data.get("alternates", {})),
            lang=data.get("lang"),
            text_sample=str(data.get("text_sample", "")),
            title=str(data.get("title", "")),
            truncated=bool(data.get("truncated", False)),
            digest=str(data.get("digest", "")),
            phrase_tags=(
                dict(data["phrase_tags"]) if data.get("phrase_tags") is not None else None
            ),
            blocks=(
                [Block.from_list(b) for b in data["blocks"]]
                if data.get("blocks") is not None
                else None
            ),
        )


# normalize_url(url, PAGE_URL): a page's own address, whatever the comparison criteria.
PAGE_URL = Criteria(ignore_fragments=True)

_WS = re.compile(r"\s+")
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def _join(base: str, href: str) -> str:
    """``urljoin`` that keeps an unparsable link (``http://[bad``) as written instead of raising."""
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def normalize_url(url: str, criteria: Criteria = Criteria()) -> str:
    """Absolute URL in a comparable form: lower-case scheme/host, no default port,
    no index file name, fragment kept unless the criteria drop it."""
    url = _WS.sub("", url)  # browsers drop whitespace wrapped into long hrefs
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (
        scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or ("/" if netloc else "")
    head, _, last = path.rpartition("/")
    if last in criteria.index_names:
        path = head + "/"
    fragment = "" if criteria.ignore_fragments else parts.fragment
    return urlunsplit((scheme, netloc, path, parts.query, fragment))


def _text_len(text: str) -> int:
    """Length of a text node with runs of whitespace counted as one character."""
    return len(_WS.sub(" ", text))


def code_text(text: str) -> str:
    """A code text as ``Block.codes`` keeps it: spaces collapsed, case-folded, cut."""
    return " ".join(text.split()).casefold()[:CODE_TEXT]


def _text_of(el: etree._Element) -> str:
    # lxml-stubs type itertext() as str | bytes; lxml yields str on Python 3.
    return " ".join("".join(cast("Iterator[str]", el.itertext())).split())


def reduce_page(body: bytes | str, url: str, criteria: Criteria = Criteria()) -> PageStructure:
    """Parse *body* (HTML) fetched from *url* into a :class:`PageStructure`."""
    # "replace": a lone surrogate (undecodable input) must not lose the page.
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    page = PageStructure(url=url)
    if len(raw) > criteria.max_bytes:
        raw = raw[: criteria.max_bytes]
        page.truncated = True
    raw = VER_ONLY_RE.sub(b"", raw)
    try:
        # Plain lxml elements (no lxml.html classes): the walk below is the hot loop.
        root = etree.fromstring(raw, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return page
    if root is None:
        return page
    page.lang = (
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    ).strip().lower() or None
    title = root.find(".//title")
    if title is not None:
        page.title = _text_of(title)[:300]
    base_url = url
    base = root.find(".//base[@href]")
    if base is not None:
        base_url = _join(url, base.get("href", ""))
    for link in root.iter("link", "a"):
        rel = (link.get("rel") or "").lower().split()
        hreflang = (link.get("hreflang") or "").strip().lower()
        if "alternate" in rel and hreflang and link.get("href"):
            page.alternates.setdefault(
                hreflang, normalize_url(_join(base_url, link.get("href", "")), criteria)
            )
    page_norm = normalize_url(url, PAGE_URL)
    body_el = root.find("body")
    start = body_el if body_el is not None else root
    texts: list[str] = []
    tokens: list[str] = []
    anchors: list[Anchor] = []

    blocks = [0]
    include_internal = criteria.include_internal_anchors
    include_language = criteria.include_language_links

    def _add_anchor(child: etree._Element, href: str, block: int) -> None:
        href = _WS.sub("", href)
        if href.startswith("#") and not include_internal:
            return  # same-page link
        if not include_language and (
            child.get("hreflang") or "alternate" in (child.get("rel") or "").lower().split()
        ):
            return  # language switcher: navigation between the variants, not content
        if href.lower().startswith(("javascript:", "data:")):
            return
        absolute = _join(base_url, href)
        raw_url = absolute.split("#", 1)[0]
        target = normalize_url(absolute, criteria)
        # Links to the page itself (tables of contents, "this page").
        internal = href.startswith("#") or target.split("#", 1)[0] == page_norm
        if include_internal or not internal:
            fragment = absolute.partition("#")[2]
            anchors.append(
                Anchor(target, _text_of(child)[:200], len(anchors), block, raw_url, fragment)
            )
            starts.append(chars[block])

    def walk(el: etree._Element, depth: int, block: int) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            tag = tag.lower()
            if tag in criteria.skipped_subtrees:
                continue
            if criteria.skipped_classes:
                classes = set((child.get("class") or "").split())
                if classes & criteria.skipped_classes:
                    continue
            href = child.get("href") if tag in ("a", "area") else None
            if href is not None:
                _add_anchor(child, href, block)
            if tag in PHRASE_TAGS:
                phrase[tag] = phrase.get(tag, 0) + 1
                here = block_list[block].phrase
                here[tag] = here.get(tag, 0) + 1
                if tag in CODE_TAGS:
                    block_list[block].codes.append(code_text(_text_of(child)))
                elif tag in BLOCK_EMPHASIS:
                    text = _text_of(child).casefold()
                    marked = block_list[block].marked
                    prev = child.getprevious()
                    if (
                        marked
                        and prev is not None
                        and prev.tag == tag
                        and not (prev.tail or "").strip()
                        and marked[-1][0] == tag
                    ):
                        # Adjacent emphases are one: a translator may split the
                        # emphasized phrase it translated ("<em>accent</em> <em>ici</em>").
                        marked[-1][1] = f"{marked[-1][1]} {text}"[:80]
                    else:
                        marked.append([tag, text[:80]])
            child_depth = depth
            if tag not in ("a", "area") and criteria.effective(tag):
                tokens.append(f"{depth}:{tag}")
                child_depth = depth + 1
            child_block = block
            if tag in BLOCK_TAGS:
                blocks[0] += 1
                child_block = blocks[0]
                block_list.append(Block(tag, block))
            if len(texts) < 60:
                texts.extend(t for t in (child.text, child.tail) if t and t.strip())
            if child.text:
                chars[child_block] += _text_len(child.text)
                own[child_block].append(child.text)
            walk(child, child_depth, child_block)
            if child.tail:
                chars[block] += _text_len(child.tail)
                own[block].append(child.tail)

    phrase: dict[str, int] = {}
    block_list = [Block("body")]
    # Characters of text seen so far in each block, and where each anchor starts.
    chars: defaultdict[int, int] = defaultdict(int)
    starts: list[int] = []
    own: defaultdict[int, list[str]] = defaultdict(list)  # text pieces of each block
    if start.text:
        chars[0] += _text_len(start.text)
        own[0].append(start.text)
    walk(start, 0, 0)
    for ordinal, pieces in own.items():
        block_list[ordinal].text = " ".join("".join(pieces).split()).casefold()[:BLOCK_TEXT]
    for anchor, at in zip(anchors, starts, strict=True):
        anchor.offset = round(at / chars[anchor.block], 3) if chars[anchor.block] else 0.0
    page.phrase_tags = phrase
    page.blocks = block_list
    page.tags = tokens
    page.anchors = anchors
    page.text_sample = " ".join(" ".join(texts).split())[:2000]
    h = hashlib.sha1()
    h.update("\n".join(tokens).encode())
    h.update("\n".join(a.url for a in anchors).encode())
    page.digest = h.hexdigest()
    return page


def content_hash(body: bytes) -> str:
    """SHA-1 hex digest of a page body."""
    return hashlib.sha1(body).hexdigest()
