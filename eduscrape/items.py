"""Item models, one per domain, as typed dataclasses.

Each item class says where it is stored and how it is exported:

- ``mongo_collection``: the MongoDB collection;
- ``mongo_key``: the fields of its natural key (a field named ``url`` is
  canonicalized), used for idempotent upserts and the unique index;
- ``csv_fields``: CSV column order (nested values are JSON-encoded).

An item whose collection depends on its content defines ``mongo_target()``
returning ``(collection, key_fields)`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class PageItem:
    """A crawled web page (site spider; webometrics builds on it)."""

    mongo_collection: ClassVar[str] = "pages"
    mongo_key: ClassVar[tuple[str, ...]] = ("url",)
    csv_fields: ClassVar[tuple[str, ...]] = (
        "url",
        "site",
        "status",
        "title",
        "content_type",
        "size_bytes",
        "depth",
        "outlinks",
        "fetched_at",
    )

    url: str
    site: str
    status: int
    title: str | None = None
    content_type: str | None = None
    size_bytes: int = 0
    depth: int = 0
    outlinks: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    fetched_at: str | None = None


@dataclass
class WrapperRecordItem:
    """One record extracted by a declarative wrapper (``wrapper`` spider).

    ``broken`` lists fields that stayed broken after repair (the item is then
    ``flagged`` and the page kept under ``page_path``); ``repairs`` says which
    selectors were repaired on this page, with their similarity.
    """

    mongo_collection: ClassVar[str] = "wrapper_records"
    mongo_key: ClassVar[tuple[str, ...]] = ("url", "pattern", "index")
    csv_fields: ClassVar[tuple[str, ...]] = (
        "url",
        "site",
        "pattern",
        "index",
        "fields",
        "flagged",
        "broken",
        "repairs",
        "page_path",
        "fetched_at",
    )

    url: str
    site: str
    pattern: str
    index: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    flagged: bool = False
    broken: list[str] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    page_path: str | None = None
    fetched_at: str | None = None


@dataclass
class HousingAdItem:
    """A housing ad (``ads`` spider): page facts, text facts and the merged fields.

    - ``attributes``: what the page's structured parts state (price header,
      attribute bubbles, map address, JSON-LD), see
      :mod:`eduscrape.extraction.craigslist`;
    - ``text_fields``: the same fields extracted from ``title`` + ``body`` alone
      (:func:`eduscrape.extraction.housing.extract_fields`);
    - ``fields``: the attribute where the page states it, else the text value;
      ``field_sources`` says which (``"attributes"`` / ``"text"``).

    ``status`` is ``ok``, ``deleted``, ``flagged``, ``expired``, ``empty`` or
    ``non_english`` (the last ones are recorded, not extracted).
    """

    mongo_collection: ClassVar[str] = "housing_ads"
    mongo_key: ClassVar[tuple[str, ...]] = ("url",)
    csv_fields: ClassVar[tuple[str, ...]] = (
        "url",
        "post_id",
        "status",
        "posted",
        "title",
        "fields",
        "field_sources",
        "language",
    )

    url: str
    post_id: str | None = None
    status: str = "ok"
    title: str | None = None
    body: str = ""
    posted: str | None = None
    posted_at: str | None = None
    language: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    text_fields: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    field_sources: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
