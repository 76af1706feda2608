"""A redesigned XuetangX catalogue, rendered in real Chromium: read alike, or flagged.

The demo's catalogue builds its course cards in JavaScript; a loopback proxy changes
that script as a redesign would (every class renamed to CSS-in-JS hashes, cards
wrapped in another element), or beyond repair (cards without links). The ``xuetangx``
spider reads the rendered page through its ``xuetangx-catalogue`` page model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _proxy import transforming_proxy

from eduscrape.demo.server import serve

HASHES = {
    "course-card": "css-1x9k2a",
    "course-name": "css-q83jd1",
    "course-org": "css-7hd02k",
    "course-teacher": "css-0pl2mz",
    "course-intro": "css-m3n4b5",
}


@pytest.fixture
def demo() -> Iterator[str]:
    chromium = os.environ.get("EDUSCRAPE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"{chromium} is missing: `make test` installs it (apt-get install chromium)")
    server = serve()
    yield server.base_url.rstrip("/")
    server.shutdown()
    server.server_close()


def _renamed(path: str, page: str) -> str:
    if not path.startswith("/mooc/xuetangx/catalogue"):
        return page
    for old, new in HASHES.items():
        page = page.replace(f'"{old}"', f'"{new}"')
    # Each card inside a tile of its own.
    return page.replace(
        "cards.push(a);",
        'const tile = document.createElement("div"); tile.className = "css-t1le";'
        " tile.append(a); cards.push(tile);",
    )


def _linkless(path: str, page: str) -> str:
    # Cards open their course from a click handler: no link left to read a course from.
    page = _renamed(path, page)
    return page.replace("a.href = ", "a.dataset.course = ")


def _crawl(run_spider: Any, base: str, tmp_path: Path) -> Any:
    return run_spider(
        "xuetangx",
        args={
            "base_url": f"{base}/mooc/xuetangx",
            "catalogue_url": f"{base}/mooc/xuetangx/catalogue",
        },
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
        check=False,
    )


def _courses(result: Any) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in result.items if i["entity"] == "course"}


def test_catalogue_with_renamed_classes_gives_the_same_courses(
    run_spider: Any, demo: str, tmp_path: Path
) -> None:
    intact = _crawl(run_spider, demo, tmp_path)
    with transforming_proxy(demo, _renamed) as base:
        result = _crawl(run_spider, base, tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("mooc/xuetangx/catalogue_cards") == 3
    keys = ("name", "school", "teachers", "about")  # (url: on the proxy's host)
    want = {k: {f: c[f] for f in keys} for k, c in _courses(intact).items()}
    got = {k: {f: c[f] for f in keys} for k, c in _courses(result).items()}
    assert got == want and len(got) == 3
    assert got["C_DemoTHU08091000+1001"]["teachers"] == ["邓老师", "王老师"]
    teachers = {i["id"]: i["about"] for i in result.items if i["entity"] == "teacher"}
    assert teachers["T_邓老师"] == "教授"  # the card's tooltip (job title)
    assert all(not c["broken"] for c in _courses(result).values())
    # Only the demo's truncated subtitle reply is broken, as on the intact catalogue.
    assert result.stat("eduscrape/pages/broken") == intact.stat("eduscrape/pages/broken") == 1
    assert result.stat("wrapper/fallback/xuetangx-catalogue/card/name") == 1


def test_catalogue_without_card_links_is_flagged(
    run_spider: Any, demo: str, tmp_path: Path
) -> None:
    with transforming_proxy(demo, _linkless) as base:
        result = _crawl(run_spider, base, tmp_path)
    assert result.returncode == 1
    assert result.stat("eduscrape/pages/parsed") == result.stat("eduscrape/pages/broken") == 1
    # The cards may be found again (joint repair of the record pattern), never their links.
    assert result.stat("eduscrape/broken/xuetangx/card.link") == 1
    warning = next(line for line in result.log.splitlines() if "Broken page" in line)
    assert "/mooc/xuetangx/catalogue" in warning and "card.link: matches nothing" in warning
    assert not [i for i in result.items if i["entity"] == "course"]  # none invented
    kept = list((tmp_path / "broken" / "xuetangx").iterdir())
    assert len(kept) == 1 and "css-q83jd1" in kept[0].read_text()  # the rendered page
