"""Checking a wrapper's selectors before use: invalid or unsupported ones are refused.

A selector must pick *elements* (``//h1[@class='title']``, ``h1.title``) or
*attributes* (``//meta[@name='author']/@content``, ``meta::attr(content)``): the
repair engine learns a tree-gram of the picked node. Expressions that compute a
value (``count(...)``, ``string(...)``, ``normalize-space(...)``) or pick text
nodes (``text()``, CSS ``::text``) have no node to learn from; they are refused
with :data:`SUPPORTED`, instead of "matching nothing".
"""

from __future__ import annotations

import re

from lxml import etree

from eduscrape.adaptation._dom import css_to_xpath

SUPPORTED = (
    "selectors must pick elements (//h1[@class='title'], h1.title) or attributes "
    "(//meta[@name='author']/@content, meta::attr(content)); text(), count(), string() "
    "and other value expressions are not supported: pick the element, its text is the value"
)

# A last location step that selects text, comments or processing instructions.
_TEXT_STEP = re.compile(
    r"(?:^|/|::)\s*(?:text|comment|processing-instruction)\s*\(\s*[^()]*\)"
    r"\s*(?:\[[^\]]*\]\s*)*[\s)]*$"
)
_PROBE = etree.fromstring("<html><head><title>t</title></head><body><p>x</p></body></html>")


class SelectorError(ValueError):
    """An XPath or CSS selector that is invalid or not supported (the message says which)."""


def compile_selector(xpath: str | None = None, css: str | None = None) -> str:
    """The XPath of a selector given as *xpath* or *css*; :class:`SelectorError` if unusable."""
    if bool(xpath) == bool(css):  # a caller's mistake, not a bad selector
        raise ValueError("give exactly one of xpath= or css=")
    if css:
        try:
            xp = css_to_xpath(str(css))
        except Exception as exc:  # cssselect's SelectorError is not a ValueError
            raise SelectorError(f"invalid CSS selector {css!r}: {exc}") from None
    else:
        xp = str(xpath)
    shown = repr(css if css else xp)
    try:
        result = etree.XPath(xp)(_PROBE)
    except etree.XPathSyntaxError as exc:
        raise SelectorError(f"invalid XPath {shown}: {exc}") from None
    except (etree.XPathError, ValueError) as exc:  # unknown function or prefix, bad string
        raise SelectorError(f"invalid XPath {shown}: {exc}") from None
    if not isinstance(result, list) or _TEXT_STEP.search(xp):
        raise SelectorError(f"unsupported selector {shown}: {SUPPORTED}")
    return xp
