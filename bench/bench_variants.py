"""Language-variant comparison: quality on the labelled Apache pairs, and speed.

- mutated pair (en vs en-mut, 40 labelled mutations): detection rate per kind and
  pages flagged that should not be, from a real ``variants`` crawl on loopback;
- real translations (en-fr, en-ja): precision / recall / F1 of "flagged" against
  the manual's own outdated flags, and the false-positive rate (flagged pages the
  project marks current), with the default criteria; the same offline with a
  naive criteria set (every tag, every link, fragments) and with the translations'
  own "may be outdated" notice removed, for comparison;
- time of a whole ~260-page pair crawl, of a tracking re-run with nothing
  changed (bodies fetched, 304s) and of the comparison of one pair of pages.

Data: ../shared/data/variants/dev (skipped with a message when absent).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
# Our own servers on loopback: no politeness delays (as bench/_common.py and run_all.py).
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "eduscrape.demo.settings")
DATA = PROJECT.parent / "shared" / "data" / "variants" / "dev"
sys.path.insert(0, str(PROJECT))

from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page  # noqa: E402
from eduscrape.variants.evaluation import compare_trees, score_mutated, score_real  # noqa: E402

PAIRS = {"apache-en-fr": ("en", "fr"), "apache-en-ja": ("en", "ja")}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def crawl(workdir: Path, left: str, right: str, tag: str, **args: str) -> dict[str, Any]:
    """One ``scrapy crawl variants`` subprocess; returns wall time, stats, items."""
    feed = workdir / f"{tag}.jsonl"
    stats_file = workdir / f"{tag}.stats.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "EDUSCRAPE_"))}
    env["PYTHONPATH"] = str(PROJECT)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "variants", "-O", str(feed)]
    cmd += ["-a", f"left={left}", "-a", f"right={right}"]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    for k, v in {
        "MONGO_DATABASE": "bench_variants",
        "EDUSCRAPE_MONGO_DATA_DIR": str(workdir / "mongo"),
        "MONGO_SPOOL_PATH": str(workdir / "spool.jsonl"),
        "HTTPCACHE_DIR": str(workdir / "httpcache"),
        "EDUSCRAPE_STATS_FILE": str(stats_file),
        "LOG_LEVEL": "WARNING",
        "EDUSCRAPE_SUMMARY": "False",
    }.items():
        cmd += ["-s", f"{k}={v}"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"crawl failed: {proc.stderr[-2000:]}")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    items = [json.loads(line) for line in feed.read_text().splitlines() if line.strip()]
    return {"wall_s": round(wall, 2), "stats": stats, "items": items}


def by_page(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for item in items:
        if "set_key" not in item:
            continue
        url = item["left_url"] or item["right_url"]
        out[url.split("/", 4)[4] or "index.html"] = item
    return out


def _crawl_numbers(result: dict[str, Any]) -> dict[str, Any]:
    s = result["stats"]
    return {
        "wall_s": result["wall_s"],
        "spider_s": round(float(s.get("elapsed_time_seconds", 0)), 2),
        "sets": s.get("variants/sets"),
        "pages_fetched": s.get("variants/pages_fetched", 0),
        "not_modified": s.get("variants/not_modified", 0),
        "sets_reused": s.get("variants/sets_reused", 0),
        "response_bytes": s.get("downloader/response_bytes", 0),
    }


def naive_criteria() -> Criteria:
    """Every tag, every link, fragments kept, no translation tolerance."""
    return Criteria(
        ignored_tags=frozenset(),
        ignore_fragments=False,
        include_internal_anchors=True,
        include_language_links=True,
    )


def pair_compare_times(pair_dir: Path, left: str, right: str, n: int = 120) -> dict[str, float]:
    criteria = Criteria().for_translation()
    mapper = VariantMapper(
        [f"http://x/{left}/index.html", f"http://x/{right}/index.html"], criteria=criteria
    )
    pages = sorted(
        p.relative_to(pair_dir / left).as_posix() for p in (pair_dir / left).rglob("*.html")
    )
    pages = [p for p in pages if (pair_dir / right / p).exists()][:n]
    times = []
    for rel in pages:
        lb, rb = (pair_dir / left / rel).read_bytes(), (pair_dir / right / rel).read_bytes()
        t0 = time.perf_counter()
        lp = reduce_page(lb, f"http://x/{left}/{rel}", criteria)
        rp = reduce_page(rb, f"http://x/{right}/{rel}", criteria)
        compare_pages(lp, rp, mapper)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "pairs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9)], 2),
        "max_ms": round(times[-1], 2),
    }


def run() -> dict[str, Any]:
    if not DATA.exists():
        return {"skipped": f"evaluation data not available: {DATA}"}
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench_variants_") as tmp:
        work = Path(tmp)
        # Mutated pair: detection per kind, then a tracking re-run with nothing changed.
        mut = DATA / "apache-en-mutated"
        labels = json.loads((mut / "labels.json").read_text())
        base, server = serve(mut)
        try:
            full = crawl(work, f"{base}/en/index.html", f"{base}/en-mut/index.html", "mutated")
            # Nothing changed: three tracking re-runs (the machine is shared; median).
            tracks = [
                crawl(
                    work,
                    f"{base}/en/index.html",
                    f"{base}/en-mut/index.html",
                    f"track{n}",
                    track="1",
                )
                for n in range(3)
            ]
        finally:
            server.shutdown()
            server.server_close()
        score = score_mutated(labels, by_page(full["items"]))
        out["mutated"] = {
            "detection": {
                k: {"found": v["found"], "n": v["n"], "rate": v["rate"], "missed": v["missed"]}
                for k, v in score["kinds"].items()
            },
            "pages_compared": score["pages"],
            "wrongly_flagged": score["false_flags"],
            "crawl": _crawl_numbers(full),
            "tracking_rerun": {
                **_crawl_numbers(sorted(tracks, key=lambda t: t["wall_s"])[1]),
                "wall_s_runs": [t["wall_s"] for t in tracks],
            },
        }
        # Real translations: crawl with the default criteria.
        out["real"] = {}
        for name, (left, right) in PAIRS.items():
            pair_dir = DATA / name
            labels = json.loads((pair_dir / "labels.json").read_text())
            base, server = serve(pair_dir)
            try:
                result = crawl(
                    work, f"{base}/{left}/index.html", f"{base}/{right}/index.html", name
                )
            finally:
                server.shutdown()
                server.server_close()
            entry = {"default_criteria": score_real(labels, by_page(result["items"]))}
            entry["crawl"] = _crawl_numbers(result)
            # Offline, same comparison code: a naive criteria set, and the defaults
            # without the translations' own "may be outdated" notice (div.outofdate).
            entry["naive_criteria_offline"] = score_real(
                labels, compare_trees(pair_dir, left, right, naive_criteria())
            )
            entry["default_without_outdated_notice_offline"] = score_real(
                labels,
                compare_trees(
                    pair_dir,
                    left,
                    right,
                    Criteria(skipped_classes=frozenset({"outofdate"})).for_translation(),
                ),
            )
            entry["per_pair_compare"] = pair_compare_times(pair_dir, left, right)
            out["real"][name] = entry
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["peak_rss_children_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
