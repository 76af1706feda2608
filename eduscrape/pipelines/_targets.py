"""Where an item is stored: collection and natural key."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import canonicalize_url

from eduscrape.storage import WriteTarget


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
    return [
        WriteTarget(cls.mongo_collection, tuple(cls.mongo_key))
        for cls in item_classes
        if getattr(cls, "mongo_collection", None) and getattr(cls, "mongo_key", None)
    ]


def document_for(item: Any, target: WriteTarget) -> dict[str, Any]:
    """The item as a plain dict, with ``url`` key fields canonicalized."""
    document = ItemAdapter(item).asdict()
    for name in target.key_fields:
        value = document.get(name)
        if name.endswith("url") and isinstance(value, str) and "://" in value:
            document[name] = canonicalize_url(value)
    return document
