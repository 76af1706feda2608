"""Cost of self-healing page models: the ads spider on saved postings, healing on vs off.

    python bench/bench_ads_healing.py [--repeat 2] [--pages 300]

Crawls the saved Craigslist postings of ``../shared/data/ads/dev/pages`` (``file://``
URLs, ``scrapy crawl ads -a url_file=...``, items into an embedded MongoDB) alternately
with ``WRAPPER_HEALING`` False (declared selectors only: the baseline) and True (bundled
tree-grams, drift checks, learning, tree-grams saved to MongoDB; a fresh database each
run, so every healing run starts cold). Reports the crawl-time ratio (target <= 1.10)
and the page model's evaluation time per page in process (the middleware's work without
the crawl's noise). The items must be the same either way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from pymongo import MongoClient  # noqa: E402

from eduscrape.storage.embedded import EmbeddedMongo  # noqa: E402

PAGES = PROJECT_DIR.parent / "shared" / "data" / "ads" / "dev" / "pages"
SETTINGS = {
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
}


def _crawl(
    url_file: Path, healing: bool, db: str, tmp: Path, env: dict[str, str]
) -> dict[str, Any]:
    stats_file = tmp / f"{db}.json"
    settings = {
        **SETTINGS,
        "WRAPPER_HEALING": str(healing),
        "EDUSCRAPE_STATS_FILE": str(stats_file),
        "MONGO_DATABASE": db,
        "MONGO_SPOOL_PATH": str(tmp / f"{db}.spool.jsonl"),
        "WRAPPER_BROKEN_DIR": str(tmp / "broken"),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "ads", "-a", f"url_file={url_file}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    done = subprocess.run(
        cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    return stats


def _evaluation_seconds(htmls: list[str], healing: bool) -> float:
    """The middleware's work alone, in process: the posting model on every page in
    crawl order (healing: bundled tree-grams, drift checks, learning; off: declared only)."""
    from eduscrape.adaptation._dom import parse_html
    from eduscrape.adaptation.bundle import load_bundled
    from eduscrape.adaptation.repair import Repairer
    from eduscrape.adaptation.wrapper import Session, evaluate
    from eduscrape.housing._page_model import POSTING, bundled_wrapper

    wrapper = bundled_wrapper(POSTING)
    grams = dict(load_bundled(wrapper)) if healing else {}
    session = Session(learn=healing, relearn=set(grams))
    repairer = Repairer(algorithm=wrapper.algorithm, threshold=wrapper.threshold)
    roots = [parse_html(h) for h in htmls]  # the response's parse is the spider's anyway
    started = time.perf_counter()
    for root in roots:
        result = evaluate(wrapper, root, grams, repairer, session)
        for key, tg in result.learned.items():
            grams[key] = tg
            session.relearn.discard(key)
    return time.perf_counter() - started


def run(pages: int = 300, repeat: int = 2) -> dict[str, Any]:
    files = sorted(PAGES.glob("*.html"))[:pages]
    if not files:
        return {"skipped": f"no saved pages in {PAGES}"}
    htmls = [p.read_text("utf-8") for p in files]
    evaluation: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(3):
        for healing in (False, True):
            evaluation[healing].append(_evaluation_seconds(htmls, healing))
    eval_off, eval_on = (statistics.median(evaluation[h]) for h in (False, True))
    tmp = Path(tempfile.mkdtemp(prefix="eduscrape-bench-healing-"))
    url_file = tmp / "urls.txt"
    url_file.write_text("\n".join(p.as_uri() for p in files) + "\n")
    server = EmbeddedMongo(tmp / "mongo")
    info, _ = server.ensure()
    client: MongoClient[Any] = MongoClient(info.uri)
    env = {**os.environ, "MONGO_URI": info.uri, "PYTHONPATH": str(PROJECT_DIR)}
    runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    same_items = True
    try:
        for i in range(repeat):
            docs: dict[bool, list[Any]] = {}
            for healing in (False, True):  # alternately, so machine load hits both
                db = f"heal{int(healing)}_{i}"
                client.drop_database(db)
                runs[healing].append(_crawl(url_file, healing, db, tmp, env))
                docs[healing] = sorted(
                    (d["url"], d["status"], d["title"], d["body"], json.dumps(d["attributes"]))
                    for d in client[db]["housing_ads"].find({})
                )
            same_items = same_items and docs[False] == docs[True]
    finally:
        client.close()
        server.stop()

    def seconds(healing: bool) -> float:
        return statistics.median(s["elapsed_time_seconds"] for s in runs[healing])

    last = runs[True][-1]
    return {
        "pages": len(files),
        "repeat": repeat,
        "crawl_s_healing_off": round(seconds(False), 2),
        "crawl_s_healing_on": round(seconds(True), 2),
        "ratio_on_vs_off": round(seconds(True) / seconds(False), 3),
        "target_ratio": 1.10,
        "evaluation_ms_per_page_off": round(1000 * eval_off / len(files), 2),
        "evaluation_ms_per_page_on": round(1000 * eval_on / len(files), 2),
        "evaluation_ratio_on_vs_off": round(eval_on / eval_off, 3),
        "same_items": same_items,
        "items": last.get("item_scraped_count"),
        "broken_pages_on": last.get("eduscrape/pages/broken", 0),
        "repaired_on": last.get("wrapper/repaired", 0),
        "unrepaired_on": last.get("wrapper/unrepaired", 0),
        "intact_pages_on": last.get("wrapper/intact_pages", 0),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    opts = parser.parse_args()
    print(json.dumps(run(opts.pages, opts.repeat), indent=2))
