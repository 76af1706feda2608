"""Feed exporters.

:class:`CsvItemExporter` keeps CSV feeds flat and spreadsheet-ready: columns
come from the item type's ``csv_fields`` (those the type has; else all its
fields); a dotted column (``fields.rent``) is a value inside a dict field, so
people can sort and filter by it; other nested values (lists, dicts) are
JSON-encoded in their cell. Spiders yielding several item types write one CSV
file per type (:mod:`eduscrape.feeds`).
"""

from __future__ import annotations

import json
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import CsvItemExporter as _ScrapyCsvItemExporter


def csv_columns(item: Any) -> list[str] | None:
    """The CSV columns of *item*'s type: its declared ``csv_fields`` that it has."""
    declared = getattr(item, "csv_fields", None)
    if not declared:
        return None
    own = set(ItemAdapter(item).field_names())
    return [c for c in declared if c.split(".", 1)[0] in own]


def _value(adapter: ItemAdapter, column: str) -> Any:
    name, _, inner = column.partition(".")
    value = adapter.get(name)
    if inner:
        return value.get(inner) if isinstance(value, dict) else None
    return value


class CsvItemExporter(_ScrapyCsvItemExporter):
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, (dict, list, tuple)):
            return json.dumps(
                value, ensure_ascii=False, default=str, sort_keys=isinstance(value, dict)
            )
        if value is None:
            return ""
        return super().serialize_field(field, name, value)

    def export_item(self, item: Any) -> None:
        if not self.fields_to_export:
            self.fields_to_export = csv_columns(item)
        # Columns may be dotted (a value inside a dict field): export a flat dict.
        if self.fields_to_export and not isinstance(item, dict):
            adapter = ItemAdapter(item)
            item = {column: _value(adapter, column) for column in self.fields_to_export}
        super().export_item(item)
