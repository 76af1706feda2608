"""Tree-gram stores: MongoDB (keyed by site and field, with history) or memory.

One document per (site, key) in the configured collection::

    {_id: "<site>|<pattern>/<field>", site, key, xpath, treegram, updated_at, reason,
     history: [{xpath, treegram, updated_at, reason}, ...]}   # previous versions, newest last

:class:`MongoStore` reads the collection and writes through a batching writer
(the crawl's :class:`~eduscrape.storage.service.StorageService`, or a
:class:`~eduscrape.storage.writer.MongoWriter`): saves never wait on MongoDB and
are retried, and spooled while it is down. The history of a key extends the
version this store loaded (``load(site)`` before ``save``) or saved last.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Protocol

from eduscrape.adaptation.treegram import TreeGram
from eduscrape.storage.keys import unescape_keys
from eduscrape.storage.writer import WriteTarget

logger = logging.getLogger(__name__)
HISTORY_LIMIT = 20
_VERSION_FIELDS = ("xpath", "treegram", "updated_at", "reason")


class Writer(Protocol):
    """Anything that takes upserts (the storage writer, or a stand-in)."""

    def put(self, target: WriteTarget, document: dict[str, Any]) -> None:
        """Queue an upsert of *document* into *target*."""


def _document(
    site: str, key: str, tg: TreeGram, treegram: Any, reason: str, old: dict[str, Any] | None
) -> dict[str, Any]:
    """The stored document of *tg* (*treegram*: its stored form), after version *old*."""
    history = list(old.get("history", [])) if old else []
    if old:
        history.append({k: old.get(k) for k in _VERSION_FIELDS})
    return {
        "_id": f"{site}|{key}",
        "site": site,
        "key": key,
        "xpath": tg.xpath,
        "treegram": treegram,
        "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "reason": reason,
        "history": history[-HISTORY_LIMIT:],
    }


class MemoryStore:
    """In-process store (tests, or when no MongoDB is wanted); keeps the objects."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    def load(self, site: str) -> dict[str, TreeGram]:
        """The tree-grams of *site*, by key."""
        return {d["key"]: d["treegram"] for d in self.docs.values() if d["site"] == site}

    def save(self, site: str, key: str, tg: TreeGram, reason: str = "learned") -> None:
        """Store *tg* under *key* as a new version (*reason*: learned, repaired...)."""
        _id = f"{site}|{key}"
        self.docs[_id] = _document(site, key, tg, tg, reason, self.docs.get(_id))

    def close(self) -> None:
        """Nothing to release."""
        pass


class MongoStore:
    """Tree-grams in the MongoDB *collection* (pymongo, for reads), saved through *writer*."""

    def __init__(self, collection: Any, writer: Writer) -> None:
        self.coll = collection
        self.writer = writer
        self.target = WriteTarget(collection.name, ("_id",))
        self._versions: dict[str, dict[str, Any]] = {}  # last known document per _id

    def load(self, site: str) -> dict[str, TreeGram]:
        """The tree-grams of *site*, by key."""
        out = {}
        for doc in self.coll.find({"site": site}):
            doc = unescape_keys(doc)
            self._versions[doc["_id"]] = doc
            try:
                out[doc["key"]] = TreeGram.from_dict(doc["treegram"])
            except (KeyError, TypeError) as exc:
                logger.warning("Ignoring a malformed tree-gram %s: %s", doc.get("_id"), exc)
        return out

    def save(self, site: str, key: str, tg: TreeGram, reason: str = "learned") -> None:
        """Store *tg* under *key* as a new version (*reason*: learned, repaired...)."""
        _id = f"{site}|{key}"
        doc = _document(site, key, tg, tg.to_dict(), reason, self._versions.get(_id))
        self._versions[_id] = doc
        self.writer.put(self.target, doc)

    def close(self) -> None:
        """Nothing to release: the writer's owner flushes and closes it."""
