"""Deployment end to end: scrapyd with authentication, scrapyd-deploy from scrapy.cfg.

scrapyd runs on a free loopback port with its own config file in a temp dir; the
project is deployed with ``scrapyd-deploy local`` (the ``[deploy:local]`` target
of scrapy.cfg, credentials from the environment) from a copy of the project, so
the build files it writes do not land in the work tree. The ``site`` spider is
then scheduled against the demo web and its items are looked up in MongoDB.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from _support import PROJECT_DIR, crawl_env, free_port, wait_for_port

USER, PASSWORD = "deployer", f"pw-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def scrapyd(tmp_path: Path, mongo_uri: str) -> Iterator[str]:
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"username = {USER}\n"
        f"password = {PASSWORD}\n"
        "poll_interval = 0.5\n"
        "max_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
    )
    log = (home / "scrapyd.out").open("w")
    # The jobs scrapyd starts inherit this environment: no MONGO_*/REDIS_URL from outside.
    env = {k: v for k, v in crawl_env(None).items() if k != "REDIS_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port, 30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


def project_copy(dest: Path, scrapyd_url: str) -> Path:
    dest.mkdir()
    for name in ("eduscrape", "pyproject.toml", "requirements.txt", "README.md", "scrapy.cfg"):
        src = PROJECT_DIR / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    cfg = dest / "scrapy.cfg"
    text = cfg.read_text()
    assert "url = http://127.0.0.1:6800/" in text and "${SCRAPYD_PASSWORD}" in text
    cfg.write_text(text.replace("http://127.0.0.1:6800/", scrapyd_url + "/"))
    return dest


def test_scrapyd_deploy_schedule_and_store(
    tmp_path: Path, scrapyd: str, demo_url: str, mongo_uri: str, mongo_db: Any
) -> None:
    auth = (USER, PASSWORD)
    # Authentication is enforced.
    assert requests.get(f"{scrapyd}/daemonstatus.json", timeout=10).status_code == 401
    assert requests.get(f"{scrapyd}/daemonstatus.json", auth=auth, timeout=10).ok

    project = project_copy(tmp_path / "project", scrapyd)
    env = crawl_env(None, SCRAPYD_USERNAME=USER, SCRAPYD_PASSWORD=PASSWORD)
    deploy = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", "r1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    assert PASSWORD not in deploy.stdout + deploy.stderr
    # Wrong credentials are refused by scrapyd-deploy too.
    bad = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", "r2"],
        cwd=project,
        env={**env, "SCRAPYD_PASSWORD": "wrong"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 or '"status": "ok"' not in bad.stdout

    spiders = requests.get(
        f"{scrapyd}/listspiders.json", params={"project": "eduscrape"}, auth=auth, timeout=30
    ).json()
    assert "site" in spiders.get("spiders", []), spiders

    scheduled = requests.post(
        f"{scrapyd}/schedule.json",
        auth=auth,
        timeout=30,
        data=[
            ("project", "eduscrape"),
            ("spider", "site"),
            ("start_url", f"{demo_url}/campus/"),
            ("setting", f"MONGO_URI={mongo_uri}"),
            ("setting", f"MONGO_DATABASE={mongo_db.name}"),
            ("setting", "TELNETCONSOLE_ENABLED=False"),
        ],
    ).json()
    assert scheduled.get("status") == "ok", scheduled
    job = scheduled["jobid"]

    deadline = time.monotonic() + 90
    while True:
        jobs = requests.get(
            f"{scrapyd}/listjobs.json", params={"project": "eduscrape"}, auth=auth, timeout=30
        ).json()
        if any(j["id"] == job for j in jobs.get("finished", [])):
            break
        assert time.monotonic() < deadline, json.dumps(jobs)
        time.sleep(0.5)

    pages = list(mongo_db["pages"].find({}, {"url": 1, "status": 1}))
    urls = {p["url"] for p in pages}
    assert f"{demo_url}/campus/" in urls
    assert f"{demo_url}/campus/library.html" in urls
    assert len(pages) >= 10, urls
