"""eduscrape.items: building items from the engines' results."""

from __future__ import annotations

import dataclasses

from eduscrape.items import VariantSetItem
from eduscrape.variants import Comparison, missing_counterpart

CONTEXT = {"session": "s1", "pair_id": "p", "order": 3, "set_key": "~/a.html", "variant": 1}


def test_variant_set_item_from_comparison() -> None:
    result = Comparison(
        left_url="http://h/en/a.html",
        right_url="http://h/es/a.html",
        consistent=False,
        nonstructural=True,
        tag_diff="-<p>\n+<div>",
        summary=["Markup differs."],
        similarity=0.87654,
    )
    item = VariantSetItem.from_comparison(result, pairing="rule", left_status=200, **CONTEXT)
    assert item.diff == "-<p>\n+<div>" and item.similarity == 0.877  # renamed, rounded
    assert item.nonstructural and not item.consistent and not item.doubtful
    assert item.summary == ["Markup differs."] and item.pairing == "rule"
    assert (item.order, item.set_key, item.left_status) == (3, "~/a.html", 200)
    # Every comparison field lands in the item (but the samples the session learns from).
    assert {f.name for f in dataclasses.fields(Comparison)} - {"tag_diff", "place_moves"} <= {
        f.name for f in dataclasses.fields(VariantSetItem)
    }


def test_variant_set_item_of_a_missing_or_doubtful_pair() -> None:
    gone = VariantSetItem.from_comparison(
        missing_counterpart("http://h/en/a", None, "HTTP 404"), **CONTEXT
    )
    assert gone.missing_counterpart and gone.type1 and gone.similarity is None
    assert gone.summary == ["No counterpart in the right variant: HTTP 404."]
    doubt = Comparison(left_url="l", right_url="r", consistent=False, similarity=0.1)
    item = VariantSetItem.from_comparison(doubt, doubtful=True, doubt_reason="too far", **CONTEXT)
    assert item.doubtful and item.doubt_reason == "too far" and item.similarity == 0.1
