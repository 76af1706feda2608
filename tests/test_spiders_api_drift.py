"""JSON API replies that drifted are reported, never quietly empty items (real crawls).

The MOOC demo serves the XuetangX-like API and the Open edX blocks API as they are
and, under ``/mooc/drift/<kinds>/``, as a platform changes them (a key renamed, a
type changed, a list turned into an object): the items fed by a drifted reply are
flagged (``broken``, ``page_path``), a WARNING names the URL and field path, stats
count the field, and a crawl whose replies mostly drifted exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eduscrape.demo.server import serve

EDX_KEY = "course-v1:Demo+PHY101x+2026_T1"
EDX_BLOCK = EDX_KEY.replace("course-v1:", "block-v1:")
EDX_TITLES = [
    "Traveling Waves",
    "Standing Waves",
    "Interference and Diffraction",
    "Lenses and Mirrors",
]


@pytest.fixture
def demo() -> Iterator[str]:
    server = serve()
    yield server.base_url.rstrip("/")
    server.shutdown()
    server.server_close()


def _entities(result: Any, entity: str) -> list[dict[str, Any]]:
    return [i for i in result.items if i["entity"] == entity]


def _videos(result: Any) -> list[dict[str, Any]]:
    return sorted(_entities(result, "video"), key=lambda v: (v["course_id"], v["order"]))


def _kept(item: dict[str, Any]) -> Any:
    """The reply kept for inspection (a JSON file)."""
    path = Path(item["page_path"])
    assert path.suffix == ".json" and path.is_file()
    return json.loads(path.read_text("utf-8"))


def _crawl_xuetangx(run_spider: Any, demo: str, drift: str, tmp_path: Path) -> Any:
    root = f"{demo}/mooc/drift/{drift}" if drift else f"{demo}/mooc"
    return run_spider(
        "xuetangx",
        args={"base_url": f"{root}/xuetangx"},
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
        check=False,
    )


def test_xuetangx_intact_api_flags_only_the_malformed_subtitles(run_spider, demo, tmp_path) -> None:
    result = _crawl_xuetangx(run_spider, demo, "", tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    # 3 course list pages, 2 chapters (the removed course answers 404), 4 leaf infos,
    # 4 subtitle replies: every JSON reply read is checked.
    assert result.stat("eduscrape/pages/parsed") == 13
    # The demo's truncated subtitle reply ({"start": "0", "end": null, "text": "..."}).
    assert result.stat("eduscrape/pages/broken") == 1
    videos = _videos(result)
    flagged = [v for v in videos if v["broken"]]
    assert [v["name"] for v in flagged] == ["哈夫曼树"]
    assert flagged[0]["broken"] == {
        "start": "expected list, got str",
        "end": "null",
        "text": "expected list, got str",
    }
    assert "malformed" in flagged[0]["transcript_error"]
    assert _kept(flagged[0])["text"] == "损坏"
    assert all(not c["broken"] for c in _entities(result, "course"))
    assert result.stat("eduscrape/broken/xuetangx/start") == 1
    assert result.log.count("Broken page ") == 1


def test_xuetangx_teacher_list_became_an_object(run_spider, demo, tmp_path) -> None:
    result = _crawl_xuetangx(run_spider, demo, "teacher-object", tmp_path)
    assert result.returncode == 0, result.log[-3000:]  # 2 (+1 subtitles) of 13 replies
    courses = {c["id"]: c for c in _entities(result, "course")}
    assert len(courses) == 3
    for course in courses.values():
        # Without the check: teachers [] and nothing said.
        assert course["teachers"] == []
        ((path, why),) = course["broken"].items()
        assert path.startswith("data.product_list[") and path.endswith("].teacher")
        assert why == "expected list, got object"
        kept = _kept(course)
        index = int(path.split("[", 1)[1].split("]", 1)[0])
        assert isinstance(kept["data"]["product_list"][index]["teacher"], dict)
    assert result.stat("eduscrape/broken/xuetangx/data.product_list[].teacher") == 2
    assert result.stat("eduscrape/pages/broken") == 3
    for page in (1, 2):
        url = f"{demo}/mooc/drift/teacher-object/xuetangx/api/v1/lms/get_product_list/?page={page}"
        assert f"Broken page {url}: data.product_list[0].teacher: expected list" in result.log
    # The rest of the crawl is unaffected: the videos and their subtitles came.
    assert [v["name"] for v in _videos(result) if v["text"]] == [
        "顺序表与链表",
        "栈和队列",
        "二叉树的遍历",
    ]


def test_xuetangx_renamed_key_flags_the_course_not_an_empty_one(run_spider, demo, tmp_path) -> None:
    result = _crawl_xuetangx(run_spider, demo, "chapters-renamed", tmp_path)
    assert result.returncode == 0, result.log[-3000:]  # 2 of 5 replies
    courses = [c for c in _entities(result, "course") if not c["meta"].get("error")]
    assert len(courses) == 2 and _videos(result) == []
    for course in courses:
        assert course["broken"] == {"data.course_chapter": "missing"}
        assert "chapters" in _kept(course)["data"]
    assert result.stat("eduscrape/broken/xuetangx/data.course_chapter") == 2
    assert (result.stat("eduscrape/pages/broken"), result.stat("eduscrape/pages/parsed")) == (2, 5)
    assert "data.course_chapter: missing" in result.log


def test_xuetangx_renamed_media_key_flags_the_videos(run_spider, demo, tmp_path) -> None:
    result = _crawl_xuetangx(run_spider, demo, "ccid-renamed", tmp_path)
    assert result.returncode == 0, result.log[-3000:]  # 4 of 9 replies
    videos = _videos(result)
    assert len(videos) == 4
    for video in videos:
        assert video["broken"] == {"data.content_info.media.ccid": "missing"}
        assert video["text"] == [] and "no ccid" in video["transcript_error"]
        assert "cc_id" in _kept(video)["data"]["content_info"]["media"]
    assert result.stat("eduscrape/broken/xuetangx/data.content_info.media.ccid") == 4
    assert (result.stat("eduscrape/pages/broken"), result.stat("eduscrape/pages/parsed")) == (4, 9)


def test_xuetangx_mostly_drifted_crawl_exits_1(run_spider, demo, tmp_path) -> None:
    result = _crawl_xuetangx(run_spider, demo, "teacher-object,leaf-type", tmp_path)
    assert result.returncode == 1
    # Lists 2 of 3 (the last page is empty), chapters 1 of 2 (the other course has no
    # leaves): leaf types became names, so no video is read, and the course says why.
    assert (result.stat("eduscrape/pages/broken"), result.stat("eduscrape/pages/parsed")) == (3, 5)
    kind = "data.course_chapter[].section_leaf_list[].leaf_list[].leaf_type"
    assert result.stat(f"eduscrape/broken/xuetangx/{kind}") == 1
    assert _videos(result) == []
    (course,) = [c for c in _entities(result, "course") if len(c["broken"]) > 1]
    leaf_types = {p: why for p, why in course["broken"].items() if p.endswith(".leaf_type")}
    assert len(leaf_types) == 5 and set(leaf_types.values()) == {"expected int, got str"}
    assert "data.course_chapter[0].section_leaf_list[0].leaf_list[0].leaf_type" in leaf_types
    assert "3 of 5 pages broken" in result.log.strip().splitlines()[-1]


def _crawl_openedx(run_spider: Any, demo: str, drift: str, tmp_path: Path) -> Any:
    root = f"{demo}/mooc/drift/{drift}" if drift else f"{demo}/mooc"
    return run_spider(
        "openedx",
        args={"start_url": f"{root}/edx/courses/{EDX_KEY}/about", "blocks_api": "true"},
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
        check=False,
    )


def test_openedx_blocks_api(run_spider, demo, tmp_path) -> None:
    result = _crawl_openedx(run_spider, demo, "", tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    videos = _videos(result)
    # The course order is the blocks' children order (the map itself is reversed).
    assert [v["name"] for v in videos] == EDX_TITLES
    assert videos[0]["start"][0] == 2.0 and videos[0]["sources"][-1].startswith(
        "https://www.youtube.com/watch?v="
    )
    assert "HTTP 404" in videos[3]["transcript_error"]
    assert all(not v["broken"] for v in videos)
    # The blocks reply and the 3 transcripts (edX JSON) that came.
    assert (result.stat("eduscrape/pages/broken"), result.stat("eduscrape/pages/parsed")) == (0, 4)
    assert result.stat("mooc/subtitles/parsed") == 3


def test_openedx_blocks_map_became_a_list(run_spider, demo, tmp_path) -> None:
    result = _crawl_openedx(run_spider, demo, "blocks-list", tmp_path)
    assert result.returncode == 1  # the one reply read drifted
    (course,) = _entities(result, "course")
    assert course["broken"] == {"blocks": "expected object, got list"}
    assert course["video_order"] == [] and _videos(result) == []
    assert isinstance(_kept(course)["blocks"], list)
    assert result.stat("eduscrape/broken/openedx/blocks") == 1
    assert "blocks: expected object, got list" in result.log
    assert "1 of 1 pages broken" in result.log.strip().splitlines()[-1]


def test_openedx_transcripts_map_became_a_list(run_spider, demo, tmp_path) -> None:
    result = _crawl_openedx(run_spider, demo, "transcripts-list", tmp_path)
    assert result.returncode == 1
    videos = _videos(result)
    assert [v["name"] for v in videos] == EDX_TITLES
    for video in videos:
        ((path, why),) = video["broken"].items()
        assert path.startswith(f"blocks[{EDX_BLOCK}+type@video+block@")
        assert path.endswith("].student_view_data.transcripts")
        assert why == "expected object, got list"
        assert video["text"] == [] and video["page_path"]
    (course,) = _entities(result, "course")
    assert len(course["broken"]) == 4
    assert result.stat("eduscrape/broken/openedx/blocks[].student_view_data.transcripts") == 1
