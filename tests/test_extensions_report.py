"""The HTML crawl report (eduscrape.extensions.report), from real crawls."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from eduscrape.extensions.report import FieldFill, render
from eduscrape.items import HousingAdItem


def test_render_escapes_crawled_text_and_charts_fields() -> None:
    fill = FieldFill()
    fill.add({"url": "http://x/<script>alert(1)</script>", "title": ""})
    fill.add({"url": "http://x/2", "title": "ok"})
    stats = {
        "item_scraped_count": 2,
        "wrapper/repaired/article/<b>title</b>": 3,
        "mongo/written": 2,
    }
    page = render("site<script>", stats, {"dict": fill})
    assert "<script>" not in page
    tree = html.fromstring(page)
    assert tree.xpath("//svg//rect"), "charts are inline SVG"
    texts = " ".join(tree.xpath("//svg//text/text()"))
    assert "50% (1)" in texts  # title filled on one item of two
    assert "100% (2)" in texts
    assert "<b>title</b>" in texts  # shown as text, not markup


def test_nested_housing_fields_are_counted_one_by_one() -> None:
    fill = FieldFill()
    ad = HousingAdItem(url="http://a/1")
    ad.fields = {"rent": 1200, "bedrooms": None}
    fill.add(ad)
    rows = {r["label"]: r["value"] for r in fill.rows()}
    assert rows["fields.rent"] == 1 and rows["fields.bedrooms"] == 0


def test_a_crawl_writes_its_report(run_spider, demo_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    result = run_spider(
        "ads",
        args={"start_url": f"{demo_url}/classifieds/search/apa/"},
        settings={"EDUSCRAPE_REPORT_DIR": str(folder)},
    )
    [report] = list(folder.glob("ads-*.html"))
    assert result.stat("eduscrape/report") == str(report)
    tree = html.fromstring(report.read_text())
    labels = tree.xpath("//svg//text/text()")
    assert "HousingAdItem" in labels
    assert any(label.startswith("fields.rent") for label in labels)
    assert tree.xpath("//summary[contains(., 'housing/')]")
