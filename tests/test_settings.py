"""Project settings: polite defaults, and eduscrape's files at the project root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _support import PROJECT_DIR, crawl_env


def _project_env() -> dict[str, str]:
    """The environment of a user's shell: settings from scrapy.cfg, no loopback profile."""
    env = crawl_env(None)
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


def _get(name: str, cwd: Path = PROJECT_DIR, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "settings", "--get", name],
        cwd=cwd,
        env=env or _project_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_polite_defaults_for_other_peoples_sites() -> None:
    assert _get("ROBOTSTXT_OBEY") == "True"
    assert _get("AUTOTHROTTLE_ENABLED") == "True"
    assert float(_get("DOWNLOAD_DELAY")) >= 1.0
    assert int(_get("CONCURRENT_REQUESTS_PER_DOMAIN")) <= 2


def test_loopback_profile_lifts_politeness_explicitly() -> None:
    env = {**_project_env(), "SCRAPY_SETTINGS_MODULE": "eduscrape.demo.settings"}
    assert _get("AUTOTHROTTLE_ENABLED", env=env) == "False"
    assert float(_get("DOWNLOAD_DELAY", env=env)) == 0
    # ...and keeps every eduscrape setting.
    assert _get("MONGO_BATCH_SIZE", env=env) == _get("MONGO_BATCH_SIZE")


def test_files_go_to_the_project_root_from_any_subfolder() -> None:
    for cwd in (PROJECT_DIR, PROJECT_DIR / "tests", PROJECT_DIR / "eduscrape" / "demo"):
        assert _get("EDUSCRAPE_MONGO_DATA_DIR", cwd) == str(PROJECT_DIR / ".eduscrape" / "mongo")
        assert _get("MONGO_SPOOL_PATH", cwd) == str(
            PROJECT_DIR / ".eduscrape" / "spool" / "mongo.jsonl"
        )


def test_a_crawl_from_a_subfolder_stores_at_the_project_root(tmp_path: Path, serve_folder) -> None:
    # A project of its own (scrapy.cfg naming eduscrape's settings), so the embedded
    # MongoDB this crawl starts lives in a temporary folder.
    project = tmp_path / "project"
    sub = project / "notes" / "deeper"
    sub.mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = eduscrape.settings\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    base = serve_folder(site)
    stats = tmp_path / "stats.json"
    env = {**_project_env(), "EDUSCRAPE_STATS_FILE": str(stats)}
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"start_url={base}/"],
        cwd=sub,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(stats.read_text())["mongo/written"] == 1
    assert (project / ".eduscrape" / "mongo").is_dir()
    assert not (sub / ".eduscrape").exists()
    assert not (project / "notes" / ".eduscrape").exists()
    assert os.listdir(project / ".eduscrape" / "mongo")
