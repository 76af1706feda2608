"""Run every benchmark (``bench/bench_*.py``) and write one report.

    python bench/run_all.py                      # all, results in bench/results/
    python bench/run_all.py -k mongo -k dist     # only these (others keep their last results)
    python bench/run_all.py --update-readme      # also refresh README's table
    python bench/run_all.py --timeout 900        # per-benchmark limit (s)
    python bench/run_all.py --readme-only        # README table from the last results

Each benchmark runs in its own process (``run()`` called by this script in
``--one`` mode), bounded by a timeout; a failure or timeout is recorded, never
fatal. Outputs:

- ``bench/results/latest.json``: machine, and per benchmark status, seconds,
  peak memory (the benchmark process and its children) and ``run()``'s dict;
- ``bench/results/latest.md``: the same as a readable table (the README shows it
  between ``<!-- bench:start -->`` and ``<!-- bench:end -->``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
README = PROJECT_DIR / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# Every benchmark crawls our own servers on loopback: no politeness delays.
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "eduscrape.demo.settings")
DEFAULT_TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "900"))
# Cells show at most this many headline metrics per benchmark.
MAX_METRICS = 8


def discover(patterns: list[str] | None = None, folder: Path = BENCH_DIR) -> list[Path]:
    found = sorted(folder.glob("bench_*.py"))
    if patterns:
        found = [p for p in found if any(k in p.stem for k in patterns)]
    return found


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions: dict[str, str] = {}
    for mod in ("scrapy", "pymongo", "scrapy_redis", "redis", "twisted"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod.replace("_", "-"))
        except Exception:
            versions[mod] = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- one benchmark, in a child process -------------------------------------------


def _run_one(path: Path) -> None:
    """Child mode: import the file, call run(), print one JSON line with memory."""
    sys.path.insert(0, str(PROJECT_DIR))
    out: dict[str, Any]
    t0 = time.perf_counter()
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        result = module.run()
        out = {"status": "ok", "result": result}
    except BaseException as exc:  # a benchmark's failure is data, not a crash
        out = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:2000]}
        out["traceback"] = traceback.format_exc()[-4000:]
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["peak_rss_children_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    print("\n@@BENCH-RESULT@@ " + json.dumps(out, default=str), flush=True)


def run_benchmark(path: Path, timeout: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(path)],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,  # so a timeout does not leave the benchmark's servers behind
        )
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")[-2000:]
        return {
            "status": "timeout",
            "error": f"no result after {timeout:.0f} s",
            "seconds": round(time.perf_counter() - t0, 2),
            "stderr_tail": tail.decode("utf-8", "replace") if isinstance(tail, bytes) else tail,
        }
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("@@BENCH-RESULT@@ "):
            return json.loads(line.split(" ", 1)[1])
    return {
        "status": "failed",
        "error": f"exit {proc.returncode} without a result",
        "seconds": round(time.perf_counter() - t0, 2),
        "stderr_tail": proc.stderr[-2000:],
    }


# -- report ----------------------------------------------------------------------


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Scalar metrics of a result dict (nested dicts joined with '.'; lists skipped)."""
    out: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(sub, dict):
                out.extend(_flatten(sub, name))
            elif isinstance(sub, (int, float, str, bool)) and not isinstance(sub, bool):
                out.append((name, sub))
    return out


def _headline(result: dict[str, Any]) -> str:
    metrics = _flatten(result)
    # A nested figure repeated at top level (e.g. a headline copied out of a scenario) once.
    top = {k: v for k, v in metrics if "." not in k}
    metrics = [(k, v) for k, v in metrics if "." not in k or top.get(k.rsplit(".", 1)[1]) != v]
    # Ratios, rates, medians and quality figures first: they are what the table is for.
    keys = ("ratio", "speedup", "_vs_", "per_s", "median", "p90", "f1", "precision", "recall")
    metrics.sort(key=lambda kv: (not any(k in kv[0] for k in keys), kv[0].count(".")))
    shown = []
    for name, value in metrics[:MAX_METRICS]:
        text = f"{value:g}" if isinstance(value, float) else str(value)
        shown.append(f"{name}={text}"[:80].replace("|", "\\|"))
    return "<br>".join(shown)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    # A partial run (-k) keeps older rows: say when the rows were run, not just this run.
    times = sorted(e["ran_at"] for e in report["benchmarks"].values() if e.get("ran_at"))
    when = (
        f"Rows run {times[0]} to {times[-1]}"
        if len(times) > 1 and times[0][:16] != times[-1][:16]
        else f"Run {report['finished_at']}"
    )
    lines = [
        f"{when} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB RAM), "
        f"{m['os']}, Python {m['python']}, Scrapy {m['scrapy']}, pymongo {m['pymongo']}, "
        f"scrapy-redis {m['scrapy_redis']}; load average at start {m['load_avg_at_start']}. "
        "Shared machine: read ratios and medians rather than absolute rates.",
        "",
        "| Benchmark | Status | Time (s) | Peak memory (MB) | Headline metrics |",
        "|---|---|---:|---:|---|",
    ]
    for name, entry in report["benchmarks"].items():
        peak = max(entry.get("peak_rss_mb") or 0, entry.get("peak_rss_children_mb") or 0)
        if entry["status"] == "ok":
            cell = _headline(entry.get("result") or {})
        else:
            cell = (entry.get("error") or "").splitlines()[0][:200].replace("|", "\\|")
        lines.append(
            f"| `{name}` | {entry['status']} | {entry.get('seconds', '')} | {peak or ''} | {cell} |"
        )
    lines.append("")
    lines.append("Full results: `bench/results/latest.json` (`python bench/run_all.py`).")
    return "\n".join(lines) + "\n"


def update_readme(table: str, readme: Path = README) -> bool:
    """Put *table* between the markers in README's "## Benchmarks" section."""
    text = readme.read_text()
    block = f"{START}\n{table}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        new = head + block + rest.split(END, 1)[1]
    else:
        marker = "## Benchmarks"
        if marker not in text:
            return False
        head, rest = text.split(marker, 1)
        # Replace the section's placeholder body (up to the next "## " heading).
        nxt = rest.find("\n## ")
        tail = rest[nxt:] if nxt >= 0 else "\n"
        new = f"{head}{marker}\n\n{block}\n{tail}"
    readme.write_text(new)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", action="append", help="run only benchmarks whose name contains K")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per benchmark (s)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    parser.add_argument("--update-readme", action="store_true", help="refresh README's table")
    parser.add_argument(
        "--readme-only",
        action="store_true",
        help="no run: rebuild the table from --output's JSON and update README",
    )
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--readme", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        _run_one(args.one)
        return 0

    if args.readme_only:
        table = markdown(json.loads(args.output.read_text()))
        args.output.with_suffix(".md").write_text(table)
        return 0 if update_readme(table, args.readme) else 1

    benches = discover(args.k, args.bench_dir)
    report: dict[str, Any] = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "benchmarks": {},
    }
    if args.k and args.output.exists():
        # A partial run (-k) updates those entries and keeps the others' last results.
        with contextlib.suppress(ValueError):
            report["benchmarks"] = json.loads(args.output.read_text()).get("benchmarks", {})
    for path in benches:
        print(f"[bench] {path.stem} ...", file=sys.stderr, flush=True)
        entry = run_benchmark(path, args.timeout)
        entry["ran_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        report["benchmarks"][path.stem] = entry
        print(
            f"[bench] {path.stem}: {entry['status']} in {entry.get('seconds')} s"
            + (f" ({entry.get('error')})" if entry["status"] != "ok" else ""),
            file=sys.stderr,
            flush=True,
        )
    report["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    table = markdown(report)
    args.output.with_suffix(".md").write_text(table)
    print(table)
    if args.update_readme and not update_readme(table, args.readme):
        print("README.md has no '## Benchmarks' section: not updated", file=sys.stderr)
    failed = [n for n, e in report["benchmarks"].items() if e["status"] != "ok"]
    return 1 if failed and len(failed) == len(benches) else 0


if __name__ == "__main__":
    sys.exit(main())
