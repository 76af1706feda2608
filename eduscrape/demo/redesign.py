"""Realistic, seeded redesigns of saved pages: the facts stay, the markup changes.

    from eduscrape.demo.redesign import redesign_posting, redesign_ocw_page, LEVELS
    html2 = redesign_posting(html, "renamed", seed=3)

Used to measure how spiders survive redesigns (``bench/bench_redesigns.py``) and to
serve a redesigned demo site (``/classifieds-v2/``). Each level includes the previous:

- ``attributes``: the markup of repeated facts changes form (Craigslist's 2023
  ``div.attrgroup > div.attr > span.labl + span.valu`` bubbles; on OCW pages, where
  there are no bubbles, the course facts' ``dl`` becomes a list of label/value rows);
- ``renamed``: every id and class of the page body is renamed by one naming scheme
  chosen by the seed (BEM, CSS-module hashes, opaque CSS-in-JS hashes, other words),
  plus an extra wrapper ``div`` around the main content;
- ``moved``: blocks move (attribute groups after the body, the map elsewhere, the
  title block restructured, breadcrumbs and downloads after the transcript...) and
  structured data goes (JSON-LD, ``og:`` meta tags, map ``data-*`` attributes, the
  video ``data-*`` attributes; an embed URL or thumbnail carries the video id instead).

The same seed renames a given class the same way on every page of a site, as a real
redesign does. Visible text is never removed or changed (tests check it); transcripts,
video order, dates (``datetime``) and links stay. Scrapy-free: lxml only.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import lxml.html
from lxml import etree

__all__ = [
    "LEVELS",
    "SCHEMES",
    "redesign_classifieds_page",
    "redesign_listing",
    "redesign_ocw_page",
    "redesign_openedx_page",
    "redesign_posting",
    "scheme_for",
    "visible_text",
    "visible_words",
]

LEVELS = ("attributes", "renamed", "moved")
# Naming schemes real redesigns use; the seed picks one (seed % len).
SCHEMES = ("bem", "css-modules", "words", "opaque")

# Other words for the names these sites use (a scheme picks one per name, by seed).
_WORDS: dict[str, tuple[str, ...]] = {
    "postingbody": ("description", "post-body", "ad-description", "listing-text"),
    "titletextonly": ("title-text", "headline", "ad-title", "listing-name"),
    "postingtitle": ("title-bar", "ad-header", "headline-row"),
    "postingtitletext": ("title-line", "header-text", "title-wrap"),
    "price": ("rent", "amount", "price-tag", "cost"),
    "housing": ("unit-info", "size-summary", "beds-area"),
    "mapaddress": ("street-address", "address-line", "location"),
    "mapbox": ("map-panel", "location-box", "geo"),
    "map": ("map-canvas", "geo-map", "mapview"),
    "viewposting": ("static", "view"),
    "attrgroup": ("features", "attr-list", "details-group", "facts"),
    "attr": ("feature", "fact", "detail", "prop"),
    "important": ("primary", "highlight", "main"),
    "labl": ("label", "name", "term"),
    "valu": ("value", "val", "content"),
    "postinginfo": ("meta-line", "post-meta", "info-line"),
    "postinginfos": ("post-meta-block", "meta", "post-details"),
    "userbody": ("content", "main-body", "post-content"),
    "mapAndAttrs": ("sidebar", "aside-info", "facts-panel"),
    "shared-line-bubble": ("pill", "chip", "tag"),
    "otherpostings": ("open-house", "event-link", "date-link"),
    "reveal": ("shown", "visible"),
    "date": ("when", "timestamp"),
    "timeago": ("relative-time", "ago"),
    "result-row": ("result", "search-item", "listing-row"),
    "result-title": ("result-link", "item-title", "listing-link"),
    "result-price": ("item-price", "result-amount"),
    "hdrlnk": ("title-link", "main-link"),
    "rows": ("results", "search-results", "result-list"),
    "next": ("forward", "next-page", "more"),
    "button": ("btn", "control", "pager-button"),
    "paginator": ("pager", "pagination", "page-nav"),
    # OCW course sites
    "course-title": ("course-name", "page-title", "course-heading"),
    "course-number": ("course-code", "catalog-number", "course-id"),
    "course-term": ("semester", "term-taught", "offered"),
    "course-level": ("level", "course-audience", "audience"),
    "course-info-instructor": ("instructor-link", "faculty-name", "teacher"),
    "course-instructors": ("instructor-list", "faculty", "teachers"),
    "course-topics": ("topic-list", "subjects", "topics"),
    "course-department": ("department", "dept-name", "academic-unit"),
    "course-description": ("description-section", "about-course", "overview"),
    "course-info": ("course-facts", "info-panel", "course-details"),
    "description": ("text", "summary", "body-text"),
    "video-gallery-section": ("gallery-group", "video-section", "playlist-section"),
    "video-gallery-card": ("video-item", "video-tile", "media-card"),
    "video-gallery": ("video-list", "media-grid", "playlist"),
    "video-title": ("media-title", "clip-title", "video-name"),
    "resource-title": ("page-heading", "resource-name", "item-title"),
    "video-link": ("media-link", "tile-link", "clip-link"),
    "breadcrumbs": ("crumbs", "trail", "path-nav"),
    "transcript-body": ("transcript-text", "captions-body", "transcript-content"),
    "transcript": ("captions", "transcript-panel", "text-track"),
    "caption-srt": ("srt-link", "download-srt", "captions-srt"),
    "caption-vtt": ("vtt-link", "download-vtt", "captions-vtt"),
    "download-link": ("file-link", "download", "asset-link"),
    "resource-downloads": ("downloads", "files", "assets"),
    "site-logo": ("brand", "logo-link", "home-link"),
    "course-banner": ("hero", "course-header", "banner"),
    "course-banner-title": ("banner-title", "course-header-name", "hero-title"),
    "course-banner-number": ("banner-meta", "hero-meta", "course-header-meta"),
    "course-nav": ("side-nav", "course-menu", "left-nav"),
    "course-nav-item": ("menu-item", "nav-entry", "side-nav-item"),
    "video-container": ("player", "video-embed", "media-player"),
    "gallery-title": ("gallery-heading", "page-title", "list-title"),
    "gallery-intro": ("lead", "intro", "gallery-lead"),
    "pager": ("prev-next", "sequence-nav", "pagination"),
    "pager-prev": ("prev", "previous-link", "back"),
    "pager-next": ("next-link", "forward", "following"),
    "license": ("legal", "copyright", "terms"),
    # Open edX courseware
    "xblock": ("block", "component", "unit-block"),
    "vert": ("vertical-item", "unit-part", "stack-item"),
    "video": ("media", "video-block", "player-block"),
    "seq_contents": ("sequence-panel", "seq-panel", "unit-panel"),
    "course-content": ("courseware-main", "content-area", "learning-area"),
}
# BEM block names and CSS-module component names, per seed.
_BLOCKS = ("page", "c-post", "app", "o-layout", "site")
_COMPONENTS = ("Posting", "Page", "Layout", "Detail", "Main")


def scheme_for(seed: int) -> str:
    """The naming scheme a seed uses (``renamed`` and ``moved`` levels)."""
    return SCHEMES[seed % len(SCHEMES)]


def _digest(seed: int, token: str, n: int = 6) -> str:
    raw = hashlib.blake2b(f"{seed}:{token}".encode(), digest_size=8).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    num = int.from_bytes(raw, "big")
    out = []
    for _ in range(n):
        num, rem = divmod(num, len(alphabet))
        out.append(alphabet[rem])
    return "".join(out)


def _pick(seed: int, token: str, options: tuple[str, ...]) -> str:
    return options[int(_digest(seed, "pick:" + token, 4), 36) % len(options)]


def _kebab(token: str) -> str:
    token = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", token)
    return re.sub(r"[_\s]+", "-", token).lower().strip("-") or "x"


def _camel(word: str) -> str:
    parts = [p for p in re.split(r"[-_\s]+", word) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else "x"


class _Namer:
    """Renames a class or id token the same way on every page for one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.scheme = scheme_for(seed)
        self.block = _BLOCKS[seed % len(_BLOCKS)]
        self.component = _COMPONENTS[(seed // len(SCHEMES)) % len(_COMPONENTS)]

    def word(self, token: str) -> str:
        options = _WORDS.get(token)
        return _pick(self.seed, token, options) if options else _kebab(token)

    def __call__(self, token: str) -> str:
        if self.scheme == "bem":
            return f"{self.block}__{self.word(token)}"
        if self.scheme == "css-modules":
            return f"{self.component}_{_camel(self.word(token))}__{_digest(self.seed, token, 5)}"
        if self.scheme == "opaque":
            return "css-" + _digest(self.seed, token, 7).lower()
        # "words": the names that have other words get them, the rest keep theirs.
        return self.word(token) if token in _WORDS else token


# ---------------------------------------------------------------------------- helpers


def _parse(html: str) -> Any:
    return lxml.html.document_fromstring(html or "<html><body></body></html>")


def _serialize(doc: Any) -> str:
    return str(lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"))


def _classes(el: Any) -> list[str]:
    return (el.get("class") or "").split()


def _has_class(el: Any, name: str) -> bool:
    return name in _classes(el)


def _find(doc: Any, xpath: str) -> list[Any]:
    return list(doc.xpath(xpath))


def _cls(name: str) -> str:
    """XPath predicate: the element has class *name*."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _el(tag: str, cls: str | None = None, text: str | None = None, **attrs: str) -> Any:
    el = lxml.html.Element(tag)
    if cls:
        el.set("class", cls)
    for key, value in attrs.items():
        el.set(key.replace("_", "-"), value)
    if text is not None:
        el.text = text
    return el


def _detach(el: Any) -> Any:
    """Remove *el* from its parent, keeping its tail text in place."""
    parent = el.getparent()
    if parent is not None:
        tail = el.tail
        prev = el.getprevious()
        if tail:
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)
    el.tail = None
    return el


def _wrap_children(parent: Any, wrapper: Any) -> Any:
    """Move all of *parent*'s content into *wrapper*, which becomes its only child."""
    wrapper.text, parent.text = parent.text, None
    for child in list(parent):
        wrapper.append(child)  # lxml moves the tail with it
    parent.append(wrapper)
    return wrapper


def _wrap(el: Any, wrapper: Any) -> Any:
    """Put *el* inside *wrapper*, in its place."""
    parent = el.getparent()
    wrapper.tail, el.tail = el.tail, None
    parent.replace(el, wrapper)
    wrapper.append(el)
    return wrapper


def _rename(doc: Any, seed: int, keep: Callable[[Any], bool] | None = None) -> None:
    """Rename every class and id in ``<body>`` (scripts and styles aside)."""
    namer = _Namer(seed)
    body = doc.find("body")
    if body is None:
        return
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if keep is not None and keep(el):
            continue
        classes = _classes(el)
        if classes:
            el.set("class", " ".join(namer(c) for c in classes))
        ident = el.get("id")
        if ident:
            if namer.scheme == "opaque":
                # CSS-in-JS sites rarely keep ids; in-page anchors keep theirs.
                if not doc.xpath(f"//a[@href='#{ident}']"):
                    del el.attrib["id"]
            else:
                el.set("id", namer(ident).replace("__", "-"))


def _extra_wrapper(container: Any, seed: int, role: str) -> None:
    if container is None:
        return
    namer = _Namer(seed)
    _wrap_children(container, _el("div", namer(role)))


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "iframe",
        "img",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


def visible_words(html: str) -> Counter[str]:
    """The words a reader sees in ``<body>``, counted (see :func:`visible_text`)."""
    return Counter(visible_text(html).split())


def visible_text(html: str) -> str:
    """The text a reader sees in ``<body>`` (scripts, styles and comments aside).

    Inline elements do not split words (``<b>2678</b>ft<sup>2</sup>`` is one word),
    block elements do, as a browser renders them. Whitespace is collapsed.
    """
    doc = _parse(html)
    body = doc.find("body")
    if body is None:
        return ""
    chunks: list[str] = []

    def walk(node: Any) -> None:
        block = isinstance(node.tag, str) and node.tag in _BLOCK_TAGS
        if isinstance(node.tag, str) and node.tag not in ("script", "style"):
            if block:
                chunks.append(" ")
            chunks.append(node.text or "")
            for child in node:
                walk(child)
                chunks.append(child.tail or "")
            if block:
                chunks.append(" ")

    walk(body)
    return " ".join("".join(chunks).split())


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown redesign level {level!r}: one of {', '.join(LEVELS)}")


# -------------------------------------------------------------------- Craigslist postings

# The 2023 attribute keys (class of ``div.attr``) of the vocabulary values.
_ATTR_KEYS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("cats are ok - purrr",), "pets_cat"),
    (("dogs are ok - wooof",), "pets_dog"),
    (("furnished",), "is_furnished"),
    (("no smoking",), "no_smoking"),
    (("wheelchair accessible",), "wheelchaccess"),
    (("ev charging",), "ev_charging"),
    (("air conditioning",), "airconditioning"),
)


def _attr_key(text: str) -> str:
    from eduscrape.housing.craigslist import LAUNDRY, PARKING, TYPES

    low = " ".join(text.lower().split())
    for values, key in _ATTR_KEYS:
        if low in values:
            return key
    if low in TYPES:
        return "housing_type"
    if low in LAUNDRY:
        return "laundry"
    if low in PARKING:
        return "parking"
    return re.sub(r"\W+", "_", low).strip("_")[:30] or "attr"


def _inner_copy(src: Any, dst: Any) -> Any:
    """Copy *src*'s text and children (not its tail) into *dst*."""
    dst.text = src.text
    for child in src:
        dst.append(copy.deepcopy(child))
    if len(dst):
        dst[-1].tail = (dst[-1].tail or "").rstrip() or None
    return dst


def _attrgroups_2023(doc: Any) -> None:
    """``p.attrgroup > span`` bubbles -> ``div.attrgroup > div.attr > span.labl + span.valu``."""
    for group in _find(doc, f"//p[{_cls('attrgroup')}]"):
        new = _el("div", "attrgroup")
        new.tail = group.tail
        spans = [c for c in group if c.tag == "span"]
        headline = [c for c in group if c.tag == "b"]  # "open house dates"
        if any(_has_class(s, "shared-line-bubble") for s in spans):
            # The headline facts: BR/Ba, size, availability.
            for span in spans:
                important = _el("span", "attr important")
                for key in ("data-date", "data-today_msg"):
                    if span.get(key):
                        important.set(key, span.get(key))
                text = "".join(span.itertext())
                if "ft" in text and span.find("sup") is not None:
                    important.text = text.replace("ft2", "ft").strip()
                    sup = etree.SubElement(important, "sup")
                    sup.text = "2"
                else:
                    important.text = " ".join(text.split())
                important.tail = "\n"
                new.append(important)
        else:
            dated = [s for s in spans if _has_class(s, "otherpostings")]
            if dated:
                # The open house date links (under an "open house dates" headline): one
                # attribute, labelled when the page labels them.
                attr = _el("div", "attr open_house")
                if headline:
                    labl = etree.SubElement(attr, "span", {"class": "labl"})
                    labl.text = " ".join("".join(headline[0].itertext()).split())
                    labl.tail = " "
                valu = etree.SubElement(attr, "span", {"class": "valu"})
                links = [a for s in dated for a in s.iter("a")]
                for i, link in enumerate(links):
                    valu.append(copy.deepcopy(link))
                    if i < len(links) - 1:
                        etree.SubElement(valu, "br")
                new.append(attr)
            spans = [s for s in spans if s not in dated]
            for span in spans:
                text = " ".join("".join(span.itertext()).split())
                if not text:
                    continue
                bold = span.find("b")
                if bold is not None and ":" in (span.text or ""):
                    # "rent period: <b>monthly</b>": label and value, split as the site does.
                    label = " ".join((span.text or "").split())
                    attr = _el("div", "attr " + _attr_key(label.rstrip(":")))
                    labl = etree.SubElement(attr, "span", {"class": "labl"})
                    labl.text = label
                    labl.tail = " "
                    valu = etree.SubElement(attr, "span", {"class": "valu"})
                    valu.text = " ".join("".join(bold.itertext()).split())
                else:
                    key = _attr_key(text)
                    attr = _el("div", "attr")
                    valu = etree.SubElement(attr, "span", {"class": "valu"})
                    link = etree.SubElement(valu, "a", {"href": f"/search/apa?{key}=1"})
                    link.text = text
                new.append(attr)
        group.getparent().replace(group, new)


def _title_block_moved(doc: Any) -> None:
    """``h1 > span.price + span.housing + #titletextonly + small`` -> title h1, then a facts line."""
    h1s = _find(doc, f"//h1[{_cls('postingtitle')}]")
    if not h1s:
        return
    h1 = h1s[0]
    title = h1.xpath(".//*[@id='titletextonly']")
    price = h1.xpath(f".//span[{_cls('price')}]")
    housing = h1.xpath(f".//span[{_cls('housing')}]")
    small = h1.xpath(".//small")
    header = _el("header", "posting-header")
    new_h1 = _el("h1", "postingtitle")
    if title:
        new_h1.append(_detach(title[0]))
    header.append(new_h1)
    facts = _el("div", "posting-facts")
    for part in (price, housing, small):
        if part:
            el = _detach(part[0])
            el.tail = " "
            facts.append(el)
    header.append(facts)
    header.tail = h1.tail
    h1.getparent().replace(h1, header)


def redesign_posting(html: str, level: str, seed: int = 0) -> str:
    """A Craigslist posting page redesigned at *level* (see the module docstring)."""
    _check_level(level)
    doc = _parse(html)
    _attrgroups_2023(doc)
    if level == "attributes":
        return _serialize(doc)
    if level == "moved":
        _title_block_moved(doc)
        body_section = _find(doc, "//section[@id='postingbody']")
        groups = _find(doc, f"//div[{_cls('attrgroup')}]")
        if body_section:
            # The attribute groups after the description, in their order.
            anchor = body_section[0]
            for group in groups:
                _detach(group)
                anchor.addnext(group)
                anchor = group
        for mapbox in _find(doc, f"//div[{_cls('mapbox')}]"):
            infos = _find(doc, f"//div[{_cls('postinginfos')}]")
            _detach(mapbox)
            if infos:
                infos[0].addnext(mapbox)  # the map after the posting's dates
            else:
                doc.find("body").append(mapbox)
        for script in _find(doc, "//script[@type='application/ld+json']"):
            _detach(script)
        for node in _find(doc, "//*[@data-latitude or @data-longitude]"):
            for key in ("data-latitude", "data-longitude", "data-accuracy"):
                node.attrib.pop(key, None)
    # The extra wrapper goes around the posting's content (section.userbody).
    found = (
        _find(doc, f"//section[{_cls('userbody')}]")
        or _find(doc, "//section[@id='postingbody']/..")
        or _find(doc, "//body")
    )
    _rename(doc, seed)
    _extra_wrapper(found[0] if found else None, seed, "layout-inner")
    return _serialize(doc)


def redesign_listing(html: str, level: str, seed: int = 0) -> str:
    """A Craigslist search page: renamed classes and an extra wrapper from ``renamed`` on."""
    _check_level(level)
    doc = _parse(html)
    if level == "attributes":
        return _serialize(doc)
    _rename(doc, seed)
    lists = _find(doc, "//ul")
    if lists:
        _wrap(lists[0], _el("div", _Namer(seed)("results-wrapper")))
    return _serialize(doc)


def redesign_classifieds_page(html: str, level: str, seed: int = 0) -> str:
    """A page of a Craigslist-style site: postings and search pages, each as it is."""
    if "postingbody" in html or "titletextonly" in html:
        return redesign_posting(html, level, seed)
    return redesign_listing(html, level, seed)


# ---------------------------------------------------------------------- OCW course sites


def _ocw_kind(doc: Any) -> str:
    if _find(doc, f"//*[{_cls('course-title')}]"):
        return "course"
    if _find(doc, f"//*[{_cls('video-gallery-card')}]"):
        return "gallery"
    if _find(doc, "//*[@data-youtube-id]") or _find(doc, f"//*[{_cls('transcript-body')}]"):
        return "video"
    return "other"


def _ocw_facts_rows(doc: Any) -> None:
    """The course facts' ``dl`` -> label/value rows (``div.course-fact > span + div``)."""
    for dl in _find(doc, f"//section[{_cls('course-info')}]//dl"):
        rows = _el("div", "course-facts")
        rows.tail = dl.tail
        label: Any = None
        for child in list(dl):
            if child.tag == "dt":
                label = child
            elif child.tag == "dd":
                row = _el("div", "course-fact")
                lab = _el("span", "course-fact-label")
                if label is not None:
                    _inner_copy(label, lab)
                row.append(lab)
                row.append(_inner_copy(child, _el("div", "course-fact-value")))
                rows.append(row)
                label = None
        dl.getparent().replace(dl, rows)


def _ocw_moved(doc: Any, kind: str) -> None:
    for meta in _find(doc, "//meta[starts-with(@property, 'og:')]"):
        _detach(meta)
    for script in _find(doc, "//script[@type='application/ld+json']"):
        _detach(script)
    if kind == "course":
        info = _find(doc, f"//section[{_cls('course-info')}]")
        description = _find(doc, f"//section[{_cls('course-description')}]")
        if info and description:
            description[0].addnext(_detach(info[0]))  # facts after the description
        titles = _find(doc, f"//h1[{_cls('course-title')}]")
        banner = _find(doc, f"//*[{_cls('course-banner')}]")
        if titles and banner:
            # The title moves into the banner, above the course number line.
            banner[0].insert(0, _detach(titles[0]))
    elif kind == "gallery":
        for card in _find(doc, f"//li[{_cls('video-gallery-card')}]"):
            ident = card.attrib.pop("data-youtube-id", None)
            link = card.find("a")
            title = card.xpath(f".//*[{_cls('video-title')}]")
            new = _el("div", card.get("class"))
            new.tail = card.tail
            if ident:
                new.append(
                    _el("img", "thumb", src=f"https://img.youtube.com/vi/{ident}/mqdefault.jpg")
                )
                new[-1].set("alt", "")
            heading = _el("h3", "video-title")
            if link is not None:
                a = _el("a", link.get("class"), href=link.get("href", ""))
                a.text = "".join(title[0].itertext()) if title else "".join(link.itertext())
                heading.append(a)
            new.append(heading)
            card.getparent().replace(card, new)
        for ul in _find(doc, f"//ul[{_cls('video-gallery')}]"):
            ul.tag = "div"
    elif kind == "video":
        for player in _find(doc, "//*[@data-youtube-id]"):
            ident = player.get("data-youtube-id")
            download = player.get("data-download-src")
            for key in [k for k in player.attrib if k.startswith("data-")]:
                del player.attrib[key]
            player.append(
                _el(
                    "iframe",
                    "embed",
                    src=f"https://www.youtube-nocookie.com/embed/{ident}",
                    title="YouTube video player",
                )
            )
            downloads = _find(doc, f"//section[{_cls('resource-downloads')}]//ul")
            if download and downloads:
                li = _el("li")
                li.append(
                    _el("a", "download-link video-download", text="Download video", href=download)
                )
                downloads[0].insert(0, li)
        transcript = _find(doc, "//section[@id='transcript']")
        if transcript:
            anchor = transcript[0]
            for xp in (
                f"//section[{_cls('resource-downloads')}]",
                f"//nav[{_cls('breadcrumbs')}]",
            ):
                for el in _find(doc, xp):
                    anchor.addnext(_detach(el))
                    anchor = el


def redesign_ocw_page(html: str, level: str, seed: int = 0) -> str:
    """An OCW course site page (course home, video gallery, video page or other)."""
    _check_level(level)
    doc = _parse(html)
    kind = _ocw_kind(doc)
    _ocw_facts_rows(doc)
    if level == "attributes":
        return _serialize(doc)
    if level == "moved":
        _ocw_moved(doc, kind)
    _rename(doc, seed)
    main = doc.xpath("//main")
    _extra_wrapper(main[0] if main else None, seed, "main-inner")
    return _serialize(doc)


# ------------------------------------------------------------------- Open edX courseware


def redesign_openedx_page(html: str, level: str, seed: int = 0) -> str:
    """An Open edX courseware page.

    ``attributes``: unchanged (Open edX has no attribute bubbles); ``renamed``: classes
    and ids renamed outside the escaped unit markup, an extra wrapper; ``moved``: the
    units escaped inside ``.seq_contents`` are rendered in place as markup (as the
    newer learning MFE does), then renamed. The video blocks' settings (``data-*``)
    are the page's data and stay.
    """
    _check_level(level)
    if level == "attributes":
        return html
    doc = _parse(html)
    if level == "moved":
        for holder in _find(doc, f"//*[{_cls('seq_contents')}]"):
            raw = holder.text or ""
            if "<" not in raw:
                continue
            try:
                parts = lxml.html.fragments_fromstring(raw)
            except (etree.ParserError, ValueError):
                continue
            unit = _el("div", "unit-rendered")
            for part in parts:
                if isinstance(part, str):
                    unit.text = (unit.text or "") + part
                else:
                    unit.append(part)
            holder.text = None
            holder.append(unit)
            holder.set("class", " ".join(c for c in _classes(holder) if c != "seq_contents"))

    def keep(el: Any) -> bool:
        return _has_class(el, "seq_contents")  # its escaped markup is parsed by class

    main = _find(doc, "//main") or _find(doc, "//section[@id='course-content']")
    _rename(doc, seed, keep if level == "renamed" else None)
    _extra_wrapper(main[0] if main else None, seed, "content-inner")
    return _serialize(doc)
