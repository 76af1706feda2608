"""Tree-gram stores: MongoDB (keyed by site and field, with history) or memory.

One document per (site, key) in the configured collection::

    {_id: "<site>|<pattern>/<field>", site, key, xpath, treegram, updated_at, reason,
     history: [{xpath, treegram, updated_at, reason}, ...]}   # previous versions, newest last

Writes go through a small writer thread (the crawl never waits on MongoDB).
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime, timezone
from typing import Any

from eduscrape.adaptation.treegram import TreeGram

logger = logging.getLogger(__name__)
HISTORY_LIMIT = 20


def _document(
    site: str, key: str, tg: TreeGram, reason: str, old: dict[str, Any] | None
) -> dict[str, Any]:
    history = list(old.get("history", [])) if old else []
    if old:
        history.append({k: old.get(k) for k in ("xpath", "treegram", "updated_at", "reason")})
    return {
        "_id": f"{site}|{key}",
        "site": site,
        "key": key,
        "xpath": tg.xpath,
        "treegram": tg.to_dict(),
        "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "reason": reason,
        "history": history[-HISTORY_LIMIT:],
    }


class MemoryStore:
    """In-process store (tests, or when no MongoDB is wanted)."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    def load(self, site: str) -> dict[str, TreeGram]:
        return {
            d["key"]: TreeGram.from_dict(d["treegram"])
            for d in self.docs.values()
            if d["site"] == site
        }

    def save(self, site: str, key: str, tg: TreeGram, reason: str = "learned") -> None:
        _id = f"{site}|{key}"
        self.docs[_id] = _document(site, key, tg, reason, self.docs.get(_id))

    def close(self) -> None:
        pass


class MongoStore:
    """Tree-grams in a MongoDB collection; saves are queued to a writer thread."""

    def __init__(self, uri: str, database: str, collection: str, timeout_ms: int = 5000) -> None:
        from pymongo import MongoClient

        self.client: Any = MongoClient(uri, serverSelectionTimeoutMS=timeout_ms)
        self.coll = self.client[database][collection]
        self._queue: queue.Queue[tuple[str, str, TreeGram, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="treegram-writer", daemon=True)
        self._thread.start()
        self.errors = 0

    def load(self, site: str) -> dict[str, TreeGram]:
        out = {}
        for doc in self.coll.find({"site": site}, {"history": 0}):
            try:
                out[doc["key"]] = TreeGram.from_dict(doc["treegram"])
            except (KeyError, TypeError) as exc:
                logger.warning("Ignoring a malformed tree-gram %s: %s", doc.get("_id"), exc)
        return out

    def history(self, site: str, key: str) -> list[dict[str, Any]]:
        doc = self.coll.find_one({"_id": f"{site}|{key}"}) or {}
        return list(doc.get("history", []))

    def save(self, site: str, key: str, tg: TreeGram, reason: str = "learned") -> None:
        self._queue.put((site, key, tg, reason))

    def _write(self, site: str, key: str, tg: TreeGram, reason: str) -> None:
        # Read-modify-replace (plain operators only, so any MongoDB-wire server works).
        _id = f"{site}|{key}"
        old = self.coll.find_one({"_id": _id})
        self.coll.replace_one({"_id": _id}, _document(site, key, tg, reason, old), upsert=True)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                self._write(*job)
            except Exception as exc:
                self.errors += 1
                logger.warning("Could not store tree-gram %s: %s", job[:2] if job else None, exc)
            finally:
                self._queue.task_done()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait (bounded) until queued saves are written; True when the queue is empty."""
        import time

        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
        self.client.close()
