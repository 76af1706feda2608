"""Longer property-based fuzzing of the untrusted-input components; prints JSON.

The same targets and strategies as ``tests/test_fuzz.py`` (``tests/fuzz_targets.py``),
with many more, random examples. Every exception is recorded instead of stopping
the run: the report counts examples run and failures found per target, with
the distinct errors (type, message, one input that raised it).

    python bench/fuzz.py [--examples 2000] [--target repair ...] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fuzz_targets import TARGETS  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402


def fuzz(name: str, examples: int, random_seed: int | None) -> dict[str, Any]:
    strategy, target, known = TARGETS[name]
    run = 0
    failures = 0
    distinct: dict[str, dict[str, Any]] = {}

    def record(case: Any) -> None:
        nonlocal run, failures
        run += 1
        try:
            target(case)
        except Exception as exc:  # the point: count every crash, keep going
            failures += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            distinct.setdefault(
                key,
                {
                    "error": f"{type(exc).__name__}: {str(exc)[:200]}",
                    "input": repr(case)[:300],
                    "count": 0,
                },
            )["count"] += 1

    for case in known:
        record(case)
    check = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(strategy())(record))
    if random_seed is not None:
        check = seed(random_seed)(check)
    started = time.perf_counter()
    check()
    return {
        "examples_run": run,
        "failures": failures,
        "distinct_failures": len(distinct),
        "errors": distinct,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per target")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    results = {
        name: fuzz(name, args.examples, args.seed) for name in args.target or sorted(TARGETS)
    }
    report = {
        "examples_per_target": args.examples,
        "examples_run": sum(r["examples_run"] for r in results.values()),
        "failures_found": sum(r["failures"] for r in results.values()),
        "targets": results,
    }
    print(json.dumps(report, indent=2, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
