"""OCW spider on redesigned course sites: videos, order and transcripts reproduced.

    python bench/ocw_redesigns.py [--quick] [--seeds N]

Each course (the demo course, mirrored from the demo web; the dev OCW course of
``../shared/data/mooc/dev/ocw`` when present) is crawled as it is (the reference),
then redesigned by :func:`eduscrape.demo.redesign.redesign_ocw_page` at every level
(``attributes``, ``renamed``, ``moved``; one naming scheme per seed) and crawled again:

- cold: an empty MongoDB (the bundled tree-grams only);
- warm: the MongoDB of the reference crawl (tree-grams learned from the site).

Per video of the reference: same id at the same position, same name, same transcript
(text, start and end times). ``agreement`` is the share of those facts reproduced;
``silent`` the share of the misses on items not flagged ``broken`` (course or video).
Prints JSON. ``--quick``: one seed. Until ``bench/bench_redesigns.py`` covers OCW, this
is the OCW part of issue 14's measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _common import PROJECT_DIR, SHARED_DATA

from eduscrape.demo.ocw_course import mirror_site, redesign_copy
from eduscrape.demo.redesign import LEVELS, scheme_for
from eduscrape.demo.server import serve

DEV = SHARED_DATA / "mooc" / "dev" / "ocw" / "21g-107-chinese-i-streamlined-fall-2014" / "site"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def crawl(site: Path, start: str, mongo_dir: Path) -> dict[str, Any]:
    """``scrapy crawl ocw`` of a static site on loopback: exit status, items, seconds."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "ocw.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "EDUSCRAPE_"))}
        env["PYTHONPATH"] = str(PROJECT_DIR)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "ocw",
                "-O",
                str(feed),
                "-a",
                f"start_url=http://127.0.0.1:{server.server_address[1]}{start}",
                "-s",
                f"EDUSCRAPE_MONGO_DATA_DIR={mongo_dir}",
                "-s",
                f"MONGO_SPOOL_PATH={tmp}/spool.jsonl",
                "-s",
                f"WRAPPER_BROKEN_DIR={tmp}/broken",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        seconds = time.perf_counter() - t0
        items = [json.loads(x) for x in feed.read_text().splitlines()] if feed.exists() else []
    server.shutdown()
    server.server_close()
    return {
        "exit": proc.returncode,
        "items": items,
        "seconds": round(seconds, 1),
        "log": proc.stderr,
    }


def _videos(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((i for i in items if i["entity"] == "video"), key=lambda v: v["order"])


def compare(reference: list[dict[str, Any]], got: list[dict[str, Any]]) -> dict[str, Any]:
    """Facts of the reference's videos reproduced, and how many misses were flagged."""
    ref, new = _videos(reference), _videos(got)
    courses = [i for i in got if i["entity"] == "course"]
    course_broken = any(c.get("broken") for c in courses)
    by_id = {v["id"]: v for v in new}
    facts = misses = silent = 0
    for position, want in enumerate(ref):
        have = by_id.get(want["id"])
        checks = [
            position < len(new) and new[position]["id"] == want["id"],
            have is not None and have["name"] == want["name"],
            have is not None
            and (have["text"], have["start"], have["end"])
            == (want["text"], want["start"], want["end"]),
        ]
        facts += len(checks)
        missed = checks.count(False)
        misses += missed
        flagged = course_broken or bool(have and have.get("broken"))
        silent += 0 if flagged else missed
    return {
        "agreement": round((facts - misses) / facts, 4) if facts else 0.0,
        "misses": misses,
        "silent": round(silent / misses, 4) if misses else 0.0,
        "flagged_items": sum(1 for i in got if i.get("broken")),
    }


def run(quick: bool = False, seeds: int = 2) -> dict[str, Any]:
    out: dict[str, Any] = {"levels": list(LEVELS), "cases": []}
    with tempfile.TemporaryDirectory(prefix="ocw-redesigns-") as tmp:
        base = Path(tmp)
        demo = serve()
        try:
            mirror_site(demo.base_url, base / "demo", "/mooc/ocw/8-01-physics/")
        finally:
            demo.shutdown()
            demo.server_close()
        courses = [("demo", base / "demo", "/mooc/ocw/8-01-physics/")]
        if DEV.is_dir():
            courses.append(("ocw-21g107", DEV, "/index.html"))
        for name, site, start in courses:
            warm_db = base / f"mongo-{name}"
            reference = crawl(site, start, warm_db)
            for level in LEVELS:
                for seed in range(1 if quick else seeds):
                    copy = base / f"{name}-{level}-{seed}"
                    redesign_copy(site, copy, level, seed)
                    for mode in ("cold", "warm"):
                        mongo = warm_db if mode == "warm" else base / f"mongo-{name}-{level}-{seed}"
                        result = crawl(copy, start, mongo)
                        case = {
                            "course": name,
                            "level": level,
                            "scheme": scheme_for(seed),
                            "mode": mode,
                            "exit": result["exit"],
                            "seconds": result["seconds"],
                            **compare(reference["items"], result["items"]),
                        }
                        out["cases"].append(case)
                        print(json.dumps(case), file=sys.stderr, flush=True)
    for mode in ("cold", "warm"):
        cases = [c for c in out["cases"] if c["mode"] == mode]
        out[f"agreement_{mode}"] = (
            round(sum(c["agreement"] for c in cases) / len(cases), 4) if cases else 0.0
        )
        misses = sum(c["misses"] for c in cases)
        silent = sum(c["silent"] * c["misses"] for c in cases)
        out[f"silent_{mode}"] = round(silent / misses, 4) if misses else 0.0
    out["target_agreement"] = 0.98
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed per level")
    parser.add_argument("--seeds", type=int, default=2, help="seeds (naming schemes) per level")
    args = parser.parse_args()
    print(json.dumps(run(args.quick, args.seeds), indent=1))
