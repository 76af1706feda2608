"""DOM helpers: parsing like parsel, node values, label tokens, value kinds."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

# Elements that never hold a wrapper's datum (their text is code or markup).
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "path", "link", "br", "hr"}
)
# Attributes that carry a datum (meta value, time stamp, image URL); others are labels.
VALUE_ATTRS = ("value", "content", "datetime", "src")
# Attributes whose values describe what a node is (tokens for label similarity).
LABEL_ATTRS = ("id", "class", "name", "property", "itemprop", "rel", "role", "data-testid")

_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def norm(text: str | None) -> str:
    """Collapse whitespace runs and strip (the dataset's value normalization)."""
    return _WS.sub(" ", text or "").strip()


@lru_cache(maxsize=1024)
def squash(text: str) -> str:
    """Comparison key: no whitespace, typographic quotes folded, lower case."""
    return _WS.sub("", text.translate(_QUOTES)).lower()


def parse_html(html: str | bytes) -> Any:
    """Root element, parsed exactly as ``parsel.Selector(text=...)`` does."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    elif _SURROGATE.search(html):
        # Lone surrogates cannot be encoded for lxml: U+FFFD, as a decoder would give.
        html = html.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    html = html.replace("\x00", "")
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]
    return Selector(text=html or "<html></html>").root


@lru_cache(maxsize=256)
def css_to_xpath(css: str) -> str:
    return HTMLTranslator().css_to_xpath(css)


def select(root: Any, xpath: str) -> list[Any]:
    """Evaluate ``xpath``; result items are elements or attribute strings."""
    try:
        result = root.xpath(xpath)
    except (etree.XPathError, ValueError):
        return []
    return result if isinstance(result, list) else []


def node_of(item: Any) -> Any:
    """The element of an XPath result: an element itself, a text or attribute's owner."""
    # lxml's "smart strings" (text and attribute results) know their element.
    return item.getparent() if isinstance(item, etree._ElementUnicodeResult) else item


def value_of(item: Any) -> str:
    """Normalized value of an XPath result: an element's string value or the text."""
    if isinstance(item, str):
        return norm(item)
    if isinstance(item, etree._Element):
        return norm(str(item.xpath("string()")))
    return norm(str(item))


def label_tokens(el: Any) -> frozenset[str]:
    """Lower-case word tokens of id, class, name/property/itemprop... of ``el``."""
    get = el.get
    return _tokens(tuple(get(attr) for attr in LABEL_ATTRS))


@lru_cache(maxsize=4096)
def _tokens(values: tuple[str | None, ...]) -> frozenset[str]:
    # Cached on the attribute values: many elements of a page share their classes.
    tokens: set[str] = set()
    for val in values:
        if val:
            for tok in _SPLIT.split(val[:200]):
                if len(tok) > 1 and not tok.isdigit():
                    tokens.add(tok.lower())
    return frozenset(tokens)


def is_element(el: Any) -> bool:
    return isinstance(el.tag, str)


def in_head(el: Any) -> bool:
    return any(anc.tag == "head" for anc in el.iterancestors())


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_ISO = re.compile(r"\b((?:1[6-9]|20)\d\d)[-/.](\d\d?)[-/.](\d\d?)")
_WORD_DATE = re.compile(
    r"\b([A-Za-z]{3,9})\.?\s+(\d\d?)(?:st|nd|rd|th)?,?\s+((?:1[6-9]|20)\d\d)\b"
    r"|\b(\d\d?)(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:1[6-9]|20)\d\d)\b"
)


def parse_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date in a short text, or None."""
    if len(text) > 80:
        return None
    m = _ISO.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return (y, mo, d) if 1 <= mo <= 12 and 1 <= d <= 31 else None
    m = _WORD_DATE.search(text)
    if m:
        if m.group(1):
            mon, day, year = m.group(1), m.group(2), m.group(3)
        else:
            day, mon, year = m.group(4), m.group(5), m.group(6)
        month = _MONTHS.get(mon.lower())
        if month:
            return (int(year), month, int(day))
    return None


def value_kind(text: str) -> str:
    """Coarse type of a value: date, url, short or long text."""
    if text.startswith(("http://", "https://", "//", "/")) and " " not in text:
        return "url"
    if parse_date(text):
        return "date"
    return "long" if len(text) > 200 else "short"
