"""End-to-end: the ads spider on the demo classifieds site and on saved pages (file://)."""

from __future__ import annotations

from _support import shared_data
from pymongo import MongoClient


def test_ads_spider_crawls_demo_site(run_spider, demo_url, mongo_uri) -> None:
    result = run_spider("ads", args={"start_url": f"{demo_url}/classifieds/search/apa/"})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("ads/listing_pages") == 3
    assert result.stat("ads/postings") == 27
    assert result.stat("ads/status/ok") == 24
    assert result.stat("ads/status/deleted") == 1
    assert result.stat("ads/status/non_english") == 1
    assert result.stat("ads/status/empty") == 1
    assert result.stat("housing/extracted") == 24

    client: MongoClient = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        docs = list(client[result.extra["database"]]["housing_ads"].find({}))
    finally:
        client.close()
    assert len(docs) == 27
    ok = [d for d in docs if d["status"] == "ok"]
    assert len(ok) == 24
    for doc in ok:
        # The demo ads state every core fact in both the page parts and the text.
        for name in ("rent", "bedrooms", "size_sqft", "type", "laundry", "parking"):
            assert doc["text_fields"][name] == doc["attributes"][name], (name, doc["url"])
        assert doc["fields"]["rent"] == doc["attributes"]["rent"]
        assert doc["field_sources"]["rent"] == "attributes"
        assert doc["field_sources"]["phone"] == "text"
        assert doc["fields"]["email"].endswith("@example.com")
    spanish = next(d for d in docs if d["status"] == "non_english")
    assert spanish["language"] == "es" and spanish["text_fields"] == {}


def test_ads_spider_url_file_with_saved_pages(run_spider, tmp_path) -> None:
    pages = sorted(shared_data("ads", "dev", "pages").glob("*.html"))[:6]
    url_file = tmp_path / "urls.txt"
    missing = (tmp_path / "gone.html").as_uri()
    url_file.write_text("# saved pages\n" + "\n".join(p.as_uri() for p in pages) + f"\n{missing}\n")
    result = run_spider("ads", args={"url_file": str(url_file)})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("ads/postings") == 6
    assert result.stat("ads/errors") == 1  # the missing file is counted, not fatal
    assert len(result.items) == 6
    assert all(item["url"].startswith("https://") and item["text_fields"] for item in result.items)
