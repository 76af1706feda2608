"""Crawl throughput: eduscrape's full stack vs plain Scrapy, in the same run.

Serves the demo web's generated site (N pages) on loopback and crawls it
alternately with plain Scrapy (`scrapy runspider`, Scrapy defaults, no
pipelines) and with `scrapy crawl site` (eduscrape settings, MongoPipeline
into the embedded nx-27017 server, summary extension). Reports pages/s of
each (median of the repetitions), the overhead ratio, items/s written to
MongoDB, whether every item is in MongoDB at the end, and peak memory.

    python bench/bench_throughput.py [--pages 3000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from pymongo import MongoClient  # noqa: E402

from eduscrape.demo.server import spawn as spawn_demo_web  # noqa: E402
from eduscrape.storage.embedded import EmbeddedMongo  # noqa: E402

# Identical crawl settings for both sides, so only the stack differs.
COMMON = {
    "ROBOTSTXT_OBEY": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    # eduscrape's polite defaults (a delay, AutoThrottle) are lifted: both sides run flat out.
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "False",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}


def _run(cmd: list[str], cwd: Path, env: dict[str, str], stats_file: Path) -> dict[str, Any]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(stats_file.read_text())


def _settings(extra: dict[str, str]) -> list[str]:
    out: list[str] = []
    for key, value in {**COMMON, **extra}.items():
        out += ["-s", f"{key}={value}"]
    return out


def run(pages: int = 3000, repeat: int = 2) -> dict[str, Any]:
    web, base = spawn_demo_web(PROJECT_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="eduscrape-bench-"))
    server = EmbeddedMongo(tmp / "mongo")
    info, _ = server.ensure()
    client: MongoClient[Any] = MongoClient(info.uri)
    env = {**os.environ, "MONGO_URI": info.uri, "PYTHONPATH": str(PROJECT_DIR)}
    start_url = f"{base}/bench/n{pages}/p/0.html"
    plain: list[dict[str, Any]] = []
    edu: list[dict[str, Any]] = []
    try:
        for i in range(repeat):
            # Plain Scrapy: runspider outside the project (no scrapy.cfg, no eduscrape settings).
            stats_json = tmp / f"plain{i}.json"
            plain_dir = tmp / f"plain{i}"
            plain_dir.mkdir()
            stats = _run(
                [
                    sys.executable,
                    "-c",
                    _PLAIN_RUNNER,
                    str(PROJECT_DIR / "bench" / "_plain_spider.py"),
                    start_url,
                    str(stats_json),
                    json.dumps(COMMON),
                ],
                plain_dir,
                {k: v for k, v in env.items() if k != "PYTHONPATH"},
                stats_json,
            )
            plain.append(stats)
            db = f"bench{i}"
            client.drop_database(db)
            stats_file = tmp / f"edu{i}.json"
            stats = _run(
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    "crawl",
                    "site",
                    "-a",
                    f"start_url={start_url}",
                    *_settings(
                        {
                            "EDUSCRAPE_STATS_FILE": str(stats_file),
                            "MONGO_DATABASE": db,
                            "MONGO_SPOOL_PATH": str(tmp / "spool.jsonl"),
                        }
                    ),
                ],
                PROJECT_DIR,
                env,
                stats_file,
            )
            stats["_in_mongo"] = client[db].pages.count_documents({})
            edu.append(stats)
    finally:
        client.close()
        server.stop()
        web.terminate()

    def rate(s: dict[str, Any]) -> float:
        return s["response_received_count"] / s["elapsed_time_seconds"]

    plain_rate = statistics.median(rate(s) for s in plain)
    edu_rate = statistics.median(rate(s) for s in edu)
    return {
        "pages": pages,
        "repeat": repeat,
        "plain_scrapy_pages_per_s": round(plain_rate, 1),
        "eduscrape_pages_per_s": round(edu_rate, 1),
        "ratio_eduscrape_vs_plain": round(edu_rate / plain_rate, 3),
        "overhead_pct": round((plain_rate / edu_rate - 1) * 100, 1),
        "mongo_items_per_s": round(
            statistics.median(s.get("mongo/written", 0) / s["elapsed_time_seconds"] for s in edu), 1
        ),
        "all_items_in_mongo": all(s["_in_mongo"] == s["item_scraped_count"] == pages for s in edu),
        "items_in_mongo": [s["_in_mongo"] for s in edu],
        "peak_memory_mb_plain": round(max(s.get("memusage/max", 0) for s in plain) / 2**20, 1),
        "peak_memory_mb_eduscrape": round(max(s.get("memusage/max", 0) for s in edu) / 2**20, 1),
    }


# Runs the plain spider with CrawlerProcess and dumps its stats (plain Scrapy has no stats file option).
_PLAIN_RUNNER = """
import json, sys, importlib.util
from scrapy.crawler import CrawlerProcess
path, start_url, out, settings = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
spec = importlib.util.spec_from_file_location("plain_spider", path)
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
process = CrawlerProcess(settings)
crawler = process.create_crawler(mod.PlainSiteSpider)
process.crawl(crawler, start_url=start_url)
process.start()
stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
open(out, "w").write(json.dumps(stats))
"""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=2)
    opts = parser.parse_args()
    print(json.dumps(run(opts.pages, opts.repeat), indent=2))
