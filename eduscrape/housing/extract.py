"""Field extraction from the free text of housing ads (title + body).

    from eduscrape.housing.extract import extract_fields
    extract_fields("$1,895 / 2br - Sunny flat", "Rent and deposit are $1895 and $1000 ...",
                   posted="2022-06-28")
    -> {"rent": 1895, "deposit": 1000, "bedrooms": 2, ...}

Each field has its own extractor that returns candidate values found in one text
segment. The candidates of the title and the body are merged per field:

- objective numbers (rent, bedrooms, bathrooms, size): the title is precise, so a
  title value wins; a value found in both title and body wins over everything;
- otherwise the most frequent body value (first seen on ties);
- booleans: a negation ("no dogs", "sorry, no pets") beats a generic "pets ok".

The extractors live in private modules by kind of field: ``_amounts`` (rent,
deposit), ``_counts`` (bedrooms, bathrooms, size, built year, floors),
``_dates`` (available date), ``_categories`` (type, laundry, parking,
pets, smoking, furnished, amenities) and ``_text`` (address, ZIP, phone,
email); ``_gated`` holds the keyword-gated regexes they share.

Scrapy-free and fast: regexes are precompiled, number words use a table (with
word2number as a fallback), amounts are parsed with price-parser, phone numbers
with phonenumbers, and dateparser is only called on rare relative date spans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from eduscrape.housing._amounts import (
    amount_candidates,
    amounts,
    deposit_is_a_month,
    fees_of,
    plausible_rent,
)
from eduscrape.housing._categories import (
    amenities,
    furnished,
    laundry_value,
    parking_candidates,
    pets_allowed,
    smoking_allowed,
    type_candidates,
)
from eduscrape.housing._counts import (
    bathroom_candidates,
    bedroom_candidates,
    built_year_candidates,
    floor_candidates,
    floors_from_ordinals,
    plausible_size,
    size_candidates,
)
from eduscrape.housing._dates import date_candidates
from eduscrape.housing._gated import gated
from eduscrape.housing._text import (
    email_candidates,
    phone_candidates,
    postal_candidates,
    street_candidates,
)
from eduscrape.housing.fields import AMENITIES, FIELDS

# FIELDS and AMENITIES (eduscrape.housing.fields) name what extract_fields returns.

# -- merge rules -------------------------------------------------------------------------------


def _merge(title: Iterable[Any], body: Iterable[Any], title_first: bool = True) -> Any:
    """One value from title and body candidates (see the module docstring)."""
    t = list(title)
    b = list(body)
    if not t and not b:
        return None
    both = [v for v in t if v in b]
    if both:
        return both[0]
    if t and title_first:
        return t[0]
    values = b or t
    if len(values) == 1:
        return values[0]
    counts = Counter(values)
    best = max(counts.values())
    for v in values:
        if counts[v] == best:
            return v
    return None


# Extended-stay hotels call their rooms "studio" but post them as 1BR (all six such
# ads in ads/dev, four cities): the text does not give the count, so don't answer.
_SHORT_STAY = gated(
    r"extended[\s-]*stay|weekly\s+(?:rates?|rental|housekeeping|stays?)|\d\s*weekly|nightly"
    r"|per\s+(?:week|night)\b|/\s*(?:week|night)\b|month\s+minimum|\bhotel\b",
    "stay",
    "weekly",
    "night",
    "week",
    "minimum",
    "hotel",
)


def _plan_lines(body: str, bedrooms: int | None) -> str:
    """The body lines that describe a floor plan with ``bedrooms`` bedrooms."""
    if bedrooms is None:
        return ""
    lines = [
        line
        for line in body.split("\n")
        if len(line) < 200
        and bedrooms in bedroom_candidates(line)
        and len(set(bedroom_candidates(line))) == 1
    ]
    return "\n".join(lines)


def _parse_posted(posted: Any) -> date | None:
    if posted is None or posted == "":
        return None
    if isinstance(posted, date):
        return posted
    try:
        return date.fromisoformat(str(posted)[:10])
    except ValueError:
        return None


def extract_fields(title: str | None, body: str | None, posted: Any = None) -> dict[str, Any]:
    """Extract housing fields from an ad's title and body.

    ``posted`` (ISO date string or ``date``) anchors relative dates ("now",
    "mid-April"). Returns every name in :data:`FIELDS` and :data:`AMENITIES`;
    ``None`` means not found in the text.
    """
    title_raw = title or ""
    body_raw = body or ""
    # The extractors' patterns are lower-case (faster than IGNORECASE); contact and
    # address extractors need the original case.
    title = title_raw.lower()
    body = body_raw.lower()
    text = f"{title}\n{body}"
    posted_date = _parse_posted(posted)
    out: dict[str, Any] = {}

    # Every money amount with its role (rent, deposit, fee, income, ...), once.
    t_amounts, b_amounts = amounts(title), amounts(body)
    t_rent, t_dep = amount_candidates(title, t_amounts)
    b_rent, b_dep = amount_candidates(body, b_amounts)
    out["bedrooms"] = _merge(bedroom_candidates(title), bedroom_candidates(body))
    if out["bedrooms"] == 0 and (_SHORT_STAY.search(body) or _SHORT_STAY.search(title)):
        out["bedrooms"] = None
    out["bathrooms"] = _merge(bathroom_candidates(title), bathroom_candidates(body))
    t_size, b_size = size_candidates(title), size_candidates(body)
    # Several floor plans in one ad: keep the values on the lines of the plan with
    # the ad's bedroom count ("2 Bed/ 1 Bath 975 Sq Ft $710 Month").
    if (not t_rent and len(set(b_rent)) > 1) or (not t_size and len(set(b_size)) > 1):
        plan = _plan_lines(body, out["bedrooms"])
        if plan:
            p_rent, _ = amount_candidates(plan)
            p_size = size_candidates(plan)
            if p_rent and not t_rent and len(set(b_rent)) > 1:
                b_rent = p_rent
            if p_size and not t_size and len(set(b_size)) > 1:
                b_size = p_size
    bedrooms = out["bedrooms"]
    out["size_sqft"] = _merge(
        [v for v in t_size if plausible_size(v, bedrooms)],
        [v for v in b_size if plausible_size(v, bedrooms)],
    )
    # Only amounts that can be this unit's monthly rent: no $49,320, no $100 for a 2BR.
    size = out["size_sqft"]
    t_rent = [v for v in t_rent if plausible_rent(v, bedrooms, size)]
    b_rent = [v for v in b_rent if plausible_rent(v, bedrooms, size)]
    # Three or more different rents and none in the title: a price list of several
    # units (a range gives two), and any pick is a guess.
    if not t_rent and len(set(b_rent)) > 2:
        b_rent = []
    out["rent"] = _merge(t_rent, b_rent)
    out["deposit"] = _merge(t_dep, b_dep)
    fees = {**fees_of(b_amounts), **fees_of(t_amounts)}
    out["fees"] = fees or None
    # "deposit: one month's rent" -> deposit = rent.
    if (
        out["rent"] is not None
        and (out["deposit"] is None or out["deposit"] < 100)
        and (deposit_is_a_month(body) or deposit_is_a_month(title))
    ):
        out["deposit"] = out["rent"]

    avail = _merge(date_candidates(title, posted_date), date_candidates(body, posted_date))
    out["available_date"] = avail.isoformat() if avail else None
    out["built_year"] = _merge(
        built_year_candidates(title, posted_date), built_year_candidates(body, posted_date)
    )
    floors = _merge(floor_candidates(title), floor_candidates(body))
    out["floors"] = floors or floors_from_ordinals(text)

    out["type"] = _merge(type_candidates(title), type_candidates(body))
    out["laundry"] = laundry_value(title, body)
    out["parking"] = _merge(parking_candidates(title), parking_candidates(body), title_first=False)

    out["cats_ok"], out["dogs_ok"] = pets_allowed(text)
    out["smoking"] = smoking_allowed(text)
    out["furnished"] = furnished(text)

    out["street_address"] = _merge(street_candidates(title_raw), street_candidates(body_raw))
    out["postal_code"] = _merge(postal_candidates(title_raw), postal_candidates(body_raw))
    out["phone"] = _merge(phone_candidates(title_raw), phone_candidates(body_raw))
    out["email"] = _merge(email_candidates(title_raw), email_candidates(body_raw))
    out.update(amenities(text))
    return out


def merge_fields(
    attributes: dict[str, Any], text_fields: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Page attributes where the page states them, text values where it doesn't.

    Returns ``(fields, sources)``; ``sources[name]`` is ``"attributes"`` or ``"text"``.
    Only names in :data:`FIELDS` and :data:`AMENITIES` are merged.
    """
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in FIELDS + AMENITIES:
        if attributes.get(name) is not None:
            fields[name], sources[name] = attributes[name], "attributes"
        elif text_fields.get(name) is not None:
            fields[name], sources[name] = text_fields[name], "text"
    return fields, sources
