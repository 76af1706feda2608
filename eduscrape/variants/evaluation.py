"""Score comparison results against labelled pairs (``shared/data/variants``).

``compare_trees`` compares two local trees by relative path, without the walk
(same reduction and comparison code); ``score_mutated`` and ``score_real`` turn per-page results into the
quality numbers the bench reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eduscrape.variants.compare import Comparison, compare_pages, missing_counterpart
from eduscrape.variants.conventions import ConventionLearner
from eduscrape.variants.kinds import STRUCTURAL_KINDS
from eduscrape.variants.pairing import VariantMapper
from eduscrape.variants.structure import Criteria, reduce_page

FAKE_HOST = "http://pair.test"


def compare_trees(
    pair_dir: Path,
    left: str,
    right: str,
    criteria: Criteria | None = None,
    learner: ConventionLearner | None = None,
    languages: list[str] | None = None,
    raw: dict[str, Comparison] | None = None,
) -> dict[str, Comparison]:
    """Compare every page of ``pair_dir/left`` with ``pair_dir/right`` by relative path.

    With a *learner*, the pair's site conventions are learned from all page pairs
    and every result is revised by them (``learner.learn()`` lists them); *raw*, when
    given, receives the results before that revision."""
    criteria = criteria or Criteria()
    roots = [f"{FAKE_HOST}/{left}/index.html", f"{FAKE_HOST}/{right}/index.html"]
    mapper = VariantMapper(roots, criteria=criteria)
    if languages:
        mapper.set_languages(list(languages))
    lpages = {p.relative_to(pair_dir / left).as_posix() for p in (pair_dir / left).rglob("*.html")}
    rpages = {
        p.relative_to(pair_dir / right).as_posix() for p in (pair_dir / right).rglob("*.html")
    }
    out: dict[str, Comparison] = {}
    for rel in sorted(lpages | rpages):
        lurl, rurl = f"{FAKE_HOST}/{left}/{rel}", f"{FAKE_HOST}/{right}/{rel}"
        if rel not in rpages:
            out[rel] = missing_counterpart(lurl, None, "not found")
            continue
        if rel not in lpages:
            out[rel] = missing_counterpart(None, rurl, "not found")
            continue
        lp = reduce_page((pair_dir / left / rel).read_bytes(), lurl, criteria)
        rp = reduce_page((pair_dir / right / rel).read_bytes(), rurl, criteria)
        out[rel] = compare_pages(lp, rp, mapper)
        if learner is not None:
            learner.observe(rel, out[rel], lp, rp, mapper)
    if raw is not None:
        raw.update(out)
    if learner is not None:
        out = {rel: learner.apply(rel, result) for rel, result in out.items()}
    return out


def page_of(url: str) -> str:
    """The labels' page name of a crawled URL (``http://host/en/mod/`` -> ``mod/index.html``):
    the walk normalizes ``dir/index.html`` to ``dir/``, the labels name the file."""
    rel = url.split("/", 4)[4] if url.count("/") >= 4 else ""
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _flags(result: Any) -> dict[str, bool]:
    get = result.get if isinstance(result, Mapping) else lambda k: getattr(result, k)
    return {k: bool(get(k)) for k in ("consistent", *STRUCTURAL_KINDS)}


def score_mutated(labels: dict[str, Any], results: Mapping[str, Any]) -> dict[str, Any]:
    """Per mutation kind: how many were found with the expected type; clean pages flagged."""
    per_kind: dict[str, dict[str, Any]] = {}
    expected_pages: set[str] = set()
    for m in labels["mutation_list"]:
        kind, page = m["kind"], m["page"]
        entry = per_kind.setdefault(kind, {"n": 0, "found": 0, "missed": []})
        entry["n"] += 1
        if kind in ("text_only", "ver_only"):
            ok = page in results and _flags(results[page])["consistent"]
        elif kind in ("remove_page",) or kind == "add_page":
            lost = [page, *m.get("affected", [])]
            ok = all(p in results and _flags(results[p])["type1"] for p in lost)
            expected_pages.update(lost)
        else:
            want = {
                "reorder_anchors": "type2",
                "format_change": "nonstructural",
            }.get(kind, "type1")
            ok = page in results and _flags(results[page])[want]
            expected_pages.add(page)
        entry["found"] += int(ok)
        if not ok:
            entry["missed"].append(page)
    for entry in per_kind.values():
        entry["rate"] = round(entry["found"] / entry["n"], 3) if entry["n"] else None
    false_flags = sorted(
        p for p, r in results.items() if not _flags(r)["consistent"] and p not in expected_pages
    )
    return {"kinds": per_kind, "false_flags": false_flags, "pages": len(results)}


def score_real(labels: dict[str, Any], results: Mapping[str, Any]) -> dict[str, Any]:
    """Precision/recall of 'flagged' against the project's outdated flags (pages in both)."""
    tp = fp = fn = tn = 0
    for rel, info in labels["pages"].items():
        if not (info.get("left") and info.get("right")) or rel not in results:
            continue
        flagged = not _flags(results[rel])["consistent"]
        outdated = bool(info.get("outdated"))
        tp += flagged and outdated
        fp += flagged and not outdated
        fn += (not flagged) and outdated
        tn += (not flagged) and not outdated
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    current = fp + tn
    return {
        "pages_compared": tp + fp + fn + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "false_positive_rate": round(fp / current, 3) if current else 0.0,
    }


def page_scores(labels: dict[str, Any], results: Mapping[str, Any]) -> dict[str, Any]:
    """Page-level precision/recall/F1 of 'flagged' on a mutated pair: a page should be
    flagged when a mutation that changes structure touched it (text-only and VER_ONLY
    changes should not be); the false-flag rate is over every other page."""
    expected: set[str] = set()
    mutated: set[str] = set()
    for m in labels["mutation_list"]:
        mutated.add(m["page"])
        if m["kind"] not in ("text_only", "ver_only"):
            expected.add(m["page"])
            expected.update(m.get("affected", []))
    flagged = {p for p, r in results.items() if not _flags(r)["consistent"]}
    tp, fp, fn = len(flagged & expected), len(flagged - expected), len(expected - flagged)
    others = [p for p in results if p not in expected]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "expected": len(expected),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0,
        "false_flag_rate": round(fp / len(others), 3) if others else 0.0,
        "untouched_pages": len(others),
    }
