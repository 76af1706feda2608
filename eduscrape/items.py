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

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eduscrape.housing.fields import AMENITIES, FIELDS


@dataclass
class PageItem:
    """A crawled web page or file (site spider; webometrics builds on it).

    ``canonical_url``: the page's ``rel=canonical`` target (absolute), if any;
    ``rich_type``: the rich-file family verified from the body (pdf, doc, ppt, xls,
    odf, ps), None for HTML and anything else; ``scholarly``: kinds of scholarly
    metadata in the page (citation, dublin_core, jsonld) and ``dois`` it declares.
    """

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
        "error",
    )

    url: str
    site: str
    status: int  # 0 when the fetch failed (see error)
    title: str | None = None
    content_type: str | None = None
    size_bytes: int = 0
    depth: int = 0
    outlinks: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    fetched_at: str | None = None
    canonical_url: str | None = None
    rich_type: str | None = None
    scholarly: list[str] = field(default_factory=list)
    dois: list[str] = field(default_factory=list)
    # Why the fetch failed (no response): "redirect loop", "timeout", "truncated download",
    # "connection refused", ...; None when a response came (whatever its status).
    error: str | None = None


@dataclass
class SiteCrawlItem:
    """One site's crawl by the ``site`` spider: dates and whether ``max_pages`` cut it."""

    mongo_collection: ClassVar[str] = "site_crawls"
    mongo_key: ClassVar[tuple[str, ...]] = ("site",)
    csv_fields: ClassVar[tuple[str, ...]] = (
        "site",
        "start_url",
        "started_at",
        "finished_at",
        "pages",
        "max_pages",
        "truncated",
        "dropped_links",
    )

    site: str
    start_url: str
    started_at: str | None = None
    finished_at: str | None = None
    pages: int = 0  # requests scheduled for the site
    max_pages: int = 0  # 0 = no cap
    truncated: bool = False  # links were left unfollowed because of the cap
    dropped_links: int = 0


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


# The facts of a housing ad's ``fields``: one CSV column each.
HOUSING_FACTS: tuple[str, ...] = FIELDS + AMENITIES


@dataclass
class HousingAdItem:
    """A housing ad (``ads`` spider): page facts, text facts and the merged fields.

    - ``attributes``: what the page's structured parts state (price header,
      attribute bubbles, map address, JSON-LD), see
      :mod:`eduscrape.housing.craigslist`;
    - ``text_fields``: the same fields extracted from ``title`` + ``body`` alone
      (:func:`eduscrape.housing.extract.extract_fields`; its ``FIELDS``), among
      them ``fees``: the ad's fees by kind (``{"application": 50, "pet": 300}``);
    - ``fields``: the attribute where the page states it, else the text value;
      ``field_sources`` says which (``"attributes"`` / ``"text"``).

    ``status`` is ``ok``, ``deleted``, ``flagged``, ``expired``, ``empty`` or
    ``non_english`` (the last ones are recorded, not extracted).
    """

    mongo_collection: ClassVar[str] = "housing_ads"
    mongo_key: ClassVar[tuple[str, ...]] = ("url",)
    # One column per extracted fact (sortable: rent, bedrooms...), see HOUSING_FACTS.
    csv_fields: ClassVar[tuple[str, ...]] = (
        "url",
        "post_id",
        "status",
        "broken",
        "posted",
        "title",
        *(f"fields.{name}" for name in HOUSING_FACTS),
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
    # Page parts the spider's selectors did not find, and why ({"title": "..."}):
    # the page's markup changed (a redesign), not the ad. Empty when the page parsed.
    broken: dict[str, str] = field(default_factory=dict)
    page_path: str | None = None  # such a page, kept for inspection


# --- MOOC repository (MOOCCube-compatible; issue 6) ---------------------------------


# ``entity`` is a real field (exported to MongoDB and feeds) fixed per class;
# ``dataclasses.field`` is spelled out because some items have a ``field`` attribute.
# The CSV column order of every MOOC item; each type's CSV file (one per type, see
# eduscrape.feeds) keeps the columns that type has.
MOOC_CSV_FIELDS: tuple[str, ...] = (
    "entity",
    "id",
    "name",
    "type",
    "head",
    "tail",
    "course_id",
    "order",
    "score",
    "school",
    "teachers",
    "video_order",
    "concepts",
    "duration",
    "language",
    "field",
    "about",
    "transcript_error",
    "broken",
    "url",
)


@dataclass
class _MoocEntity:
    """Base of the MOOC entities: ``entity`` names the kind, ``id`` is MOOCCube's id.

    Stored in one collection per entity (``mooc_course``...), keyed on ``id``.
    """

    mongo_collection: ClassVar[str] = ""
    mongo_key: ClassVar[tuple[str, ...]] = ("id",)
    csv_fields: ClassVar[tuple[str, ...]] = MOOC_CSV_FIELDS

    def mongo_target(self) -> tuple[str, tuple[str, ...]]:
        return self.mongo_collection, self.mongo_key


@dataclass
class MoocCourseItem(_MoocEntity):
    mongo_collection: ClassVar[str] = "mooc_course"

    id: str
    name: str
    about: str = ""
    teachers: list[str] = dataclasses.field(default_factory=list)  # names
    school: str | None = None  # name
    video_order: list[str] = dataclasses.field(default_factory=list)  # video ids, course order
    video_name: list[str] = dataclasses.field(default_factory=list)
    chapter: list[str] = dataclasses.field(default_factory=list)  # "<section>.<video>" per video
    prerequisites: str = ""
    field: str = ""  # MOOCCube concept field (subject), e.g. "Language"
    concepts: list[str] = dataclasses.field(default_factory=list)  # aggregated from the videos
    platform: str = ""
    url: str | None = None
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)  # number, term, department...
    # Parts of the pages or API replies that did not read as expected ({field path: why}):
    # the platform changed, not the course. Empty when everything parsed.
    broken: dict[str, str] = dataclasses.field(default_factory=dict)
    page_path: str | None = None  # the last such page or reply, kept for inspection
    entity: str = dataclasses.field(default="course", init=False)


@dataclass
class MoocVideoItem(_MoocEntity):
    mongo_collection: ClassVar[str] = "mooc_video"

    id: str
    name: str
    course_id: str
    order: int  # 1-based position in the course
    start: list[float] = dataclasses.field(default_factory=list)  # seconds
    end: list[float] = dataclasses.field(default_factory=list)
    text: list[str] = dataclasses.field(default_factory=list)
    concepts: list[str] = dataclasses.field(default_factory=list)  # at most 10, best first
    duration: float = 0.0
    chapter: str = ""
    section: list[str] = dataclasses.field(default_factory=list)  # section path (breadcrumbs)
    language: str = ""
    field: str = ""  # subject of the course, second part of the concept ids
    transcript_url: str | None = None
    transcript_error: str | None = None  # why there are no subtitles, when there are none
    sources: list[str] = dataclasses.field(default_factory=list)  # video files / YouTube URLs
    url: str | None = None
    broken: dict[str, str] = dataclasses.field(default_factory=dict)  # as MoocCourseItem's
    page_path: str | None = None
    entity: str = dataclasses.field(default="video", init=False)


@dataclass
class MoocConceptItem(_MoocEntity):
    mongo_collection: ClassVar[str] = "mooc_concept"

    id: str
    name: str
    field: str = ""
    en: str = ""
    explanation: str = ""
    entity: str = dataclasses.field(default="concept", init=False)


@dataclass
class MoocTeacherItem(_MoocEntity):
    """A teacher (``T_<name>``); :class:`MoocSchoolItem` has the same fields."""

    mongo_collection: ClassVar[str] = "mooc_teacher"

    id: str
    name: str
    about: str = ""
    entity: str = dataclasses.field(default="teacher", init=False)


@dataclass
class MoocSchoolItem(MoocTeacherItem):
    mongo_collection: ClassVar[str] = "mooc_school"
    entity: str = dataclasses.field(default="school", init=False)


@dataclass
class MoocRelationItem:
    """A MOOCCube relation ``type``: ``head`` -> ``tail`` (e.g. course-video)."""

    mongo_collection: ClassVar[str] = "mooc_relation"
    csv_fields: ClassVar[tuple[str, ...]] = MOOC_CSV_FIELDS
    mongo_key: ClassVar[tuple[str, ...]] = ("type", "head", "tail")

    type: str
    head: str
    tail: str
    order: int | None = None  # course-video: position of the video
    score: float | None = None  # video-concept rank score, prerequisite RefD
    entity: str = dataclasses.field(default="relation", init=False)

    def mongo_target(self) -> tuple[str, tuple[str, ...]]:
        return self.mongo_collection, self.mongo_key


MOOC_ITEM_TYPES = (
    MoocCourseItem,
    MoocVideoItem,
    MoocConceptItem,
    MoocTeacherItem,
    MoocSchoolItem,
    MoocRelationItem,
)


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
    # Links of a block in another order that moved with their words (not a difference).
    word_order: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # the diff in plain words
    diff: str = ""  # unified diff of effective tags, reference variant as base
    left_status: int | None = None
    right_status: int | None = None
    pairing: str = ""  # how the pages were paired: root, hreflang, rule, position
    # Tracking mode: new / unchanged / resolved inconsistency, or consistent.
    tracking: str | None = None
    recompared: bool = True
    compared_at: str | None = None
    # How likely the variant is an outdated translation (eduscrape.variants.outdated:
    # score 0..1, reasons, signals); None when a page of the pair is missing.
    outdated: dict[str, Any] | None = None
    # Site conventions that explain differences of this set, or that it breaks
    # ("broken: ..."), learned from the whole session (eduscrape.variants.conventions).
    conventions: list[str] = field(default_factory=list)

    @classmethod
    def from_comparison(
        cls,
        result: Any,
        *,
        doubtful: bool = False,
        doubt_reason: str = "",
        **context: Any,
    ) -> VariantSetItem:
        """The item of one compared set: *result* is an
        :class:`eduscrape.variants.Comparison`, *context* the set's place in the walk
        (session, pair_id, order, set_key, variant, statuses, pairing, ...)."""
        found = {
            f.name: getattr(result, f.name)
            for f in dataclasses.fields(result)
            # stored as diff, rounded; the place samples only serve the session's learner
            if f.name not in ("tag_diff", "similarity", "place_moves")
        }
        similarity = None if result.similarity is None else round(result.similarity, 3)
        return cls(
            **found,
            doubtful=doubtful,
            doubt_reason=doubt_reason,
            similarity=similarity,
            diff=result.tag_diff,
            **context,
        )


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
    # Learned from the whole session (eduscrape.variants.conventions.session_fields),
    # each entry with the index of the variant it was learned on.
    conventions: list[dict[str, Any]] = field(default_factory=list)
    equivalences: list[dict[str, Any]] = field(default_factory=list)
    # How far the pair's translations move links in a block (one entry per variant).
    link_places: list[dict[str, Any]] = field(default_factory=list)


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
    # Freshness signals (eduscrape.variants.outdated.PageSignals.to_dict) as JSON text,
    # so a page answering 304 next time still counts in the outdated score.
    signals: str = ""
    session: str | None = None
    fetched_at: str | None = None
