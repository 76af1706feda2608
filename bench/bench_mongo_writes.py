"""MongoDB writes: eduscrape's batched MongoWriter vs one pymongo upsert per item.

Both write the same N page-like documents as idempotent upserts on ``url`` into
the same server (embedded nx-27017 by default, ``MONGO_URI_BENCH`` for another)
with a unique index. Each mode runs in its own process so its peak memory is its
own. Reports items/s per mode, the ratio, and peak RSS.

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


def _batched(uri: str, db: str, docs: list[dict[str, Any]]) -> float:
    from eduscrape.storage.spool import Spool
    from eduscrape.storage.writer import MongoWriter, WriteTarget

    target = WriteTarget("pages", ("url",))
    with tempfile.TemporaryDirectory() as tmp:
        writer = MongoWriter(uri, db, spool=Spool(Path(tmp) / "spool.jsonl"))
        writer.ensure_indexes([target])
        writer.start()
        t0 = time.perf_counter()
        for doc in docs:
            writer.put(target, dict(doc))
        writer.close()
        elapsed = time.perf_counter() - t0
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
    elapsed = (_batched if mode == "batched" else _per_item)(uri, db, docs)
    client: MongoClient[Any] = MongoClient(uri)
    stored = client[db]["pages"].count_documents({})
    client.drop_database(db)
    client.close()
    return {
        "items": n,
        "stored": stored,
        "seconds": round(elapsed, 3),
        "items_per_s": round(n / elapsed, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def run() -> dict[str, Any]:
    results: dict[str, Any] = {"items": N_ITEMS}
    with mongo_server() as uri:
        for mode in ("batched", "per_item"):
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
    results["backend"] = "MONGO_URI_BENCH" if os.environ.get("MONGO_URI_BENCH") else "nx-27017"
    results["peak_rss_mb"] = max(
        results["batched"]["peak_rss_mb"], results["per_item"]["peak_rss_mb"]
    )
    return results


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(_one(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(run(), indent=2))
