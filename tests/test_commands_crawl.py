"""Honest exits: a crawl or command that failed exits non-zero with one clear line.

Every test runs the real ``scrapy`` command in a subprocess.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from _support import crawl_env, scrapy_command

NO_TRACEBACK = ("Traceback", "Task exception was never retrieved")


def _last_line(log: str) -> str:
    return [line for line in log.splitlines() if line.strip()][-1]


def _assert_clean(log: str) -> None:
    for text in NO_TRACEBACK:
        assert text not in log, log[-3000:]


@pytest.mark.parametrize(
    ("start_url", "message"),
    [
        ("javascript:alert(1)", "Missing scheme in request url: javascript:alert(1)"),
        ("www.example.edu/", "Missing scheme in request url: www.example.edu/"),
    ],
)
def test_bad_start_url_fails_with_one_line(run_spider, start_url: str, message: str) -> None:
    result = run_spider("ads", args={"start_url": start_url}, check=False)
    assert result.returncode == 1
    assert result.stat("finish_reason") == "start_error"
    _assert_clean(result.log)
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert errors == [errors[0]] and message in errors[0]
    assert _last_line(result.log) == f"crawl ads failed (start_error): start error: {message}"


@pytest.mark.parametrize("start_url", ["javascript:alert(1)", "www.example.edu/"])
def test_spider_skipping_every_start_url_fails(run_spider, start_url: str) -> None:
    # The site spider drops unusable start URLs itself: a start() yielding nothing fails.
    result = run_spider("site", args={"start_url": start_url}, check=False)
    assert result.returncode == 1
    assert result.stat("finish_reason") == "start_error"
    _assert_clean(result.log)
    assert _last_line(result.log).startswith(
        "crawl site failed (start_error): start error: the site spider's start() produced no"
    )


def test_missing_url_file_fails(run_spider, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = run_spider("ads", args={"url_file": str(missing)}, check=False)
    assert result.returncode == 1
    _assert_clean(result.log)
    assert _last_line(result.log).endswith(f"start error: url_file not found: {missing}")


def test_missing_argument_is_one_line_not_a_traceback(run_spider) -> None:
    result = run_spider("site", check=False)
    assert result.returncode == 2
    _assert_clean(result.log)
    assert _last_line(result.log) == (
        "crawl site: cannot start the spider: the site spider needs -a start_url=...; "
        "the site spider takes: start_url, scope, max_pages, proxy"
    )


def test_bad_mongo_uri_exits_non_zero(run_spider, demo_url: str) -> None:
    result = run_spider(
        "site",
        args={"start_url": f"{demo_url}/campus/"},
        mongo="mongodb://bob:hunter2@db.example:notaport/",
        check=False,
    )
    assert result.returncode == 1
    _assert_clean(result.log)
    assert _last_line(result.log).startswith("crawl site failed (bad_mongo_uri): ")
    assert "hunter2" not in result.log


def test_crawl_with_only_errors_exits_non_zero(run_spider) -> None:
    # An API that refuses every connection: no item, only failures.
    result = run_spider(
        "xuetangx",
        args={"base_url": "http://127.0.0.1:9"},
        settings={"RETRY_ENABLED": False, "ROBOTSTXT_OBEY": False},
        check=False,
    )
    assert result.returncode == 1
    assert result.stat("item_scraped_count") == 0
    assert _last_line(result.log).startswith("crawl xuetangx failed (no item; ")


def test_successful_crawl_still_exits_zero(run_spider, demo_url: str) -> None:
    result = run_spider("site", args={"start_url": f"{demo_url}/bench/n10/p/0.html"})
    assert result.returncode == 0 and result.stat("item_scraped_count") == 10


def test_mooccube_export_from_an_empty_database_keeps_the_old_export(
    mongo_uri: str, tmp_path: Path
) -> None:
    out = tmp_path / "mooccube"
    (out / "entities").mkdir(parents=True)
    good = out / "entities" / "course.json"
    good.write_text('{"id": "C_x"}\n')
    database = f"empty_{uuid.uuid4().hex[:8]}"
    proc = scrapy_command(
        "mooccube-export", str(out), env=crawl_env(mongo_uri, MONGO_DATABASE=database)
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"mooccube-export: database {database!r} at {mongo_uri} holds no MOOC data "
        f"(the mooc_* collections are empty); nothing written to {out}"
    ]
    assert good.read_text() == '{"id": "C_x"}\n'


def test_runspider_exits_honestly_too(tmp_path: Path) -> None:
    spider = tmp_path / "bad.py"
    spider.write_text(
        "import scrapy\n"
        "class Bad(scrapy.Spider):\n"
        "    name = 'bad'\n"
        "    start_urls = ['javascript:alert(1)']\n"
    )
    done = scrapy_command(
        "runspider", str(spider),
        "-s", f"MONGO_SPOOL_PATH={tmp_path / 'spool.jsonl'}",
        "-s", f"EDUSCRAPE_MONGO_DATA_DIR={tmp_path / 'mongo'}",
        "-s", "TELNETCONSOLE_ENABLED=False",
    )  # fmt: skip
    assert done.returncode == 1
    _assert_clean(done.stderr)
    assert _last_line(done.stderr) == (
        "crawl bad failed (start_error): start error: "
        "Missing scheme in request url: javascript:alert(1)"
    )
