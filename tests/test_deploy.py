"""Deployment end to end: scrapyd with authentication, scrapyd-deploy from scrapy.cfg.

scrapyd runs on a free loopback port with its own config file in a temp dir; the
project is deployed with ``scrapyd-deploy local`` (the ``[deploy:local]`` target
of scrapy.cfg, credentials from the environment) from a copy of the project, so
the build files it writes do not land in the work tree. The ``site`` spider is
then scheduled against the demo web and its items are looked up in MongoDB.
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def _run_scrapyd(home: Path, **extra_env: str) -> Iterator[str]:
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
    env.update(extra_env)
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


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    with _run_scrapyd(tmp_path / "scrapyd") as url:
        yield url


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


def test_scrapyd_job_with_a_connection_profile_leaks_no_secret(
    tmp_path: Path, demo_url: str, mongo_uri: str, mongo_db: Any
) -> None:
    """The job names a profile; the URI with its secret lives only in scrapyd's environment.

    nx-27017 has no authentication, so the secret is a URI option that is one
    (``authMechanismProperties``, an AWS session token; unused without an auth mechanism): the URI is used, and
    its secret appears in neither scrapyd's log (which lists each job's arguments,
    i.e. its command line), nor the job's log, nor any job process's command line.
    """
    secret = f"s3cret-{uuid.uuid4().hex}"
    profile = f"{mongo_uri.rstrip('/')}/?authMechanismProperties=AWS_SESSION_TOKEN:{secret}"
    auth = (USER, PASSWORD)
    with _run_scrapyd(tmp_path / "scrapyd", EDUSCRAPE_MONGO_URI_TESTDB=profile) as url:
        project = project_copy(tmp_path / "project", url)
        env = crawl_env(None, SCRAPYD_USERNAME=USER, SCRAPYD_PASSWORD=PASSWORD)
        deploy = subprocess.run(
            [sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", "r1"],
            cwd=project, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
        scheduled = requests.post(
            f"{url}/schedule.json",
            auth=auth,
            timeout=30,
            data=[
                ("project", "eduscrape"),
                ("spider", "site"),
                ("start_url", f"{demo_url}/campus/"),
                ("setting", "MONGO_PROFILE=testdb"),
                ("setting", f"MONGO_DATABASE={mongo_db.name}"),
                ("setting", "TELNETCONSOLE_ENABLED=False"),
            ],
        ).json()
        assert scheduled.get("status") == "ok", scheduled
        job = scheduled["jobid"]
        command_lines: list[str] = []
        deadline = time.monotonic() + 120
        while True:
            command_lines += _job_command_lines(job)
            jobs = requests.get(
                f"{url}/listjobs.json", params={"project": "eduscrape"}, auth=auth, timeout=30
            ).json()
            if any(j["id"] == job for j in jobs.get("finished", [])):
                break
            assert time.monotonic() < deadline, json.dumps(jobs)
            time.sleep(0.2)
    scrapyd_log = (tmp_path / "scrapyd" / "scrapyd.out").read_text()
    job_log = next((tmp_path / "scrapyd" / "logs").rglob(f"{job}.log")).read_text()
    assert "MONGO_PROFILE=testdb" in scrapyd_log  # scrapyd logs the job's arguments...
    assert secret not in scrapyd_log  # ...which no longer hold the secret
    assert secret not in job_log
    assert "authMechanismProperties=***" in job_log  # the profile's URI was used
    assert command_lines and not any(secret in c for c in command_lines)
    assert mongo_db["pages"].count_documents({}) >= 10


def _job_command_lines(job: str) -> list[str]:
    """Command lines of running processes of scrapyd job *job* (what `ps` shows)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if job in text:
            found.append(text)
    return found
