"""Feed exporters.

:class:`CsvItemExporter` keeps CSV feeds flat and readable: columns come from
the item type's ``csv_fields`` (or its fields), nested values (lists, dicts)
are JSON-encoded in their cell.
"""

from __future__ import annotations

import json
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import CsvItemExporter as _ScrapyCsvItemExporter


class CsvItemExporter(_ScrapyCsvItemExporter):
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, (dict, list, tuple)):
            return json.dumps(
                value, ensure_ascii=False, default=str, sort_keys=isinstance(value, dict)
            )
        if value is None:
            return ""
        return super().serialize_field(field, name, value)

    def _write_headers_and_set_fields_to_export(self, item: Any) -> None:
        if not self.fields_to_export:
            declared = getattr(item, "csv_fields", None)
            if declared:
                self.fields_to_export = list(declared)
        super()._write_headers_and_set_fields_to_export(item)

    def export_item(self, item: Any) -> None:
        # A feed may mix item types (MOOC entities): cells of fields a type lacks stay empty.
        if self.fields_to_export and not isinstance(item, dict):
            adapter = ItemAdapter(item)
            item = {name: adapter.get(name) for name in adapter.field_names()}
        super().export_item(item)
