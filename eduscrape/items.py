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
class VariantSetItem:
    """One set of related pages of language variants compared (``variants`` spider).

    ``left_url`` is the reference variant's page, ``right_url`` the compared
    variant's (``variant`` is its index); either is None when that page has no
    counterpart. One item per compared variant, so N variants give N-1 items a set.
    """

    mongo_collection: ClassVar[str] = "variant_sets"
    mongo_key: ClassVar[tuple[str, ...]] = ("session", "set_key", "variant")
    csv_fields: ClassVar[tuple[str, ...]] = (
        "session",
        "order",
        "left_url",
        "right_url",
        "consistent",
        "type1",
        "type2",
        "nonstructural",
        "missing_counterpart",
        "doubtful",
        "left_anchors",
        "right_anchors",
        "missing_links",
        "extra_links",
        "retargeted_links",
        "reordered_links",
        "summary",
        "tracking",
    )

    session: str
    pair_id: str
    order: int
    set_key: str
    variant: int
    left_url: str | None
    right_url: str | None
    consistent: bool
    type1: bool = False
    type2: bool = False
    nonstructural: bool = False
    missing_counterpart: bool = False
    doubtful: bool = False
    doubt_reason: str = ""
    similarity: float | None = None
    left_anchors: int = 0
    right_anchors: int = 0
    missing_links: list[dict[str, Any]] = field(default_factory=list)
    extra_links: list[dict[str, Any]] = field(default_factory=list)
    retargeted_links: list[dict[str, Any]] = field(default_factory=list)
    reordered_links: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # the diff in plain words
    diff: str = ""  # unified diff of effective tags, reference variant as base
    left_status: int | None = None
    right_status: int | None = None
    pairing: str = ""  # how the pages were paired: root, hreflang, rule, position
    # Tracking mode: new / unchanged / resolved inconsistency, or consistent.
    tracking: str | None = None
    recompared: bool = True
    compared_at: str | None = None


@dataclass
class VariantSessionItem:
    """A ``variants`` session: the traversal log and its summary."""

    mongo_collection: ClassVar[str] = "variant_sessions"
    mongo_key: ClassVar[tuple[str, ...]] = ("session",)
    csv_fields: ClassVar[tuple[str, ...]] = (
        "session",
        "pair_id",
        "roots",
        "started_at",
        "finished_at",
        "tracking",
        "counts",
    )

    session: str
    pair_id: str
    roots: list[str]
    languages: list[str | None] = field(default_factory=list)
    rule: str = ""
    criteria: dict[str, Any] = field(default_factory=dict)
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float = 0.0
    tracking: bool = False
    previous_session: str | None = None
    # Order of visit: one entry per set (key, URLs per variant, result).
    visits: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    new: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # broken links, errors, skips


@dataclass
class VariantPageItem:
    """Last known state of a variant page, for tracking re-runs (conditional requests)."""

    mongo_collection: ClassVar[str] = "variant_pages"
    mongo_key: ClassVar[tuple[str, ...]] = ("pair_id", "page")
    csv_fields: ClassVar[tuple[str, ...]] = ("pair_id", "page", "status", "content_hash")

    pair_id: str
    page: str  # normalized URL
    variant: int
    status: int
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    # The reduced page (PageStructure.to_dict) as JSON text: one string to store,
    # not thousands of list elements for the item adapters to walk.
    structure: str = ""
    session: str | None = None
    fetched_at: str | None = None
