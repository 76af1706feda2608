"""Where an item is stored: collection and natural key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from w3lib.url import canonicalize_url

from eduscrape.storage import WriteTarget

# Natural key values a unique index and an upsert filter take as they are (None and
# "" are keyed on a content hash by the pipeline).
_KEY_TYPES = (str, int, float, datetime, ObjectId, type(None))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def target_for(item: Any, default_collection: str) -> WriteTarget:
    """Resolve the :class:`WriteTarget` of *item*.

    Order: the item's ``mongo_target()``; its class's ``mongo_collection`` /
    ``mongo_key``; for plain dicts, *default_collection* keyed on ``url``,
    else ``id``.
    """
    custom = getattr(item, "mongo_target", None)
    if callable(custom):
        collection, key = custom()
        return WriteTarget(collection, tuple(key))
    collection = getattr(item, "mongo_collection", None) or default_collection
    key = getattr(item, "mongo_key", None)
    if key is None:
        adapter = ItemAdapter(item)
        key = ("url",) if "url" in adapter else ("id",) if "id" in adapter else ()
    return WriteTarget(collection, tuple(key))


def targets_of(item_classes: list[type]) -> list[WriteTarget]:
    """Targets of item classes with a static collection (for index creation at open)."""
    targets = []
    for cls in item_classes:
        collection = getattr(cls, "mongo_collection", None)
        key = getattr(cls, "mongo_key", None)
        if collection and key:
            targets.append(WriteTarget(collection, tuple(key)))
    return targets


def document_for(item: Any, target: WriteTarget) -> dict[str, Any]:
    """The item as a plain dict, with ``url`` key fields canonicalized.

    A natural key value that is not a scalar (a dict, a list) is refused with
    :class:`~scrapy.exceptions.DropItem` (logged and counted by Scrapy as
    ``item_dropped_reasons_count/DropItem``): upserted, it would make its whole
    write batch fail, on every replay of the spool too.
    """
    document = ItemAdapter(item).asdict()
    for name in target.key_fields:
        value = document.get(name)
        if not isinstance(value, _KEY_TYPES):
            raise DropItem(
                f"not stored in {target.collection}: its natural key field {name!r} is a "
                f"{type(value).__name__} ({_short(value)}); keys must be strings, numbers or datetimes"
            )
        if name.endswith("url") and isinstance(value, str) and "://" in value:
            document[name] = canonicalize_url(value)
    return document
