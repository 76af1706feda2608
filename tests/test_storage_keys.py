from __future__ import annotations

import pytest

from eduscrape.storage.keys import escape_key, escape_keys, unescape_key, unescape_keys

KEYS = [
    "plain",
    "$where",
    "a.b",
    "$set.x",
    "100%",
    "%2E",
    "%24lit",
    "nul\x00",
    "a..b.",
    "$",
    "",
    "%",
    "é.ü",
]


@pytest.mark.parametrize("key", KEYS)
def test_escape_key_roundtrip(key: str) -> None:
    escaped = escape_key(key)
    assert not escaped.startswith("$")
    assert "." not in escaped and "\x00" not in escaped
    assert unescape_key(escaped) == key


def test_escape_keys_is_injective_over_tricky_keys() -> None:
    assert len({escape_key(k) for k in KEYS}) == len(KEYS)


def test_escape_keys_recurses_into_lists_and_dicts() -> None:
    doc = {"@context": "x", "offers": [{"$price": 10, "a.b": {"c.d": 1}}], "ok": True}
    escaped = escape_keys(doc)
    assert escaped["offers"][0] == {"%24price": 10, "a%2Eb": {"c%2Ed": 1}}
    assert unescape_keys(escaped) == doc


def test_escaped_document_is_accepted_by_mongodb(mongo_db) -> None:
    doc = {"url": "u", "jsonld": {"$type": "Apartment", "geo.lat": 1.5}}
    mongo_db.items.insert_one(escape_keys(doc))
    stored = mongo_db.items.find_one({"url": "u"}, {"_id": 0})
    assert unescape_keys(stored) == doc
