"""Craigslist page parsing (eduscrape.housing.craigslist) and the evaluation on ads/dev."""

from __future__ import annotations

import json

import pytest
from _support import PROJECT_DIR, shared_data

from eduscrape.housing.craigslist import parse_listing, parse_posting
from eduscrape.housing.evaluation import (
    SCORED_FIELDS,
    leave_one_city_out,
    load_gold,
    macro_f1,
    predict_all,
    same_value,
    score,
)
from eduscrape.housing.extract import extract_fields

DEMO = PROJECT_DIR / "eduscrape" / "demo" / "sites" / "classifieds"


def test_demo_posting_attributes() -> None:
    page_file = next((DEMO / "apa" / "d").glob("*/7600000001.html"))
    page = parse_posting(page_file.read_text("utf-8"), "http://127.0.0.1:1/x.html")
    assert page.status == "ok"
    assert page.post_id == "7600000001"
    assert page.url.startswith("http://127.0.0.1:1/classifieds/apa/d/")
    a = page.attributes
    assert isinstance(a["rent"], int) and a["rent"] > 100
    assert a["bedrooms"] is not None and a["bathrooms"] is not None
    assert a["available_date"].startswith("2026-")
    assert a["type"] and a["laundry"] and a["parking"]
    assert a["street_address"][0].isdigit() and len(a["postal_code"]) == 5
    assert a["latitude"] == pytest.approx(42.36)
    assert "QR Code" not in page.body and "\n" in page.body


def test_deleted_and_empty_pages() -> None:
    deleted = parse_posting((DEMO / "apa/d/deleted/7600000090.html").read_text("utf-8"))
    assert deleted.status == "deleted" and deleted.post_id == "7600000090"
    empty = parse_posting((DEMO / "apa/d/empty/7600000092.html").read_text("utf-8"))
    assert empty.status == "empty"
    assert parse_posting("").status == "empty"
    assert parse_posting("<html><body><p>garbage").status == "empty"


def test_listing_pagination() -> None:
    first = parse_listing(
        (DEMO / "search/apa/index.html").read_text("utf-8"), "http://h/classifieds/search/apa/"
    )
    assert len(first.postings) == 10
    assert first.postings[0].startswith("http://h/classifieds/apa/d/")
    assert first.next_url == "http://h/classifieds/search/apa/page2.html"
    last = parse_listing(
        (DEMO / "search/apa/page3.html").read_text("utf-8"),
        "http://h/classifieds/search/apa/page3.html",
    )
    assert last.next_url is None


def _gold() -> list[dict]:
    return load_gold(shared_data("ads", "dev", "gold.jsonl"))


def test_attributes_match_gold_on_all_pages() -> None:
    rows = _gold()
    pages = shared_data("ads", "dev", "pages")
    mismatches = []
    for row in rows:
        page = parse_posting((pages / f"{row['id']}.html").read_text("utf-8"), "file:///x")
        assert page.status == "ok", row["id"]
        assert (page.post_id, page.title, page.posted, page.url) == (
            row["post_id"],
            row["title"],
            row["posted"],
            row["url"],
        )
        for field in SCORED_FIELDS:
            if page.attributes.get(field) != row["gold"][field]:
                mismatches.append(
                    (row["id"], field, page.attributes.get(field), row["gold"][field])
                )
    assert mismatches == []


# Measured on ads/dev (README "Housing ads"). Fields at or above the target are held
# to the target (size, laundry, parking overall); the others (rent, bedrooms, street address,
# postal code) are held to their measured level minus a small margin so that regressions fail.
MIN_F1 = {
    "rent": 0.92,
    "bedrooms": 0.91,
    "bathrooms": 0.95,
    "size_sqft": 0.95,
    "available_date": 0.85,
    "type": 0.85,
    "laundry": 0.85,
    "parking": 0.85,
    "cats_ok": 0.85,
    "dogs_ok": 0.85,
    "smoking": 0.90,
    "furnished": 0.80,
    "street_address": 0.9,
    "postal_code": 0.77,
}


def test_text_extraction_quality_on_dev() -> None:
    rows = _gold()
    result = score(rows, predict_all(rows, extract_fields))
    low = {f: result[f]["f1"] for f, t in MIN_F1.items() if result[f]["f1"] < t}
    assert low == {}, json.dumps(result, indent=1)
    # Held-out cities (not looked at while tuning) stay close to the rest.
    heldout = [r for r in rows if r["city"] in ("raleigh", "washingtondc")]
    held = score(heldout, predict_all(heldout, extract_fields))
    for field in ("rent", "bedrooms", "bathrooms", "size_sqft", "type", "available_date"):
        assert held[field]["f1"] >= 0.85, (field, held[field])
    # Held-out laundry/parking are below target (0.81 / 0.78 measured): guard regressions.
    assert held["laundry"]["f1"] >= 0.78, held["laundry"]
    assert held["parking"]["f1"] >= 0.75, held["parking"]


def test_leave_one_city_out_on_dev() -> None:
    rows = _gold()
    loco = leave_one_city_out(rows, predict_all(rows, extract_fields))
    assert len(loco["cities"]) == 6
    # Each city scored as unseen: the macro F1 over the six stays near the pooled one
    # (0.929 vs 0.928 measured) and no city falls far behind (cleveland 0.851).
    assert loco["macro_f1_mean_over_cities"] >= 0.91, loco
    assert abs(loco["gap"]) <= 0.02, loco
    assert min(c["macro_f1"] for c in loco["cities"].values()) >= 0.83, loco


def test_leave_one_city_out_leaves_out_fields_a_city_never_states() -> None:
    def row(id_: str, city: str, rent: int, stated: bool) -> dict:
        gold = dict.fromkeys(SCORED_FIELDS)
        gold["rent"] = rent
        mentioned = dict.fromkeys(SCORED_FIELDS, False)
        mentioned["rent"] = stated
        return {"id": id_, "city": city, "gold": gold, "mentioned": mentioned}

    rows = [row("a1", "a", 900, True), row("a2", "a", 800, True), row("b1", "b", 700, False)]
    predictions = {"a1": {"rent": 900}, "a2": {"rent": 850}, "b1": {"rent": 650}}
    loco = leave_one_city_out(rows, predictions)
    # City a: P 1/2, R 1/2; city b states no rent: no F1 there, not a zero.
    assert loco["cities"]["a"]["f1"] == {"rent": 0.5}
    assert loco["cities"]["b"]["f1"] == {} and loco["cities"]["b"]["macro_f1"] == 0.0
    assert loco["field_f1_mean_over_cities"]["rent"] == 0.5
    assert loco["cities"]["b"]["wrong_unstated"]["rent"] == 1
    assert macro_f1(score(rows, predictions)) == loco["macro_f1_pooled"]


def test_same_value_conventions() -> None:
    assert same_value(
        "street_address", "5000 S. Lincoln Trace Ave", "5000 South Lincoln Trace Avenue"
    )
    assert not same_value("street_address", "5001 Lincoln Ave", "5000 Lincoln Ave")
    assert same_value("type", " Apartment ", "apartment")
    assert same_value("bathrooms", 1.5, 1.5) and not same_value("bathrooms", 1, 1.5)
    assert not same_value("cats_ok", 1, True)


# -- page models (eduscrape/wrappers/craigslist-*.yaml) -------------------------------

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "craigslist"


def test_page_model_presence_on_dev_postings() -> None:
    """Every live posting of ads/dev has the fields the spider requires; none is broken."""
    from eduscrape.housing._page_model import POSTING, evaluate_plain

    pages = sorted(shared_data("ads", "dev", "pages").glob("*.html"))
    counts: dict[str, int] = {}
    for path in pages:
        result = evaluate_plain(POSTING, path.read_text("utf-8"))
        assert result.broken == [], path.name
        for name in ("title", "body", "post_id", "canonical", "times", "jsonld", "latitude"):
            counts[name] = counts.get(name, 0) + (result.value(name) is not None)
        counts["headline"] = counts.get("headline", 0) + bool(result.records_of("headline"))
        counts["removed"] = counts.get("removed", 0) + (result.value("removed") is not None)
    n = len(pages)
    assert counts == {
        "title": n,
        "body": n,
        "post_id": n,
        "canonical": n,
        "times": n,
        "jsonld": n,
        "latitude": n,  # 299 from the map, 1 from the JSON-LD fallback
        "headline": n,
        "removed": 0,
    }


def test_fixture_postings_and_their_bundled_tree_grams() -> None:
    """The reference pages parse as written; the bundle is what learn-wrapper gives on them."""
    from eduscrape.adaptation.bundle import learn_pages, load_bundled
    from eduscrape.demo.redesign import redesign_posting
    from eduscrape.housing._page_model import POSTING, bundled_wrapper

    pages = sorted(FIXTURES.glob("posting-*.html"))
    assert len(pages) == 3
    first = parse_posting(pages[0].read_text("utf-8"), "file:///x")
    assert first.status == "ok" and first.post_id == "7400000101"
    assert first.title == "Sunny two bedroom near the river trail"
    assert first.body.startswith("Bright corner unit") and "QR Code" not in first.body
    a = first.attributes
    assert (a["rent"], a["bedrooms"], a["bathrooms"], a["size_sqft"]) == (1385, 2, 1.0, 870)
    assert (a["type"], a["laundry"], a["parking"]) == (
        "apartment",
        "laundry on site",
        "off-street parking",
    )
    assert (a["cats_ok"], a["smoking"], a["available_date"]) == (True, False, "2022-07-15")
    assert (a["street_address"], a["postal_code"], a["latitude"]) == (
        "418 Orchard Lane",
        "62702",
        39.7812,
    )
    second = parse_posting(pages[1].read_text("utf-8"), "file:///x")
    assert second.attributes["open_house_dates"] == ["2022-07-09", "2022-07-10"]
    # The open house date bubbles are dates, not amenities (in either markup).
    assert "amenities" not in second.attributes
    relabelled = parse_posting(redesign_posting(pages[1].read_text("utf-8"), "attributes", 0))
    assert relabelled.attributes["open_house_dates"] == ["2022-07-09", "2022-07-10"]
    assert "amenities" not in relabelled.attributes

    wrapper = bundled_wrapper(POSTING)
    bundled = load_bundled(wrapper)
    relearned = learn_pages(wrapper, [p.read_text("utf-8") for p in pages])
    assert set(bundled) == set(relearned)
    assert {k: t.to_dict() for k, t in bundled.items()} == {
        k: t.to_dict() for k, t in relearned.items()
    }


def test_bubbles_in_the_2023_form_parse_like_the_2022_ones() -> None:
    """Craigslist's 2023 attribute markup (div.attrgroup > div.attr) is declared too."""
    from eduscrape.demo.redesign import redesign_posting

    pages = sorted(shared_data("ads", "dev", "pages").glob("*.html"))[::10]
    for path in pages:
        html = path.read_text("utf-8")
        old, new = parse_posting(html), parse_posting(redesign_posting(html, "attributes", 1))
        assert (new.title, new.body) == (old.title, old.body), path.name
        for field in SCORED_FIELDS:
            assert new.attributes.get(field) == old.attributes.get(field), (path.name, field)


def test_removed_notice_and_renamed_qr_block() -> None:
    deleted = parse_posting((DEMO / "apa/d/deleted/7600000090.html").read_text("utf-8"))
    assert deleted.status == "deleted" and deleted.title is None
    expired = parse_posting(
        "<html><body><div class='gone'><h2>This posting has expired.</h2></div>"
        "<p class='postinginfo'>post id: 7400000999</p></body></html>"
    )
    assert (expired.status, expired.post_id) == ("expired", "7400000999")
    # A body whose QR block lost its class still loses the QR block (by its label).
    html = (FIXTURES / "posting-7400000101.html").read_text("utf-8")
    renamed = html.replace('class="print-information print-qrcode-container"', 'class="qr-x"')
    assert parse_posting(renamed).body == parse_posting(html).body
