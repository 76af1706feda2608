"""Which pages of two (or more) language variants correspond.

A :class:`VariantMapper` turns any URL of any variant into a *key* shared by
counterpart pages, and a key back into each variant's URL. The rule is
detected from the root URLs: the part where they differ is the language token
(``/en/`` vs ``/es/``, ``index-en.html`` vs ``index-fr.html``,
``en.example.org`` vs ``fr.example.org``). hreflang/alternate links override
the rule for pages that declare them (:meth:`VariantMapper.register`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from eduscrape.variants.links import LinkKeyer
from eduscrape.variants.structure import PAGE_URL, Criteria, PageStructure, normalize_url

_DELIMS = "/-_."
WILDCARD = "{lang}"


@dataclass(frozen=True)
class Rule:
    """``token[i]`` framed by ``before``/``after`` marks variant *i* in a URL."""

    tokens: tuple[str, ...]
    before: str
    after: str

    def describe(self) -> str:
        return " <-> ".join(f"{self.before}{t}{self.after}" for t in self.tokens)


def parse_rule(text: str) -> Rule:
    """A rule given as a setting: ``"/en/,/es/"`` or ``"-en.html,-fr.html"``."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        raise ValueError(f"a mapping rule needs two or more patterns separated by ',': {text!r}")
    rule = detect_rule(parts)
    if rule is None:
        raise ValueError(f"cannot read a language token from the patterns {text!r}")
    return rule


def _common_prefix(items: list[str]) -> str:
    first = min(items)
    last = max(items)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def detect_rule(roots: list[str]) -> Rule | None:
    """The language-token rule implied by the root URLs, or None (same shape, no token)."""
    if len(set(roots)) < 2:
        return None
    prefix = _common_prefix(roots)
    suffix = _common_prefix([r[len(prefix) :][::-1] for r in roots])[::-1]
    # Grow the token to whole delimiter-bounded parts: "/en/" not "n/" of "/en/" vs "/fn/".
    while prefix and prefix[-1] not in _DELIMS:
        prefix = prefix[:-1]
    while suffix and suffix[0] not in _DELIMS:
        suffix = suffix[1:]
    tokens = tuple(r[len(prefix) : len(r) - len(suffix)] for r in roots)
    if any(not t or "/" in t.strip("/") for t in tokens) or not prefix:
        return None
    before = prefix[-1]
    after = suffix[0] if suffix else ""
    return Rule(tokens, before, after)


class VariantMapper:
    """Keys shared by counterpart pages of N variants (index 0 is the reference)."""

    def __init__(
        self,
        roots: list[str],
        rule: Rule | str | None = "auto",
        criteria: Criteria | None = None,
    ):
        self.criteria = criteria or Criteria()
        self.roots = [normalize_url(r, PAGE_URL) for r in roots]
        if rule == "auto":
            self.rule: Rule | None = detect_rule(self.roots)
        elif isinstance(rule, str):
            self.rule = parse_rule(rule)
        else:
            self.rule = rule
        # Each variant's site: the folder of its root URL.
        self.bases = [r.rsplit("/", 1)[0] + "/" for r in self.roots]
        self._overrides: dict[str, str] = {}  # normalized URL -> key (hreflang pairs)
        self._urls: dict[str, dict[int, str]] = {}  # key -> variant -> URL (overrides)
        self._langs: list[str] = []  # variant languages, once known (set_languages)
        self._keyer: LinkKeyer | None = None

    def set_languages(self, langs: list[str | None]) -> None:
        self._langs = [lang for lang in langs if lang]
        self._keyer = None

    @property
    def keyer(self) -> LinkKeyer:
        """Keys of links outside the variants, neutral to the pair's language tokens."""
        if self._keyer is None:
            tokens = list(self.rule.tokens) if self.rule else []
            self._keyer = LinkKeyer([*self._langs, *tokens])
        return self._keyer

    @property
    def n(self) -> int:
        return len(self.roots)

    def variant_of(self, url: str) -> int | None:
        """Which variant's site *url* belongs to (None: outside every variant)."""
        url = url.split("#", 1)[0]
        best: tuple[int, int] | None = None
        for i, base in enumerate(self.bases):
            if url.startswith(base) and (best is None or len(base) > best[1]):
                if self.rule is not None and len(set(self.bases)) < self.n:
                    # Shared folder (index-en.html vs index-fr.html): the token decides.
                    mark = f"{self.rule.before}{self.rule.tokens[i]}{self.rule.after}"
                    if mark not in url[len(base) - 1 :]:
                        continue
                best = (i, len(base))
        shared = self.rule is not None and len(set(self.bases)) < self.n
        if best is None and shared and any(url.startswith(b) for b in self.bases):
            # A page of the shared folder without any token: belongs to all; say reference.
            return 0
        return best[0] if best else None

    def key(self, url: str) -> str:
        """The comparable form of *url*: its key when it is in a variant, else the URL with
        language tokens of the pair replaced (other sites' /en/ vs /fr/ pages compare equal)."""
        norm = normalize_url(url, self.criteria)
        page, hash_, fragment = norm.partition("#")
        if page in self._overrides:
            return self._overrides[page] + hash_ + fragment
        i = self.variant_of(page)
        if i is None:
            return self._detokenize_external(norm)
        rel = page[len(self.bases[i]) :]
        if self.rule is not None:
            rel = self._detokenize(rel, only=i)
        return "~/" + rel + hash_ + fragment

    def _detokenize(self, text: str, only: int | None = None) -> str:
        if self.rule is None:
            return text
        for i, token in enumerate(self.rule.tokens):
            if only is not None and i != only:
                continue
            mark = f"{self.rule.before}{token}{self.rule.after}"
            text = text.replace(mark, f"{self.rule.before}{WILDCARD}{self.rule.after}")
        return text

    def _detokenize_external(self, url: str) -> str:
        """Other sites' language forms of a URL compare equal (en.wikipedia vs fr.wikipedia,
        index-eng.asp vs index-fra.asp, http vs https, www., ?hl=en): see links.LinkKeyer."""
        return self.keyer.key(url)

    def url_for(self, key: str, variant: int) -> str | None:
        """The URL of the page with *key* in *variant* (None when the key is not a page key)."""
        if key in self._urls and variant in self._urls[key]:
            return self._urls[key][variant]
        if not key.startswith("~/"):
            return None
        rel = key[2:].split("#", 1)[0]
        if self.rule is not None:
            rel = rel.replace(WILDCARD, self.rule.tokens[variant])
        return self.bases[variant] + rel

    def register(self, key: str, variant: int, url: str) -> None:
        """Pair *url* of *variant* with *key* (from hreflang links or position pairing)."""
        norm = normalize_url(url, PAGE_URL)
        self._overrides[norm] = key
        self._urls.setdefault(key, {})[variant] = norm

    def is_registered(self, key: str, variant: int | None = None) -> bool:
        """Whether *key* was paired explicitly (hreflang, position) [for *variant*]."""
        pairs = self._urls.get(key, {})
        return bool(pairs) if variant is None else variant in pairs

    def alternate_for(
        self, page: PageStructure, variant: int, langs: list[str | None]
    ) -> str | None:
        """The counterpart URL *page* declares for *variant* through hreflang links."""
        lang = langs[variant]
        if not lang:
            return None
        for code, url in page.alternates.items():
            same = code == lang or code.split("-")[0] == lang.split("-")[0]
            if same and self.variant_of(url) == variant:
                return url
        return None


# -- Pair verification -----------------------------------------------------------


def structure_similarity(a: PageStructure, b: PageStructure) -> float:
    """0..1 similarity of the effective tag-name sequences (quick bound first)."""
    x, y = a.tag_names, b.tag_names
    if x == y:
        return 1.0
    if not x or not y:
        return 0.0
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < 0.2 or matcher.quick_ratio() < 0.2:
        return matcher.quick_ratio()
    if len(x) * len(y) > 4_000_000:
        return matcher.quick_ratio()  # huge pages: the bag-of-tags bound is enough
    return matcher.ratio()


_LANG_CODE = re.compile(r"^[a-z]{2,3}")


_SEGMENT_END = re.compile(r"(?<=[.!?:|])\s+")


def text_segments(text: str) -> list[str]:
    """A page's text cut at sentence and menu ends (the unit of site boilerplate)."""
    return [s for s in _SEGMENT_END.split(text) if s]


def detect_language(page: PageStructure, boilerplate: Collection[str] = ()) -> str | None:
    """Language of the page text (py3langid) when there is enough text, else None.

    Segments in *boilerplate* (text the site repeats on many pages, such as an
    untranslated comments notice) are left out: the page's own text decides."""
    text = page.text_sample
    if boilerplate:
        text = " ".join(s for s in text_segments(text) if s not in boilerplate)
    if len(text) < 80:
        return None
    try:
        import py3langid
    except ImportError:  # optional dependency: no language check
        return None
    lang, _ = py3langid.classify(text)
    return str(lang)


def base_lang(code: str | None) -> str | None:
    """The primary language subtag of *code* (``pt-BR`` -> ``pt``), or None."""
    if not code:
        return None
    m = _LANG_CODE.match(code.lower())
    return m.group(0) if m else None


def verify_pair(
    ref: PageStructure,
    other: PageStructure,
    ref_lang: str | None,
    other_lang: str | None,
    min_similarity: float = 0.3,
    boilerplate: Collection[str] = (),
) -> tuple[bool, str, float]:
    """(doubtful, reason, similarity) for a candidate pair of counterpart pages.

    *boilerplate*: text segments the other variant repeats across the site, not
    counted as the page's language (``detect_language``)."""
    sim = structure_similarity(ref, other)
    if sim < min_similarity:
        return True, f"structures differ too much (similarity {sim:.2f})", sim
    if ref_lang and other_lang and base_lang(ref_lang) != base_lang(other_lang):
        detected = base_lang(detect_language(other, boilerplate))
        if detected and detected == base_lang(ref_lang) and detected != base_lang(other_lang):
            return True, f"page is in {detected}, expected {other_lang}", sim
    return False, "", sim
