"""What a datum *is* (title, author, published date, description, lead image), told by
the standard vocabularies pages use for it: Open Graph / Twitter / Dublin Core meta
names, schema.org ``itemprop``, ``<time datetime>``, ``<h1>``, byline classes.

A redesign often moves a datum between these equivalent places (a title from
``og:title`` to ``<h1>``, a date from a byline to ``article:published_time``). The
repairer uses roles to look for the old datum in its equivalents, and to accept only a
node of the same role when a selector that still matches has drifted to another datum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eduscrape.adaptation._dom import (
    in_head,
    label_tokens,
    norm,
    parse_date,
    value_kind,
)

# Word tokens (see label_tokens) naming each role. Generic words only: no site names.
_ROLE_WORDS: dict[str, frozenset[str]] = {
    "modified": frozenset({"modified", "updated", "update", "lastmod", "revised", "changed"}),
    "published": frozenset(
        {"published", "publish", "pubdate", "pub", "issued", "publication", "created", "date"}
    ),
    "image": frozenset({"image", "thumbnail", "img", "photo", "picture"}),
    "description": frozenset(
        {"description", "dek", "summary", "standfirst", "subtitle", "subheadline", "lede"}
    ),
    "title": frozenset({"title", "headline", "hed"}),
    "author": frozenset({"author", "byline", "creator", "byl", "writer", "contributor"}),
}
# Tokens that make a meta name something else than the datum (og:image:width, og:site_name...).
_NOT_DATUM = frozenset(
    {"width", "height", "type", "alt", "site", "url", "secure", "publisher", "section", "tag"}
)
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#/])", re.IGNORECASE)
_ALNUM = re.compile(r"[A-Za-z0-9]+")


def _meta_key(el: Any) -> str:
    return el.get("property") or el.get("name") or el.get("itemprop") or ""


def roles_of_tokens(tokens: frozenset[str] | set[str]) -> set[str]:
    """The roles whose words occur in ``tokens``; "modified" excludes "published"."""
    if tokens & _NOT_DATUM:
        return set()
    roles = {role for role, words in _ROLE_WORDS.items() if tokens & words}
    if "modified" in roles:
        roles.discard("published")
    return roles


def is_image_url(value: str) -> bool:
    return value_kind(value) == "url" and bool(_IMAGE_EXT.search(value) or "image" in value)


def kind_fits(role: str, value: str) -> bool:
    """Value-kind check: a date role holds a date, an image role an image URL, a text
    role no URL and no @handle."""
    if not value:
        return False
    if role in ("published", "modified"):
        return value_kind(value) == "date"
    if role == "image":
        return is_image_url(value)
    if value_kind(value) == "url" or value.startswith("@"):
        return False
    return not (role in ("title", "author") and parse_date(value) and len(value) < 40)


def gram_role(tag: str, attr: str | None, tokens: list[str], kind: str, value: str) -> str | None:
    """The role of a tree-gram's target, from its label, tag and value kind (or None)."""
    toks = frozenset(tokens)
    if kind == "date":
        # "Updated on May 2, 2024": the words of the value say which date it is too.
        words = toks | frozenset(w.lower() for w in _ALNUM.findall(value))
        return "modified" if words & _ROLE_WORDS["modified"] else "published"
    if kind == "url":
        if tag == "img" or attr in ("src", "srcset", "data-src") or is_image_url(value):
            return "image" if is_image_url(value) else None
        return None
    if kind == "long":
        return None
    roles = roles_of_tokens(toks) - {"published", "modified", "image"}
    if tag == "h1" and not roles:
        roles = {"title"}
    return roles.pop() if len(roles) == 1 else None


@dataclass
class RoleNode:
    el: Any
    attr: str | None
    value: str
    rank: int  # lower: the place the role's standard names first (og:*, article:*)


def _meta_rank(key: str, role: str) -> int:
    key = key.lower()
    if role in ("published", "modified"):
        exact = "article:published_time" if role == "published" else "article:modified_time"
        return 0 if key == exact else 1
    if role == "image":
        return 0 if key == "og:image" else 1
    return 0 if key.startswith("og:") else 1


def _labelled_dates(root: Any, role: str) -> list[RoleNode]:
    """Body elements whose label names the date role ("pub-date", "timestamp") and whose
    text is a short date; innermost only (a date span, not the byline around it)."""
    found = []
    for el in root.iter("span", "div", "p", "time", "li", "small", "em", "strong"):
        if role not in roles_of_tokens(label_tokens(el)):
            continue
        val = norm(el.xpath("string()"))
        if len(val) <= 60 and value_kind(val) == "date":
            found.append(RoleNode(el, None, val, 5))
    inner = {id(a) for n in found for a in n.el.iterancestors()}
    return [n for n in found if id(n.el) not in inner]


def role_nodes(root: Any, role: str, *, text: bool = True) -> list[RoleNode]:
    """Nodes of ``root`` that carry ``role`` by a standard name, best-known first:
    head meta tags, then ``<time datetime>`` / ``itemprop`` / ``rel`` in the body, then
    labelled elements (h1 for titles, byline/author classes, date spans). ``text``:
    False leaves out the labelled elements (cheaper)."""
    out: list[RoleNode] = []
    for el in root.iter("meta"):
        key = _meta_key(el)
        if not key:
            continue
        attr = "value" if el.get("value") is not None else "content"
        val = norm(el.get(attr))
        if role in roles_of_tokens(label_tokens(el)) and kind_fits(role, val):
            out.append(RoleNode(el, attr, val, _meta_rank(key, role) + (0 if in_head(el) else 2)))
    if role in ("published", "modified"):
        for el in root.iter("time"):
            val = norm(el.get("datetime"))
            toks = label_tokens(el)
            other = roles_of_tokens(toks) & {"published", "modified"}
            if val and kind_fits(role, val) and (not other or role in other):
                out.append(RoleNode(el, "datetime", val, 3 if role in other else 4))
        if text:
            out += _labelled_dates(root, role)
    elif role == "image":
        for el in root.iter("link"):
            if (el.get("rel") or "").lower() == "image_src" and is_image_url(norm(el.get("href"))):
                out.append(RoleNode(el, "href", norm(el.get("href")), 2))
    elif text:
        for el in root.iter("h1", "h2", "span", "div", "a", "p", "address"):
            toks = label_tokens(el)
            if (el.tag == "h1" and role == "title") or role in roles_of_tokens(toks):
                val = norm(el.xpath("string()"))
                if kind_fits(role, val) and len(val) < 400:
                    out.append(RoleNode(el, None, val, 3))
    return out


def image_identity(url: str) -> frozenset[str]:
    """Distinctive tokens of an image URL (ids, file stems): the same picture in
    another size or crop shares them; two pictures of a site rarely do."""
    path = url.split("//", 1)[-1].split("/", 1)[-1].split("?")[0]
    out = set()
    for tok in _ALNUM.findall(path):
        has_digit = any(c.isdigit() for c in tok)
        has_alpha = any(c.isalpha() for c in tok)
        mixed_case = tok != tok.lower() and tok != tok.upper()
        if len(tok) >= 6 and ((has_digit and has_alpha) or (len(tok) >= 8 and mixed_case)):
            out.add(tok)
    return frozenset(out)


def _fold_text(text: str) -> str:
    return "".join(text.lower().split())


def page_role(el: Any, value: str) -> str | None:
    """The role the page's own metadata gives ``value`` (captured where a selector
    worked): the meta tags carrying the same text (the same day, for a date). None when
    no meta or metas of several roles carry it."""
    kind = value_kind(value)
    if kind == "long" or kind == "url" or not value:
        return None
    day = parse_date(value) if kind == "date" else None
    want = _fold_text(value)
    roles: set[str] = set()
    for meta in el.getroottree().getroot().iter("meta"):
        val = norm(meta.get("content") or meta.get("value"))
        if not val:
            continue
        same = parse_date(val) == day if day else _fold_text(val) == want
        if same:
            roles |= roles_of_tokens(label_tokens(meta)) - {"image"}
    return roles.pop() if len(roles) == 1 else None
