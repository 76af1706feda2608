"""Language-variant comparison: quality on the labelled Apache pairs, and speed.

- mutated pair (en vs en-mut, 40 labelled mutations): detection rate per kind and
  pages flagged that should not be, from a real ``variants`` crawl on loopback;
- real translations (en-fr, en-ja): precision / recall / F1 of "flagged" against
  the manual's own outdated flags, and the false-positive rate (flagged pages the
  project marks current), with the default criteria; the same offline with a
  naive criteria set (every tag, every link, fragments) and with the translations'
  own "may be outdated" notice removed, for comparison;
- time of a whole ~260-page pair crawl, of a tracking re-run with nothing
  changed (bodies fetched, 304s) and of the comparison of one pair of pages;
- cross-language mutated pairs (offline): the real en tree against its real fr / ja
  translation with mutations applied to the translation (``eduscrape.variants.mutations``,
  exact labels), plain and with the translation's external links localized (scheme,
  ``www.``, trailing slash, language tokens, one site-wide per-language account kept
  on one page): detection per kind, page F1, false flags on untouched pages, also
  counted against the unmutated real pair (its own differences are real ones);
  designed on en-fr, en-ja reported as held out;
- outdated translations among present pairs: precision/recall and average
  precision of the ``eduscrape.variants.outdated`` ranking against the manual's own
  outdated marks, with and without the translations' notices.

``--quick`` runs only the offline parts (no crawls); ``--seeds N`` mutates each
cross-language pair with seeds 0..N-1 (default: SEEDS).

Data: ../shared/data/variants/dev (skipped with a message when absent).
"""

from __future__ import annotations

import argparse
import dataclasses
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
from eduscrape.variants.conventions import ConventionLearner  # noqa: E402
from eduscrape.variants.evaluation import (  # noqa: E402
    compare_trees,
    page_of,
    page_scores,
    score_mutated,
    score_real,
)
from eduscrape.variants.mutations import mutate_pair, write_tree  # noqa: E402
from eduscrape.variants.outdated import (  # noqa: E402
    outdated_score,
    page_signals,
    rank_outdated,
    ranking_quality,
)

PAIRS = {"apache-en-fr": ("en", "fr"), "apache-en-ja": ("en", "ja")}
# Designed on en-fr; en-ja is reported as held out (not looked at while designing).
DESIGN_PAIRS = ("apache-en-fr",)
SEEDS = (0, 1, 2)
OUTDATED_THRESHOLD = 0.5


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
        out[page_of(item["left_url"] or item["right_url"])] = item
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


def _session_of(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next((i for i in items if "visits" in i), {})


def crawl_outdated_ranking(
    labels: dict[str, Any], sets: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The crawl's own ``outdated`` scores ranked against the manual's marks (pages in both)."""
    both = [
        rel
        for rel, info in labels["pages"].items()
        if info.get("left") and info.get("right") and (sets.get(rel) or {}).get("outdated")
    ]
    outdated = {rel for rel in both if labels["pages"][rel].get("outdated")}
    ranked = sorted(((rel, sets[rel]["outdated"]) for rel in both), key=lambda kv: -kv[1]["score"])
    return ranking_quality(ranked, outdated, OUTDATED_THRESHOLD)


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


def _mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 3) if values else 0.0


def _on_consistent_pages(
    labels: dict[str, Any], results: dict[str, Any], base: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Labels and results restricted to pages the unmutated real pair has consistent."""

    def clean(page: str) -> bool:
        return page not in base or bool(base[page].consistent)

    kept = [m for m in labels["mutation_list"] if all(map(clean, [m["page"], *m["affected"]]))]
    dropped = {
        p for m in labels["mutation_list"] if m not in kept for p in [m["page"], *m["affected"]]
    }
    results = {p: r for p, r in results.items() if clean(p) and p not in dropped}
    return {**labels, "mutation_list": kept}, results


def _kinds_total(runs: list[dict[str, Any]], tag: str, field: str) -> dict[str, list[int]]:
    total: dict[str, list[int]] = {}
    for run in runs:
        for kind, (found, n) in run[tag][field].items():
            entry = total.setdefault(kind, [0, 0])
            entry[0] += found
            entry[1] += n
    return dict(sorted(total.items()))


def block_check_ablation(name: str) -> dict[str, Any]:
    """Flag rate on the real pair's up-to-date pages with each block check alone, none
    and the default set (``Criteria.block_checks``, eduscrape/variants/blocks.py): what
    each check costs in flags of real translations (mutation recall: the
    cross_language_mutated rows)."""
    left, right = PAIRS[name]
    pair_dir = DATA / name
    labels = json.loads((pair_dir / "labels.json").read_text())
    current = [
        rel
        for rel, info in labels["pages"].items()
        if info.get("left") and info.get("right") and not info.get("outdated")
    ]
    out: dict[str, Any] = {"up_to_date_pages": len(current)}
    default = Criteria().for_translation()
    for tag, checks in (
        ("none", frozenset()),
        ("links", frozenset({"links"})),
        ("link_lists", frozenset({"link_lists"})),
        ("order", frozenset({"order"})),
        ("emphasis", frozenset({"emphasis"})),
        ("default", default.block_checks),
        ("all", frozenset({"links", "link_lists", "order", "emphasis"})),
    ):
        criteria = dataclasses.replace(default, block_checks=checks)
        learner = ConventionLearner()
        results = compare_trees(pair_dir, left, right, criteria, learner, [left, right])
        flagged = sum(1 for rel in current if not results[rel].consistent)
        out[tag] = {"flagged": flagged, "flag_rate": round(flagged / len(current), 3)}
        if "order" in checks:
            out[tag]["link_place_tolerance"] = round(learner.place_tolerance(), 3)
    return out


def cross_language_mutated(name: str, seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """Mutations on a real translation: detection, page F1, false flags (see module doc)."""
    left, right = PAIRS[name]
    pair_dir = DATA / name
    criteria = Criteria().for_translation()
    base = compare_trees(pair_dir, left, right, criteria, ConventionLearner(), [left, right])
    out: dict[str, Any] = {"split": "design" if name in DESIGN_PAIRS else "held-out"}
    for localize in (False, True):
        runs = []
        for seed in seeds:
            pages, labels = mutate_pair(pair_dir, left, right, seed=seed, localize=localize)
            with tempfile.TemporaryDirectory(prefix="bench_variants_mut_") as tmp:
                root = Path(tmp)
                os.symlink(pair_dir / left, root / left)
                write_tree(pages, root / f"{right}-mut")
                t0 = time.perf_counter()
                learner = ConventionLearner()
                plain: dict[str, Any] = {}
                learned = compare_trees(
                    root, left, f"{right}-mut", criteria, learner, [left, right], raw=plain
                )
                seconds = time.perf_counter() - t0
            # Whole pair: reduce and compare every page, learn and apply the conventions.
            row: dict[str, Any] = {"seed": seed, "seconds": round(seconds, 2)}
            for tag, results in (("without_conventions", plain), ("with_conventions", learned)):
                score = score_mutated(labels, results)
                pages_score = page_scores(labels, results)
                # Pages the real pair itself differs on are real differences: also score
                # only pages consistent in the unmutated pair, and mutations on those.
                clean_labels, clean = _on_consistent_pages(labels, results, base)
                clean_score = score_mutated(clean_labels, clean)
                row[tag] = {
                    "kinds": {k: [v["found"], v["n"]] for k, v in score["kinds"].items()},
                    "kinds_vs_real_pair": {
                        k: [v["found"], v["n"]] for k, v in clean_score["kinds"].items()
                    },
                    "found": sum(v["found"] for v in score["kinds"].values() if v["n"]),
                    "mutations": len(labels["mutation_list"]),
                    "missed": {k: v["missed"] for k, v in score["kinds"].items() if v["missed"]},
                    "pages": pages_score,
                    "pages_vs_real_pair": page_scores(clean_labels, clean),
                }
            row["conventions"] = [c.describe() for c in learner.learn()]
            row["equivalences"] = len(learner.equivalences())
            row["link_place_tolerance"] = round(learner.place_tolerance(), 3)
            runs.append(row)
        key = "localized_links" if localize else "plain"
        summary = {}
        for tag in ("without_conventions", "with_conventions"):
            summary[tag] = {
                "found": sum(r[tag]["found"] for r in runs),
                "mutations": sum(r[tag]["mutations"] for r in runs),
                "page_f1": _mean([r[tag]["pages"]["f1"] for r in runs]),
                "false_flag_rate": _mean([r[tag]["pages"]["false_flag_rate"] for r in runs]),
                "page_f1_vs_real_pair": _mean([r[tag]["pages_vs_real_pair"]["f1"] for r in runs]),
                "false_flag_rate_vs_real_pair": _mean(
                    [r[tag]["pages_vs_real_pair"]["false_flag_rate"] for r in runs]
                ),
                # Per mutation kind over the seeds: [found, n], all pages / pages the
                # unmutated pair has consistent.
                "per_kind": _kinds_total(runs, tag, "kinds"),
                "per_kind_vs_real_pair": _kinds_total(runs, tag, "kinds_vs_real_pair"),
            }
        out[key] = {"summary": summary, "runs": runs}
    return out


def outdated_ranking(name: str) -> dict[str, Any]:
    """The outdated ranking against the manual's own marks, pages present on both sides."""
    left, right = PAIRS[name]
    pair_dir = DATA / name
    labels = json.loads((pair_dir / "labels.json").read_text())
    both = [rel for rel, info in labels["pages"].items() if info.get("left") and info.get("right")]
    outdated = {rel for rel in both if labels["pages"][rel].get("outdated")}
    signals = {
        rel: (
            page_signals((pair_dir / left / rel).read_bytes()),
            page_signals((pair_dir / right / rel).read_bytes()),
        )
        for rel in both
    }
    out: dict[str, Any] = {"split": "design" if name in DESIGN_PAIRS else "held-out"}
    for tag, use_notice, skipped in (
        ("all_signals", True, frozenset()),
        # Without the notice, also in the structure (its div is a difference itself).
        ("without_notice", False, frozenset({"outofdate"})),
    ):
        criteria = Criteria(skipped_classes=skipped).for_translation()
        results = compare_trees(pair_dir, left, right, criteria, ConventionLearner(), [left, right])
        scored = {
            rel: outdated_score(*signals[rel], results.get(rel), use_notice=use_notice)
            for rel in both
        }
        ranked = rank_outdated(scored)
        out[tag] = ranking_quality(ranked, outdated, OUTDATED_THRESHOLD)
        out[tag]["top"] = [[rel, a.score, a.reasons[:2]] for rel, a in ranked[:3]]
        # The task's view: pages flagged (inconsistent or likely outdated) among the
        # up-to-date ones, and recall of the outdated and missing ones.
        current = [rel for rel in both if rel not in outdated]
        flagged = {
            rel
            for rel in both
            if not results[rel].consistent or scored[rel].score >= OUTDATED_THRESHOLD
        }
        missing = [
            rel for rel, info in labels["pages"].items() if info.get("left") != info.get("right")
        ]
        found_missing = sum(1 for rel in missing if rel in results and not results[rel].consistent)
        out[tag]["flag_rate_up_to_date"] = (
            round(len(flagged & set(current)) / len(current), 3) if current else 0.0
        )
        out[tag]["flag_rate_up_to_date_outdated_only"] = (
            round(
                sum(1 for rel in current if scored[rel].score >= OUTDATED_THRESHOLD) / len(current),
                3,
            )
            if current
            else 0.0
        )
        out[tag]["recall_missing_or_outdated"] = (
            round((len(flagged & outdated) + found_missing) / (len(outdated) + len(missing)), 3)
            if outdated or missing
            else None
        )
    return out


def offline(seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """The parts that need no crawl (cross-language mutated pairs, outdated ranking)."""
    out: dict[str, Any] = {"cross_language_mutated": {}, "outdated": {}, "block_checks": {}}
    out["seeds"] = list(seeds)
    for name in PAIRS:
        out["cross_language_mutated"][name] = cross_language_mutated(name, seeds)
        out["outdated"][name] = outdated_ranking(name)
        out["block_checks"][name] = block_check_ablation(name)
    # Headline figures (bench/run_all.py's table): localized links, with conventions.
    for name in PAIRS:
        short = name.removeprefix("apache-").replace("-", "_")
        got = out["cross_language_mutated"][name]["localized_links"]["summary"]["with_conventions"]
        out[f"xlang_{short}_page_f1_vs_real_pair"] = got["page_f1_vs_real_pair"]
        out[f"xlang_{short}_false_flags_vs_real_pair"] = got["false_flag_rate_vs_real_pair"]
        out[f"real_{short}_flag_rate_up_to_date"] = out["outdated"][name]["all_signals"][
            "flag_rate_up_to_date"
        ]
        out[f"outdated_{short}_precision"] = out["outdated"][name]["all_signals"]["precision"]
        out[f"outdated_{short}_recall"] = out["outdated"][name]["all_signals"]["recall"]
    return out


def run(seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    if not DATA.exists():
        return {"skipped": f"evaluation data not available: {DATA}"}
    out: dict[str, Any] = offline(seeds)
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
            entry["outdated_crawl"] = crawl_outdated_ranking(labels, by_page(result["items"]))
            entry["conventions_crawl"] = len(_session_of(result["items"]).get("conventions") or [])
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="offline parts only (no crawls)")
    parser.add_argument(
        "--seeds", type=int, default=len(SEEDS), help="mutation seeds 0..N-1 per pair"
    )
    options = parser.parse_args()
    seeds = tuple(range(options.seeds))
    if options.quick:
        result = (
            offline(seeds)
            if DATA.exists()
            else {"skipped": f"evaluation data not available: {DATA}"}
        )
    else:
        result = run(seeds)
    print(json.dumps(result, indent=2, ensure_ascii=False))
