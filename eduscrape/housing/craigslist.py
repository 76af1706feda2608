"""Parsing of Craigslist housing pages (2022 markup): postings and search listings.

    from eduscrape.housing.craigslist import parse_posting, parse_listing
    page = parse_posting(html, url)
    page.status       # "ok", "deleted", "flagged", "expired", "empty"
    page.attributes   # {"rent": 1606, "bedrooms": 2, ..., "latitude": 33.88, ...}

``attributes`` holds what the page's structured parts state (the price/housing
header, the ``p.attrgroup`` bubbles, ``div.mapaddress``, the JSON-LD block), with
the same field names and vocabularies as the text extractor
(:mod:`eduscrape.housing.extract`), plus page-only extras (latitude, longitude,
map_address, housing_line, open_house_dates, amenities, rent_period...).
Scrapy-free: parsel only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector, SelectorList

from eduscrape.housing._page_model import LISTING, POSTING, PageModel, evaluate_plain

TYPES = (
    "apartment",
    "condo",
    "cottage/cabin",
    "duplex",
    "flat",
    "house",
    "in-law",
    "loft",
    "townhouse",
    "manufactured",
    "assisted living",
    "land",
)
LAUNDRY = (
    "w/d in unit",
    "w/d hookups",
    "laundry in bldg",
    "laundry on site",
    "no laundry on site",
)
PARKING = (
    "carport",
    "attached garage",
    "detached garage",
    "off-street parking",
    "street parking",
    "valet parking",
    "no parking",
)
# The posting model's record patterns of attribute bubbles (read into ``attributes``).
BUBBLE_PATTERNS = ("headline", "bubble")

# Bubbles that are booleans: (attribute, value).
_FLAGS = {
    "cats are ok - purrr": ("cats_ok", True),
    "dogs are ok - wooof": ("dogs_ok", True),
    "no smoking": ("smoking", False),
    "furnished": ("furnished", True),
    "wheelchair accessible": ("wheelchair_accessible", True),
    "ev charging": ("ev_charging", True),
    "air conditioning": ("air_conditioning", True),
}
_REMOVED = re.compile(
    r"this posting has been (deleted|flagged for removal|removed)|this posting has (expired)",
    re.IGNORECASE,
)
_BR_BA = re.compile(r"(\d+|studio)\s*br\s*/\s*([\d.]+|shared|split)\s*ba", re.IGNORECASE)
_FT2 = re.compile(r"(\d+)\s*ft2", re.IGNORECASE)
# A block element ends a line, like <br>.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|ul|ol|tr|table|blockquote|pre)>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
_BR_TAG = re.compile(r"<(?:br|hr)\s*/?>", re.IGNORECASE)
_HOUSE_NUMBER = re.compile(r"^\d")
_MAP_LINK = re.compile(r"/maps/search/(-?[\d.]+),\s*(-?[\d.]+)")
_QR_BLOCK = (
    ".//div[contains(concat(' ', normalize-space(@class), ' '), ' print-information ')]"
    " | .//*[*[1][starts-with(normalize-space(), 'QR Code Link to This Post')]]"
)


@dataclass
class Posting:
    """One parsed posting page."""

    url: str | None
    post_id: str | None
    status: str  # ok | deleted | flagged | expired | empty
    title: str | None = None
    body: str = ""
    posted: str | None = None  # local date, YYYY-MM-DD
    posted_at: str | None = None  # as in the page, with offset
    updated_at: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def _text(sel: Selector | Any) -> str:
    return " ".join(" ".join(sel.css("::text").getall()).split())


def _body_text(nodes: SelectorList[Selector]) -> str:
    """The posting body's node without the QR block; ``<br>`` -> newline, whitespace collapsed."""
    if not nodes:
        return ""
    html = nodes[0].get()  # the list is not empty: a str, not None
    # <br> becomes a marker; the page's own newlines are plain whitespace.
    html = _BLOCK_END.sub("\ue000\\g<0>", html)
    # The node re-parsed alone: the first element of the fragment's body.
    inner = Selector(text=_BR_TAG.sub("\ue000", html)).xpath("//body/*[1]")
    # The print-only QR block (by its label too: a redesign renames its class).
    for qr in inner.xpath(_QR_BLOCK):
        qr.drop()
    raw = "".join(inner.xpath(".//text()").getall())
    lines = [" ".join(line.split()) for line in raw.split("\ue000")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _money(text: str) -> int | None:
    digits = re.sub(r"[^\d.]", "", text or "")
    if not digits:
        return None
    try:
        return round(float(digits))
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def parse_posting(html: str, url: str | None = None) -> Posting:
    """Parse a posting page with the bundled page model's declared selectors (no repair).

    Never raises on odd markup; see ``Posting.status``.
    """
    return posting_of(evaluate_plain(POSTING, html), url)


def removal_notice(page: PageModel) -> str | None:
    """The page's "this posting has been deleted/flagged/has expired" notice, if any."""
    notice = page.value("removed")
    return notice if notice and _REMOVED.search(notice) else None


def posting_of(page: PageModel, url: str | None = None) -> Posting:
    """A posting from the page model's (checked or repaired) selectors.

    *page* is the ``craigslist-posting`` outcome: a spider's
    :class:`~eduscrape.middlewares.wrappers.WrapperResult` or :func:`parse_posting`'s.
    """
    canonical = page.value("canonical")
    if canonical:
        url = urljoin(url or "", canonical.strip())
    post_id = None
    m = re.search(r"post id:\s*(\d+)", _text(page.selector("post_id")))
    if m:
        post_id = m.group(1)
    if post_id is None and url:
        m = re.search(r"/(\d{8,})\.html", url)
        post_id = m.group(1) if m else None

    title = _text(page.selector("title")) or None
    body = _body_text(page.selector("body"))
    removed = _REMOVED.search(removal_notice(page) or "") if not body else None
    if removed is None and not title and len(body) < 500:
        # The notice itself taken for the body (the notice's selector broke): removed.
        removed = _REMOVED.search(body)
        if removed:
            body = ""
    if removed:
        kind = (removed.group(1) or removed.group(2) or "").split()[0]
        status = {"deleted": "deleted", "flagged": "flagged", "removed": "deleted"}.get(
            kind, "expired"
        )
    elif not body:
        status = "empty"
    else:
        status = "ok"

    times = page.value("times") or []
    posted_at = times[0] if times else None
    updated_at = times[1] if len(times) > 1 else None

    posting = Posting(
        url=url,
        post_id=post_id,
        status=status,
        title=title,
        body=body,
        posted=posted_at[:10] if posted_at else None,
        posted_at=posted_at,
        updated_at=updated_at,
    )
    posting.attributes = parse_attributes(page)
    return posting


def _jsonld(page: PageModel) -> dict[str, Any]:
    raw = page.selector("jsonld").xpath("text()").get()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _coordinate(page: PageModel, name: str) -> tuple[bool, float | None]:
    """(found, value) of the map's ``latitude``/``longitude``, or the JSON-LD's (fallback)."""
    value = page.value(name)
    if value is None:
        return False, None
    if value.startswith("{"):  # the JSON-LD fallback answered
        try:
            data = json.loads(value)
        except ValueError:
            return False, None
        return True, _number(data.get(name)) if isinstance(data, dict) else None
    m = _MAP_LINK.search(value)
    if m:  # the "google map" link answered
        return True, _number(m.group(1 if name == "latitude" else 2))
    return True, _number(value)


def parse_attributes(page: PageModel) -> dict[str, Any]:
    """The structured facts of a posting page (see the module docstring)."""
    attrs: dict[str, Any] = {
        "rent": None,
        "bedrooms": None,
        "bathrooms": None,
        "size_sqft": None,
        "available_date": None,
        "type": None,
        "laundry": None,
        "parking": None,
        "cats_ok": None,
        "dogs_ok": None,
        "smoking": None,
        "furnished": None,
        "street_address": None,
        "postal_code": None,
    }
    price = page.selector("price").xpath("text()").get()
    rent = _money(price) if price else None
    attrs["price_text"] = price
    if rent is not None and 100 <= rent <= 50000:
        attrs["rent"] = rent

    housing = _text(page.selector("housing")).replace("ft 2", "ft2")
    if housing:
        attrs["housing_line"] = housing
        m = re.search(r"(\d+)br", housing)
        if m:
            attrs["bedrooms"] = int(m.group(1))
        m = re.search(r"(\d+)ft2", housing)
        if m and 100 <= int(m.group(1)) <= 20000:
            attrs["size_sqft"] = int(m.group(1))

    amenities: list[str] = []
    open_house: list[str] = []
    dated = False
    bubbles = [
        nodes[0]
        for pattern in BUBBLE_PATTERNS
        for index in range(len(page.records_of(pattern)))
        if (nodes := page.selector(None, pattern, index))
    ]
    for span in bubbles:
        dates = [
            m.group(1)
            for link in span.css("a::attr(href)").getall()
            if (m := re.search(r"sale_date=(\d{4}-\d\d-\d\d)", link))
        ]
        if dates:
            # Open house dates (one bubble per date, or one labelled bubble of them
            # all): dates, not amenities.
            open_house += dates
            continue
        text = _text(span).lower()
        text = text.replace("ft 2", "ft2")
        if not text:
            continue
        m = _BR_BA.search(text)
        if m:
            beds, baths = m.group(1), m.group(2)
            attrs["bedrooms"] = 0 if beds == "studio" else int(beds)
            baths_value = _number(baths)
            attrs["bathrooms"] = baths_value
            if baths_value is None:
                attrs["bathrooms_text"] = baths
            continue
        m = _FT2.fullmatch(text)
        if m:
            size = int(m.group(1))
            attrs["size_sqft"] = size if 100 <= size <= 20000 else None
            continue
        date = span.attrib.get("data-date")
        if date or text.startswith("available"):
            attrs["available_date"] = date
            attrs["available_text"] = text
            dated = True
            continue
        if text in TYPES:
            attrs["type"] = text
        elif text in LAUNDRY:
            attrs["laundry"] = text
        elif text in PARKING:
            attrs["parking"] = text
        elif text in _FLAGS:
            name, flag = _FLAGS[text]
            attrs[name] = flag
        elif ":" in text:
            key, _, value = text.partition(":")
            attrs[re.sub(r"\W+", "_", key.strip())] = value.strip()
        else:
            amenities.append(text)
    if not dated and page.value("available_date"):
        # The availability bubble was not among the bubbles found (a redesign moved it).
        attrs["available_date"] = page.value("available_date")
    if amenities:
        attrs["amenities"] = amenities
    if open_house:
        attrs["open_house_dates"] = open_house

    data = _jsonld(page)
    if data:
        attrs["jsonld"] = data
        if attrs["bedrooms"] is None and data.get("numberOfBedrooms") not in (None, ""):
            beds = _number(data.get("numberOfBedrooms"))
            attrs["bedrooms"] = int(beds) if beds is not None else None
        found = data.get("address")
        address: dict[str, Any] = found if isinstance(found, dict) else {}
        postal = str(address.get("postalCode") or "").strip()
        if re.fullmatch(r"\d{5}(?:-\d{4})?", postal):
            attrs["postal_code"] = postal[:5]
        street = str(address.get("streetAddress") or "").strip()
        if street:
            attrs["street_address"] = street
        for key in ("addressLocality", "addressRegion"):
            if address.get(key):
                attrs[key] = address[key]

    map_address = _text(page.selector("map_address")) or None
    if map_address:
        attrs["map_address"] = map_address
        if not attrs["street_address"]:
            attrs["street_address"] = map_address
    street = attrs["street_address"]
    if street:
        street = " ".join(street.split()).rstrip(",;")
        street = re.split(r"\s+near\s+", street, maxsplit=1, flags=re.IGNORECASE)[0].strip()
        attrs["street_address"] = street if _HOUSE_NUMBER.match(street) else None

    for name in ("latitude", "longitude"):
        found_it, number = _coordinate(page, name)
        if found_it:
            attrs[name] = number
    return attrs


@dataclass
class Listing:
    """A search/listing page: posting links and the next page."""

    postings: list[str]
    next_url: str | None


def parse_listing(html: str, base_url: str) -> Listing:
    """Posting URLs and the "next page" URL of a Craigslist search page (declared selectors)."""
    return listing_of(evaluate_plain(LISTING, html), base_url)


def listing_of(page: PageModel, base_url: str) -> Listing:
    """A listing from the ``craigslist-listing`` page model's (checked or repaired) selectors."""
    postings: list[str] = []
    for record in page.records_of("result"):
        href = record["fields"].get("link")
        if not href:
            continue
        url = urljoin(base_url, href)
        if url not in postings:
            postings.append(url)
    nxt = page.value("next")
    next_url = urljoin(base_url, nxt) if nxt else None
    if next_url == base_url:
        next_url = None
    return Listing(postings=postings, next_url=next_url)


def is_posting_page(html: str) -> bool:
    """Whether a page looks like a posting (vs a listing), by its markup."""
    return "postingbody" in html or "titletextonly" in html or "has been deleted" in html


def language_of(text: str, min_chars: int = 40) -> str | None:
    """ISO 639-1 language of a posting's text (py3langid), None when too short to tell."""
    text = " ".join((text or "").split())
    if len(text) < min_chars:
        return None
    import py3langid  # loads its model on first use

    # The opening decides: bilingual ads usually start in the main language.
    lang, _ = py3langid.classify(text[:500])
    return str(lang)
