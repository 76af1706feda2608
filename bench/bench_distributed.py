"""Scale-out: the ``site`` spider on the 1,000-page bench site, 1 worker vs 2 workers.

Same run, same servers: a redis-server and the demo web on loopback, the
embedded nx-27017 MongoDB (or ``MONGO_URI_BENCH``). Each configuration crawls
the whole site through scrapy-redis (``REDIS_URL``), workers being separate
``scrapy crawl`` processes; wall time runs from launch to the last exit
(process start-up included, as in real use). Reports pages/s, the speedup and
each worker's share, in two scenarios: no delay (CPU-bound on this machine) and
politeness-bound (``DOWNLOAD_DELAY``, the usual limit of a real crawl). On a machine with fewer free cores than workers the
speedup is bounded by CPU, not by the design.

    python bench/bench_distributed.py      # BENCH_DIST_PAGES=1000, BENCH_DIST_REPEAT=3 (medians)
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

from bench._common import (
    PROJECT_DIR,
    crawl_env,
    demo_web,
    median,
    mongo_server,
    peak_rss_mb,
    redis_server,
)

N_PAGES = int(os.environ.get("BENCH_DIST_PAGES", "1000"))
REPEAT = int(os.environ.get("BENCH_DIST_REPEAT", "3"))
# Per-request delay of the politeness-bound scenario (seconds, randomised 0.5-1.5x by Scrapy).
POLITE_DELAY = float(os.environ.get("BENCH_DIST_DELAY", "0.025"))


def _crawl(
    workers: int, base: str, redis_url: str, mongo_uri: str, tmp: Path, delay: float
) -> dict[str, Any]:
    run = f"bench{uuid.uuid4().hex[:8]}"
    start = f"{base}/bench/n{N_PAGES}/p/0.html"
    procs = []
    t0 = time.perf_counter()
    for i in range(workers):
        stats = tmp / f"{run}-{i}.json"
        cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"start_url={start}"]
        for key, value in {
            "MONGO_DATABASE": run,
            "MONGO_SPOOL_PATH": str(tmp / f"{run}-{i}.spool"),
            "EDUSCRAPE_STATS_FILE": str(stats),
            "EDUSCRAPE_SUMMARY": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "SCHEDULER_QUEUE_KEY": f"{run}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{run}:%(spider)s:dupefilter",
            "DOWNLOAD_DELAY": delay,
        }.items():
            cmd += ["-s", f"{key}={value}"]
        env = crawl_env(REDIS_URL=redis_url, MONGO_URI=mongo_uri)
        procs.append((subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env), stats))
    for proc, _ in procs:
        if proc.wait(600) != 0:
            raise RuntimeError(f"worker exited with {proc.returncode}")
    elapsed = time.perf_counter() - t0
    pages = [json.loads(s.read_text()).get("item_scraped_count", 0) for _, s in procs]
    if sum(pages) != N_PAGES:
        raise RuntimeError(f"workers scraped {pages} pages, expected {N_PAGES} in total")
    return {"seconds": round(elapsed, 2), "pages_per_worker": pages}


def _scenario(delay: float, base: str, redis_url: str, mongo_uri: str, tmp: Path) -> dict[str, Any]:
    one: list[float] = []
    two: list[float] = []
    shares: list[list[int]] = []
    for _ in range(REPEAT):
        one.append(_crawl(1, base, redis_url, mongo_uri, tmp, delay)["seconds"])
        r2 = _crawl(2, base, redis_url, mongo_uri, tmp, delay)
        two.append(r2["seconds"])
        shares.append(r2["pages_per_worker"])
    t1, t2 = median(one), median(two)
    return {
        "download_delay": delay,
        "one_worker_s": t1,
        "two_workers_s": t2,
        "one_worker_pages_per_s": round(N_PAGES / t1, 1),
        "two_workers_pages_per_s": round(N_PAGES / t2, 1),
        "speedup_2_vs_1": round(t1 / t2, 2),
        "two_workers_pages_each": shares,
        "runs_one_s": one,
        "runs_two_s": two,
    }


def run() -> dict[str, Any]:
    with (
        redis_server() as redis_url,
        demo_web() as base,
        mongo_server() as mongo_uri,
        tempfile.TemporaryDirectory(prefix="bench-dist-") as tmp,
    ):
        # No delay: bound by this machine's CPU (server, MongoDB, Redis and workers share it).
        cpu = _scenario(0.0, base, redis_url, mongo_uri, Path(tmp))
        # Politeness-bound, as real crawls are: each worker waits DOWNLOAD_DELAY per request.
        polite = _scenario(POLITE_DELAY, base, redis_url, mongo_uri, Path(tmp))
    return {
        "pages": N_PAGES,
        "repeat": REPEAT,
        "cpu_cores": os.cpu_count(),
        "speedup_2_vs_1": cpu["speedup_2_vs_1"],
        "speedup_2_vs_1_polite": polite["speedup_2_vs_1"],
        "no_delay": cpu,
        "polite": polite,
        "peak_rss_mb_per_worker": peak_rss_mb(children=True),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
