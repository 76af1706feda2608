"""CSV feeds: one file per item type, flat columns (real crawls of the demo web)."""

from __future__ import annotations

import csv
from pathlib import Path

from eduscrape.exporters import csv_columns
from eduscrape.feeds import per_type_uri, split_csv_feeds
from eduscrape.housing._categories import AMENITY_PATTERNS
from eduscrape.housing.extract import AMENITIES, FIELDS, extract_fields
from eduscrape.items import (
    HOUSING_FACTS,
    MOOC_ITEM_TYPES,
    MoocRelationItem,
    MoocVideoItem,
    VariantSessionItem,
    VariantSetItem,
)


def test_per_type_uri_keeps_folder_suffix_and_scheme() -> None:
    assert per_type_uri("output/ocw.csv", MoocVideoItem) == "output/ocw-mooc_video.csv"
    assert per_type_uri("file:///tmp/a/v.csv", VariantSetItem) == "file:///tmp/a/v-variant_sets.csv"
    assert per_type_uri("out", MoocVideoItem) == "out-mooc_video"


def test_only_mixed_csv_feeds_are_split() -> None:
    feeds = {
        "a.csv": {"format": "csv"},
        "a.jsonl": {"format": "jsonlines"},
        "b.csv": {"format": "csv", "item_classes": ["x.Y"]},
    }
    split = split_csv_feeds(feeds, [VariantSetItem, VariantSessionItem])
    assert split["a.jsonl"] == {"format": "jsonlines"}
    assert split["b.csv"]["item_classes"] == ["x.Y"]
    assert "a.csv" not in split
    assert split["a-variant_sets.csv"]["item_classes"] == ["eduscrape.items.VariantSetItem"]
    assert split["a-variant_sessions.csv"]["item_classes"] == ["eduscrape.items.VariantSessionItem"]
    assert split_csv_feeds(feeds, [VariantSetItem]) == feeds


def test_housing_columns_are_the_extractors_facts() -> None:
    assert HOUSING_FACTS == FIELDS + AMENITIES
    assert tuple(AMENITY_PATTERNS) == AMENITIES  # every amenity named has its pattern
    assert set(extract_fields("Nice 2br", "2 bedrooms")) == set(FIELDS + AMENITIES)


def test_each_mooc_type_keeps_only_its_own_columns() -> None:
    relation = MoocRelationItem(type="course-video", head="C_1", tail="V_1")
    assert "video_order" not in (csv_columns(relation) or [])
    for cls in MOOC_ITEM_TYPES:
        assert "entity" in (csv_columns(cls.__new__(cls)) or [])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_variants_csv_has_one_file_per_type_without_blank_rows(run_spider, demo_url) -> None:
    result = run_spider(
        "variants",
        args={
            "left": f"{demo_url}/university/en/index.html",
            "right": f"{demo_url}/university/es/index.html",
        },
        extra_feeds=["variants.csv"],
    )
    assert not (result.workdir / "variants.csv").exists()
    sets = _rows(result.workdir / "variants-variant_sets.csv")
    sessions = _rows(result.workdir / "variants-variant_sessions.csv")
    assert len(sessions) == 1 and sessions[0]["session"]
    assert len(sets) == sum(1 for i in result.items if "set_key" in i)
    for row in sets:
        filled = [k for k, v in row.items() if v]
        assert len(filled) > 3, row  # not a row of another type's blank cells


def test_ads_csv_has_sortable_fact_columns(run_spider, demo_url) -> None:
    result = run_spider(
        "ads",
        args={"start_url": f"{demo_url}/classifieds/search/apa/"},
        extra_feeds=["ads.csv"],
    )
    rows = _rows(result.workdir / "ads.csv")
    assert len(rows) == len(result.items)
    assert {"fields.rent", "fields.bedrooms", "fields.pool"} <= set(rows[0])
    rents = [float(r["fields.rent"]) for r in rows if r["fields.rent"]]
    by_url = {i["url"]: i for i in result.items}
    assert len(rents) >= len(rows) // 2
    for row in rows:
        assert (row["fields.rent"] or None) == (
            None
            if by_url[row["url"]]["fields"].get("rent") is None
            else str(by_url[row["url"]]["fields"]["rent"])
        )
