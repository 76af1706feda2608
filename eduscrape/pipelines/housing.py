"""Housing-ad extraction pipeline: fills ``text_fields``, ``fields`` and ``field_sources``.

Runs :func:`eduscrape.housing.extract.extract_fields` on each
:class:`~eduscrape.items.HousingAdItem` whose status is ``ok`` and merges the
result with the page's own ``attributes`` (the page wins where it states a
value). Other items pass through untouched. Stats: ``housing/extracted``,
``housing/skipped/<status>``, ``housing/fields/<name>/<source>``.
"""

from __future__ import annotations

from typing import Any

from eduscrape.housing.extract import extract_fields, merge_fields
from eduscrape.items import HousingAdItem


class HousingExtractionPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> HousingExtractionPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, HousingAdItem):
            return item
        if item.status != "ok":
            self.stats.inc_value(f"housing/skipped/{item.status}")
            item.fields, item.field_sources = merge_fields(item.attributes, {})
            return item
        # Pure-Python regex work, ~1 ms per ad: cheap enough to run inline.
        item.text_fields = extract_fields(item.title, item.body, item.posted)
        item.fields, item.field_sources = merge_fields(item.attributes, item.text_fields)
        self.stats.inc_value("housing/extracted")
        for name, source in item.field_sources.items():
            self.stats.inc_value(f"housing/fields/{name}/{source}")
        return item
