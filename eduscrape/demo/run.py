"""``make demo``: serve the demo web, run every demo-enabled spider, print a summary.

    python -m eduscrape.demo.run [--output output] [--only SPIDER ...]

1. MongoDB: ``MONGO_URI`` when set, else the embedded nx-27017 server (started
   here, stopped at the end; ``scrapy mongo start`` reopens the data later).
2. The demo web on a free loopback port.
3. For every run of :data:`eduscrape.demo.runs.DEMO_RUNS`: ``scrapy crawl`` in a
   subprocess, items to MongoDB and ``output/<run>.jsonl`` / ``.csv``, log in
   ``output/logs/``; then its commands (reports, exports).
4. A summary table: spider, items, errors, time, where the data is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from scrapy.utils.project import get_project_settings

from eduscrape.demo.runs import DemoRun, demo_runs
from eduscrape.demo.server import spawn as spawn_demo_web
from eduscrape.storage import redact_uri
from eduscrape.storage.connect import configured_uri, ensure_uri

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class RunResult:
    run: DemoRun
    returncode: int
    seconds: float
    stats: dict[str, Any]
    outputs: list[str]
    command_failures: list[str] = field(default_factory=list)


def _crawl(run: DemoRun, output: Path, env: dict[str, str]) -> RunResult:
    stats_file = output / ".stats" / f"{run.name}.json"
    log_file = output / "logs" / f"{run.name}.log"
    stats_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    feeds = [output / f"{run.name}.jsonl", output / f"{run.name}.csv"]
    cmd = [sys.executable, "-m", "scrapy", "crawl", run.spider]
    for feed in feeds:
        cmd += ["-O", str(feed)]
    for key, value in run.args.items():
        cmd += ["-a", f"{key}={value}"]
    settings = {"EDUSCRAPE_STATS_FILE": str(stats_file), "LOG_FILE": str(log_file), **run.settings}
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, (dict, list)) else value}"]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        log_file.write_text(
            log_file.read_text() + proc.stderr if log_file.exists() else proc.stderr
        )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    written = [feeds[0]]
    # A spider yielding several item types writes one CSV per type (eduscrape.feeds).
    csvs = [feeds[1]] if feeds[1].exists() else sorted(output.glob(f"{run.name}-*.csv"))
    shown = [_shown(f) for f in written]
    if len(csvs) > 1:
        shown.append(f"{_shown(output)}/{run.name}-<type>.csv ({len(csvs)} files)")
    else:
        shown += [_shown(f) for f in csvs]
    result = RunResult(run, proc.returncode, seconds, stats, shown)
    for command in run.commands:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", *command],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            result.command_failures.append(
                f"scrapy {' '.join(command)}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
            )
        elif done.stdout.strip():
            line = done.stdout.strip().splitlines()[-1]
            if command[0] == "mooccube-export":
                line = _cumulative_export(line, stats)
            result.outputs.append(line)
    return result


def _cumulative_export(line: str, stats: dict[str, Any]) -> str:
    """The export's summary *line*, marked cumulative, with what this crawl stored.

    The export reads the whole database, so it counts every MOOC crawl so far; the
    crawl's own share comes from its ``mongo/collection/mooc_*`` stats.
    """
    stored = {
        k.split("/", 2)[2]: int(v)
        for k, v in stats.items()
        if k.startswith("mongo/collection/mooc_")
    }
    relations = stored.pop("mooc_relation", 0)
    entities = sum(stored.values())
    return (
        f"{line} (cumulative: every MOOC crawl in the database); "
        f"this crawl stored {entities} entities, {relations} relations"
    )


def _shown(path: Path) -> str:
    """*path* relative to the project when inside it (shorter in tables and commands)."""
    return str(path.relative_to(PROJECT_DIR)) if path.is_relative_to(PROJECT_DIR) else str(path)


def _errors(stats: dict[str, Any]) -> int:
    return int(stats.get("log_count/ERROR", 0)) + int(stats.get("spider_exceptions/count", 0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run every demo spider against the bundled demo web"
    )
    parser.add_argument("--output", default="output", help="folder for feeds, logs and reports")
    parser.add_argument("--only", nargs="*", default=None, help="run only these spiders")
    opts = parser.parse_args(argv)
    os.chdir(PROJECT_DIR)
    console = Console()
    console.width = max(console.width, 120)  # the table's last column holds paths
    output = (PROJECT_DIR / opts.output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    settings = get_project_settings()

    # Started here -> stopped at the end; a `scrapy mongo start` daemon is left running.
    uri, embedded = ensure_uri(settings)
    if configured_uri(settings) is None:
        data = settings.get("EDUSCRAPE_MONGO_DATA_DIR")
        console.print(f"[bold]MongoDB[/]: embedded nx-27017 at {uri} (data in {data})")
    else:
        console.print(f"[bold]MongoDB[/]: {redact_uri(uri)}")
    database = settings.get("MONGO_DATABASE")
    # A fixed port keeps URLs (the natural keys) stable, so a second `make demo` updates
    # the same documents instead of adding copies under another port.
    web, base = spawn_demo_web(PROJECT_DIR, port=int(os.environ.get("EDUSCRAPE_DEMO_PORT", "8765")))
    console.print(f"[bold]Demo web[/]: {base}/")
    env = {
        **os.environ,
        "MONGO_URI": uri,
        # The demo web is ours, on loopback: no politeness delays (eduscrape/demo/settings.py).
        "SCRAPY_SETTINGS_MODULE": "eduscrape.demo.settings",
        "PYTHONPATH": str(PROJECT_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    results: list[RunResult] = []
    try:
        runs = [
            r
            for r in demo_runs(
                {"demo": base, "demo_host": base.split("://", 1)[1], "output": _shown(output)}
            )
            if not opts.only or r.spider in opts.only
        ]
        for run in runs:
            console.print(
                f"crawling [cyan]{run.name}[/] {' '.join(f'{k}={v}' for k, v in run.args.items())}"
            )
            results.append(_crawl(run, output, env))
    finally:
        web.terminate()
        web.wait(10)
        if embedded is not None:
            embedded.stop()

    table = Table(title=f"eduscrape demo — MongoDB database {database!r}")
    numbers = ("items", "errors", "repaired", "broken", "time (s)", "stored")
    for column in ("spider", *numbers, "where the data is"):
        table.add_column(column, justify="right" if column in numbers else "left")
    failed = 0
    for r in results:
        ok = r.returncode == 0 and r.stats and not r.command_failures
        failed += not ok
        collections = sorted(
            {k.split("/", 2)[2] for k in r.stats if k.startswith("mongo/collection/")}
        )
        stored_in = (
            f"mongo {database}: {', '.join(collections)}" if collections else f"mongo {database}"
        )
        where = "\n".join([*r.outputs, stored_in])
        table.add_row(
            r.run.name if ok else f"[red]{r.run.name} (failed)[/]",
            str(r.stats.get("item_scraped_count", 0)),
            str(_errors(r.stats)),
            # Selectors the self-healing page models repaired, and pages left broken.
            str(r.stats.get("wrapper/repaired", 0)),
            str(r.stats.get("eduscrape/pages/broken", 0) or r.stats.get("wrapper/broken_pages", 0)),
            f"{r.seconds:.1f}",
            str(r.stats.get("mongo/written", 0)),
            where,
        )
    console.print(table)
    for r in results:
        for failure in r.command_failures:
            console.print(f"[red]{failure}[/]")
        if r.returncode != 0:
            console.print(
                f"[red]{r.run.name} exited with {r.returncode}; see {output}/logs/{r.run.name}.log[/]"
            )
    console.print(
        f"Logs in {output}/logs/. Inspect MongoDB with `scrapy mongo start` then mongosh or pymongo."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
