"""Redesigned Open edX courseware, real crawls: values reproduced, or flagged (never silent).

The MOOC demo's Open edX course is served through a loopback proxy that redesigns its
courseware and sequence pages on the fly (:mod:`eduscrape.demo.redesign`: classes and
ids renamed, an extra wrapper, units rendered in place); the ``openedx`` spider reads
them through its page model with an empty MongoDB (bundled tree-grams only). A redesign
that renames the players' data attributes cannot be followed: its pages are flagged,
named in a WARNING, kept, and the crawl exits 1.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _proxy import transforming_proxy
from _support import PROJECT_DIR

from eduscrape.demo.redesign import redesign_openedx_page
from eduscrape.demo.server import serve

KEY = "course-v1:Demo+PHY101x+2026_T1"
YOUTUBE = [
    v["yt"]
    for s in json.loads((PROJECT_DIR / "eduscrape/demo/sites/mooc/content.json").read_text())[
        "edx"
    ]["sequences"]
    for v in s["videos"]
]
TITLES = ["Traveling Waves", "Standing Waves", "Interference and Diffraction", "Lenses and Mirrors"]


@pytest.fixture
def demo() -> Iterator[str]:
    server = serve()
    yield server.base_url.rstrip("/")
    server.shutdown()
    server.server_close()


def _redesign(level: str, seed: int, rename_player: bool = False) -> Any:
    def transform(path: str, page: str) -> str:
        if "/courseware/" not in path:
            return page
        page = redesign_openedx_page(page, level, seed)
        # Unrepairable: the players' settings under another attribute name.
        return page.replace("data-metadata=", "data-player-config=") if rename_player else page

    return transform


def _crawl(run_spider: Any, base: str, tmp_path: Path) -> Any:
    return run_spider(
        "openedx",
        args={"start_url": f"{base}/mooc/edx/courses/{KEY}/about"},
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
        check=False,
    )


def _videos(result: Any) -> list[dict[str, Any]]:
    return sorted((i for i in result.items if i["entity"] == "video"), key=lambda v: v["order"])


def _course(result: Any) -> dict[str, Any]:
    return next(i for i in result.items if i["entity"] == "course")


@pytest.mark.parametrize(("level", "seed"), [("renamed", 1), ("moved", 3)])
def test_redesigned_courseware_gives_the_same_videos(
    run_spider: Any, demo: str, tmp_path: Path, level: str, seed: int
) -> None:
    path = f"/mooc/edx/courses/{KEY}/courseware/"
    with transforming_proxy(demo, _redesign(level, seed)) as base:
        sequence = urllib.request.urlopen(f"{base}{path}week1/waves/").read().decode()
        assert sequence != urllib.request.urlopen(f"{demo}{path}week1/waves/").read().decode()
        if level == "moved":  # units rendered in place, their classes renamed (opaque hashes)
            assert "xblock-student_view-video" not in sequence and "seq_contents" not in sequence
        result = _crawl(run_spider, base, tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    videos = _videos(result)
    assert [v["name"] for v in videos] == TITLES
    assert [v["id"] for v in videos] == [f"V_a1b2c3d4e5f6000{n}" for n in range(1, 5)]
    assert videos[0]["sources"] == [
        "https://video.example.org/a1b2c3d4e5f60001.mp4",
        f"https://www.youtube.com/watch?v={YOUTUBE[0]}",
    ]
    assert videos[0]["start"][0] == 2.0 and videos[0]["text"]  # transcripts fetched
    assert "HTTP 404" in videos[3]["transcript_error"]  # the demo's missing transcript
    assert all(not v["broken"] for v in videos) and not _course(result)["broken"]
    assert result.stat("eduscrape/pages/broken") == 0
    assert result.stat("wrapper/pages") == 3  # courseware + 2 sequences, each checked
    assert result.stat("wrapper/bundled_treegrams") == 3


def test_unrepairable_courseware_redesign_is_flagged_and_fails_the_crawl(
    run_spider: Any, demo: str, tmp_path: Path
) -> None:
    with transforming_proxy(demo, _redesign("moved", 0, rename_player=True)) as base:
        result = _crawl(run_spider, base, tmp_path)
    assert result.returncode == 1  # 2 of the 3 courseware pages read are broken
    assert result.stat("eduscrape/pages/parsed") == 3
    assert result.stat("eduscrape/pages/broken") == 2
    assert result.stat("eduscrape/broken/openedx/video") == 2
    course = _course(result)
    assert course["broken"] == {"video": "2 video block(s) without player data"}
    kept = Path(course["page_path"]).read_text()  # the last broken page, for inspection
    assert "data-player-config" in kept and "data-metadata" not in kept
    assert _videos(result) == []  # nothing invented
    warnings = [line for line in result.log.splitlines() if "Broken page" in line]
    assert len(warnings) == 2 and all("/courseware/week" in w and "video:" in w for w in warnings)
