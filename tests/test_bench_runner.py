"""bench/run_all.py: discovery, isolation of failures and timeouts, the report, README update."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _support import PROJECT_DIR

RUN_ALL = PROJECT_DIR / "bench" / "run_all.py"


def test_run_all_records_results_failures_and_timeouts(tmp_path: Path) -> None:
    benches = tmp_path / "benches"
    benches.mkdir()
    (benches / "bench_good.py").write_text(
        "def run():\n    return {'items_per_s': 12.5, 'ratio': 2.0, 'nested': {'median': 0.1}}\n"
    )
    (benches / "bench_bad.py").write_text("def run():\n    raise RuntimeError('no data here')\n")
    (benches / "bench_slow.py").write_text("import time\ndef run():\n    time.sleep(60)\n")
    (benches / "helper.py").write_text("raise SystemExit('not a benchmark')\n")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Benchmarks\n\n(placeholder)\n\n## Next\n\nkeep me\n")
    out = tmp_path / "results" / "latest.json"
    base = [sys.executable, str(RUN_ALL), "--bench-dir", str(benches), "--output", str(out)]
    proc = subprocess.run(
        [*base, "--timeout", "5", "--update-readme", "--readme", str(readme)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    runs = report["benchmarks"]
    assert set(runs) == {"bench_good", "bench_bad", "bench_slow"}
    assert runs["bench_good"]["status"] == "ok"
    assert runs["bench_good"]["result"]["items_per_s"] == 12.5
    assert runs["bench_good"]["peak_rss_mb"] > 0
    assert runs["bench_bad"]["status"] == "failed"
    assert "no data here" in runs["bench_bad"]["error"]
    assert runs["bench_slow"]["status"] == "timeout"
    assert report["machine"]["cores"] >= 1 and report["machine"]["scrapy"].startswith("2.")
    table = out.with_suffix(".md").read_text()
    assert "| `bench_good` | ok |" in table and "nested.median=0.1" in table
    text = readme.read_text()
    assert "(placeholder)" not in text and "keep me" in text
    assert text.index("<!-- bench:start -->") < text.index("`bench_bad`") < text.index("## Next")
    # A second run replaces the block between the markers instead of adding one.
    subprocess.run(
        [*base, "-k", "good", "--update-readme", "--readme", str(readme)],
        cwd=PROJECT_DIR,
        capture_output=True,
        timeout=60,
        check=True,
    )
    text = readme.read_text()
    assert text.count("<!-- bench:start -->") == 1 and text.count("`bench_good`") == 1
    # ... and keeps the results of the benchmarks it did not run.
    assert json.loads(out.read_text())["benchmarks"]["bench_bad"]["status"] == "failed"


def test_table_header_says_when_rows_of_a_partial_run_were_run() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_all", RUN_ALL)
    run_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_all)
    machine = dict.fromkeys(
        ("cpu", "cores", "memory_gb", "os", "python", "scrapy", "pymongo", "scrapy_redis"), "x"
    )
    entry = {"status": "ok", "seconds": 1, "result": {"n": 1}}
    report = {
        "machine": {**machine, "load_avg_at_start": [0, 0, 0]},
        "finished_at": "2026-01-02T10:00:00+00:00",
        "benchmarks": {
            "bench_a": {**entry, "ran_at": "2026-01-01T09:00:00+00:00"},
            "bench_b": {**entry, "ran_at": "2026-01-02T10:00:00+00:00"},
        },
    }
    header = run_all.markdown(report).splitlines()[0]
    assert header.startswith("Rows run 2026-01-01T09:00:00+00:00 to 2026-01-02T10:00:00+00:00 on x")
    report["benchmarks"]["bench_a"]["ran_at"] = "2026-01-02T10:00:00+00:00"
    assert run_all.markdown(report).startswith("Run 2026-01-02T10:00:00+00:00 on x")


def test_redesign_bench_quick_mode_runs_real_crawls() -> None:
    """bench/bench_redesigns.py in quick mode, as run_all.py runs it (its own process)."""
    env = {**os.environ, "BENCH_QUICK": "1"}
    bench = PROJECT_DIR / "bench" / "bench_redesigns.py"
    proc = subprocess.run(
        [sys.executable, str(RUN_ALL), "--one", str(bench)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("@@BENCH-RESULT@@ "))
    out = json.loads(line.split(" ", 1)[1])
    assert out["status"] == "ok", out.get("traceback")
    result = out["result"]
    if "skipped" in result:
        pytest.skip(result["skipped"])
    assert result["quick"] is True
    ads, ocw = result["ads"], result["ocw"]
    # The reference crawls read every original page.
    assert ads["reference"]["exit_code"] == 0
    assert ads["reference"]["items"] == ads["pages"]["half_a"] + ads["pages"]["half_b"]
    assert ocw["reference"]["exit_code"] == 0 and ocw["reference"]["videos"] == 11
    for site in (ads, ocw):
        assert site["cases"]
        for case in site["cases"].values():
            for mode in ("cold", "warm"):
                row = case[mode]
                assert 0 <= row["agreement"] <= 1 and row["values"] > 0
                assert 0 <= row["silent_share"] <= 1
                assert row["failures"] == round(row["values"] * (1 - row["agreement"]))
    assert ads["cost"]["ratio_on_off"] > 0
    # Every target is printed with whether it is met.
    targets = result["targets"]
    assert {"ads.renamed", "ocw.moved", "silent_failures", "cost_ratio"} <= set(targets)
    assert all(isinstance(t["met"], bool) for t in targets.values())
