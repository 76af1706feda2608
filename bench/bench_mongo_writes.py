"""MongoDB writes: eduscrape's batched MongoWriter vs one pymongo upsert per item.

Both write the same N page-like documents as idempotent upserts on ``url`` into
the same server (embedded nx-27017 by default, ``MONGO_URI_BENCH`` for another)
with a unique index. Each mode runs in its own process so its peak memory is its
own. Reports items/s per mode, the ratio, and peak RSS.

The crash-safety journal (``MONGO_JOURNAL_FSYNC``) is measured in the same run:
``batched`` is the writer without a journal, ``journal_<policy>`` the same writer
journaling each put (fsync ``off`` / ``batch`` / ``always``); ``journal_cost_pct``
is the throughput lost vs ``batched``, and ``put_us`` the time ``put()`` takes on
the caller's (reactor) thread.

    python bench/bench_mongo_writes.py            # N=5000 (BENCH_MONGO_ITEMS)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import PROJECT_DIR, mongo_server, peak_rss_mb

N_ITEMS = int(os.environ.get("BENCH_MONGO_ITEMS", "5000"))
MODES = ("batched", "journal_off", "journal_batch", "journal_always", "per_item")


def _documents(n: int) -> list[dict[str, Any]]:
    return [
        {
            "url": f"http://bench.test/n{n}/p/{i}.html",
            "site": "bench.test",
            "status": 200,
            "title": f"Page {i} of {n}",
            "content_type": "text/html",
            "size_bytes": 4100 + i % 300,
            "depth": i % 12,
            "outlinks": [f"http://bench.test/n{n}/p/{(i + k) % n}.html" for k in range(1, 11)],
            "fetched_at": "2026-11-23T12:00:00+00:00",
        }
        for i in range(n)
    ]


_PUT_SECONDS: list[float] = []


def _batched(uri: str, db: str, docs: list[dict[str, Any]], fsync: str | None = None) -> float:
    from eduscrape.storage.journal import Journal
    from eduscrape.storage.spool import Spool
    from eduscrape.storage.writer import MongoWriter, WriteTarget

    target = WriteTarget("pages", ("url",))
    # The journal on the project's disk (where .eduscrape/ is), not a RAM-backed /tmp.
    with tempfile.TemporaryDirectory(dir=PROJECT_DIR) as tmp:
        journal = Journal(Path(tmp) / "journal", fsync, 1000) if fsync else None
        writer = MongoWriter(uri, db, spool=Spool(Path(tmp) / "spool.jsonl"), journal=journal)
        writer.ensure_indexes([target])
        writer.start()
        t0 = time.perf_counter()
        for doc in docs:
            writer.put(target, dict(doc))
        _PUT_SECONDS.append(time.perf_counter() - t0)
        writer.close()
        elapsed = time.perf_counter() - t0
        if journal is not None and any(Path(tmp, "journal").glob("*.jsonl")):
            raise RuntimeError("the journal was not emptied at close")
        if writer.counts["written"] != len(docs):
            raise RuntimeError(f"batched writer wrote {writer.counts}")
        writer.disconnect()
    return elapsed


def _per_item(uri: str, db: str, docs: list[dict[str, Any]]) -> float:
    from pymongo import ASCENDING, MongoClient

    client: MongoClient[Any] = MongoClient(uri)
    coll = client[db]["pages"]
    coll.create_index([("url", ASCENDING)], unique=True)
    t0 = time.perf_counter()
    for doc in docs:
        coll.replace_one({"url": doc["url"]}, doc, upsert=True)
    elapsed = time.perf_counter() - t0
    client.close()
    return elapsed


def _one(mode: str, uri: str, n: int) -> dict[str, Any]:
    from pymongo import MongoClient

    db = f"bench_{mode}_{uuid.uuid4().hex[:8]}"
    docs = _documents(n)
    if mode == "per_item":
        elapsed = _per_item(uri, db, docs)
    else:
        elapsed = _batched(uri, db, docs, mode.removeprefix("journal_") if "_" in mode else None)
    client: MongoClient[Any] = MongoClient(uri)
    stored = client[db]["pages"].count_documents({})
    client.drop_database(db)
    client.close()
    return {
        "items": n,
        "stored": stored,
        "seconds": round(elapsed, 3),
        "items_per_s": round(n / elapsed, 1),
        "put_us": round(_PUT_SECONDS[0] / n * 1e6, 1) if _PUT_SECONDS else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def run() -> dict[str, Any]:
    results: dict[str, Any] = {"items": N_ITEMS}
    with mongo_server() as uri:
        for mode in MODES:
            out = subprocess.run(
                [sys.executable, __file__, "--one", mode, uri, str(N_ITEMS)],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
            results[mode] = json.loads(out.stdout)
    results["batched_vs_per_item"] = round(
        results["batched"]["items_per_s"] / results["per_item"]["items_per_s"], 2
    )
    for policy in ("off", "batch", "always"):
        results[f"journal_{policy}_cost_pct"] = round(
            (1 - results[f"journal_{policy}"]["items_per_s"] / results["batched"]["items_per_s"])
            * 100,
            1,
        )
    results["backend"] = "MONGO_URI_BENCH" if os.environ.get("MONGO_URI_BENCH") else "nx-27017"
    results["peak_rss_mb"] = max(results[mode]["peak_rss_mb"] for mode in MODES)
    return results


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(run(), indent=2))
