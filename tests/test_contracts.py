"""``scrapy check`` runs the spiders' contracts, ``scrapy parse`` works with each spider
(real processes against the demo web on loopback)."""

from __future__ import annotations

import re

from _support import crawl_env, scrapy_command

# Checks, not crawls: no crawl report in the project's output/reports/.
_NO_REPORT = ("-s", "EDUSCRAPE_REPORT=False")

_OPENEDX = "/mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about"


def _env(demo_url: str | None) -> dict[str, str]:
    extra = {"MONGO_ENABLED": "False"}
    if demo_url:
        extra["EDUSCRAPE_DEMO_URL"] = demo_url
    return crawl_env(None, **extra)


def test_scrapy_check_runs_every_contract(demo_url: str) -> None:
    done = scrapy_command("check", *_NO_REPORT, env=_env(demo_url), timeout=180)
    out = done.stdout + done.stderr
    ran = re.search(r"Ran (\d+) contracts", out)
    assert done.returncode == 0, out[-3000:]
    assert ran and int(ran[1]) >= 40, out[-3000:]
    assert re.search(r"^OK$", out, re.M), out[-3000:]


def test_scrapy_check_without_demo_url_fails_clearly() -> None:
    done = scrapy_command("check", "ads", *_NO_REPORT, env=_env(None), timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "EDUSCRAPE_DEMO_URL is not set" in out


def test_a_broken_page_fails_its_contract(demo_url: str) -> None:
    # The ads listing contract wants requests: a page without postings must fail it.
    done = scrapy_command("check", "ads", *_NO_REPORT, env=_env(demo_url + "/nowhere"), timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "FAILED" in out


def _parse(demo_url: str, spider: str, url: str, *extra: str) -> str:
    done = scrapy_command(
        "parse",
        f"--spider={spider}",
        "--nolog",
        *_NO_REPORT,
        *extra,
        url,
        env=_env(None),
        timeout=120,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


def test_scrapy_parse_site(demo_url: str) -> None:
    out = _parse(demo_url, "site", f"{demo_url}/university/en/index.html", "--depth", "2")
    assert "'title': 'Welcome - Riverbend University'" in out
    # The page's host is the site: its links are followed, the external one is not.
    assert f"'url': '{demo_url}/university/en/about.html'" in out
    assert "'url': 'https://www.example.org" not in out


def test_scrapy_parse_ads(demo_url: str) -> None:
    posting = f"{demo_url}/classifieds/apa/d/greenfield-apartment-1/7600000001.html"
    out = _parse(demo_url, "ads", posting)
    assert "'post_id': '7600000001'" in out
    listing = _parse(demo_url, "ads", f"{demo_url}/classifieds/search/apa/")
    assert "7600000001.html>" in listing  # the posting requests


def test_scrapy_parse_ocw_follows_to_the_videos(demo_url: str) -> None:
    out = _parse(demo_url, "ocw", f"{demo_url}/mooc/ocw/8-01-physics/", "--depth", "3")
    assert "'entity': 'course'" in out
    assert "'entity': 'video'" in out


def test_scrapy_parse_openedx(demo_url: str) -> None:
    out = _parse(demo_url, "openedx", demo_url + _OPENEDX, "--depth", "4")
    assert "'entity': 'course'" in out
    assert "'entity': 'video'" in out


def test_scrapy_parse_wrapper_and_variants(demo_url: str, tmp_path) -> None:
    out = _parse(
        demo_url,
        "wrapper",
        f"{demo_url}/news/v1/",
        *("-a", "wrapper=news-demo", "--depth", "2"),
        *("-s", f"WRAPPER_BROKEN_DIR={tmp_path}"),  # the demo's broken page is kept there
    )
    assert "'pattern': 'article'" in out
    left, right = f"{demo_url}/university/en/index.html", f"{demo_url}/university/es/index.html"
    out = _parse(demo_url, "variants", left, "-a", f"left={left}", "-a", f"right={right}")
    assert "'inconsistent'" in out or "'type1'" in out
