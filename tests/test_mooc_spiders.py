"""MOOC spiders end to end: real HTTP servers, real crawls, real MongoDB."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from _support import PROJECT_DIR, crawl_env, scrapy_command, shared_data

from eduscrape.demo.ocw_course import mirror_site, redesign_copy, write_ocw_course
from eduscrape.demo.redesign import visible_text
from eduscrape.demo.server import serve
from eduscrape.mooc.concepts import CourseContext, extract_concepts


@pytest.fixture
def mooc_demo() -> Iterator[str]:
    """A private demo web (fresh rate-limit state): base URL without trailing slash."""
    server = serve()
    yield server.base_url.rstrip("/")
    server.shutdown()
    server.server_close()


def _by_entity(items: list[dict]) -> Counter:
    return Counter(i["entity"] if i["entity"] != "relation" else i["type"] for i in items)


def _videos(items: list[dict]) -> list[dict]:
    return sorted((i for i in items if i["entity"] == "video"), key=lambda v: v["order"])


def _course(items: list[dict]) -> dict:
    return [i for i in items if i["entity"] == "course"][-1]


def _entity_key(item: dict) -> tuple:
    """Item type and natural key (eduscrape.items: relations on type/head/tail, else id)."""
    if item["entity"] == "relation":
        return ("relation", item["type"], item["head"], item["tail"])
    return (item["entity"], item["id"])


def test_ocw_spider_on_the_ocw_course(serve_folder, run_spider, mongo_uri) -> None:
    root = shared_data("mooc", "dev", "ocw", "21g-107-chinese-i-streamlined-fall-2014")
    expected = json.loads((root / "expected.json").read_text())
    base = serve_folder(root / "site")
    result = run_spider("ocw", args={"start_url": f"{base}/index.html"})
    videos = _videos(result.items)
    assert [v["id"] for v in videos] == [f"V_{v['youtube_id']}" for v in expected["videos"]]
    assert [v["name"] for v in videos] == [v["title"] for v in expected["videos"]]
    for got, want in zip(videos, expected["videos"], strict=True):
        assert len(got["text"]) == want["n_cues"], want["slug"]
        assert len(" ".join(got["text"])) == want["transcript_chars"]
        assert round(got["start"][-1] * 1000) == want["last_start_ms"]
        assert got["section"] == want["section_path"]
        assert 1 <= len(got["concepts"]) <= 10
        assert all(isinstance(x, float) for x in got["start"])
    assert sum(len(v["text"]) for v in videos) == 569
    course = _course(result.items)
    assert course["id"] == "C_ocw+21G.107+Fall_2014"
    assert course["name"] == expected["course"]["title"]
    assert course["teachers"] == expected["course"]["instructors"]
    assert course["about"] == expected["course"]["description"]
    assert course["video_order"] == [v["id"] for v in videos]
    assert course["concepts"] and course["field"] == "Language"
    counts = _by_entity(result.items)
    assert counts["course-video"] == 11 and counts["teacher-course"] == 1
    assert counts["school-course"] == 1 and counts["school-teacher"] == 1
    assert counts["video-concept"] == sum(len(v["concepts"]) for v in videos)
    assert result.stat("mooc/subtitles/cues") == 569
    # Parsed through the page models, nothing broken.
    assert all(not i.get("broken") for i in result.items if i["entity"] in ("course", "video"))
    assert (
        result.stat("eduscrape/pages/parsed") == 13 and result.stat("eduscrape/pages/broken") == 0
    )
    # Stored: one collection per entity plus relations.
    from pymongo import MongoClient

    client: MongoClient = MongoClient(mongo_uri)
    db = client[result.extra["database"]]
    assert db.mooc_video.count_documents({}) == 11
    assert db.mooc_relation.count_documents({"type": "course-video"}) == 11
    client.close()


def test_ocw_demo_bad_input_and_export(mooc_demo, run_spider, mongo_uri, tmp_path: Path) -> None:
    result = run_spider("ocw", args={"start_url": f"{mooc_demo}/mooc/ocw/8-01-physics/"})
    videos = _videos(result.items)
    assert [v["order"] for v in videos] == [1, 2, 3, 4, 5, 6]
    assert [bool(v["text"]) for v in videos] == [True, True, True, True, False, False]
    assert "malformed" in videos[4]["transcript_error"]
    assert videos[5]["transcript_error"] == "no transcript"
    assert videos[0]["transcript_url"].endswith(".srt")
    assert videos[2]["transcript_url"].endswith(".vtt")  # the only caption file there
    assert videos[3]["transcript_url"].endswith("/lecture-4-momentum/")  # inline only
    assert result.stat("mooc/subtitles/malformed") == 1
    course = _course(result.items)
    assert course["teachers"] == ["Ada Whitfield", "Tomás Rivera"]  # salutations removed
    assert course["broken"] == {} and all(v["broken"] == {} for v in videos)
    assert result.stat("wrapper/pages") == 8 and result.stat("wrapper/repaired") == 0
    assert "instantaneous velocity" in videos[0]["concepts"][:3]
    assert "normal force" in videos[1]["concepts"][:3]
    out = tmp_path / "mooccube"
    proc = scrapy_command(
        "mooccube-export",
        str(out),
        env=crawl_env(mongo_uri, MONGO_DATABASE=result.extra["database"]),
    )
    assert proc.returncode == 0, proc.stderr
    lines = (out / "relations" / "course-video.json").read_text().splitlines()
    assert [line.split("\t") for line in lines] == [[course["id"], v["id"]] for v in videos]
    exported = [json.loads(x) for x in (out / "entities" / "video.json").read_text().splitlines()]
    assert [v["id"] for v in exported] == [v["id"] for v in videos]
    assert exported[0]["text"] == videos[0]["text"]
    concepts = [json.loads(x) for x in (out / "entities" / "concept.json").read_text().splitlines()]
    assert all(c["id"].startswith("K_") and c["id"].endswith("_Physics") for c in concepts)
    vc = (out / "relations" / "video-concept.json").read_text().splitlines()
    assert len(vc) == sum(len(v["concepts"]) for v in videos)
    assert (out / "entities" / "teacher.json").read_text().count("\n") == 2


def test_openedx_demo(mooc_demo, run_spider) -> None:
    key = "course-v1:Demo+PHY101x+2026_T1"
    result = run_spider("openedx", args={"start_url": f"{mooc_demo}/mooc/edx/courses/{key}/about"})
    videos = _videos(result.items)
    assert [v["name"] for v in videos] == [
        "Traveling Waves",
        "Standing Waves",
        "Interference and Diffraction",
        "Lenses and Mirrors",
    ]
    assert videos[0]["start"][0] == 2.0  # edX milliseconds -> seconds
    assert "HTTP 404" in videos[3]["transcript_error"]
    course = _course(result.items)
    assert course["id"] == f"C_{key}" and course["school"] == "DemoX University"
    assert course["teachers"] == ["Grace Okafor", "Lin Wei"]
    assert result.stat("mooc/subtitles/fetch_failed") == 1


def _check_xuetangx(result) -> None:
    videos = _videos(result.items)
    assert [v["name"] for v in videos] == ["顺序表与链表", "栈和队列", "二叉树的遍历", "哈夫曼树"]
    assert videos[1]["text"], "the rate-limited leaf was retried after Retry-After"
    assert "malformed" in videos[3]["transcript_error"]
    assert "链表" in videos[0]["concepts"][:3] and "二叉树" in videos[2]["concepts"][:3]
    courses = {i["id"]: i for i in result.items if i["entity"] == "course"}
    assert len(courses) == 3  # one with videos, one empty, one removed (404)
    assert courses["C_DemoGONE0000001+1003"]["meta"]["error"] == "chapters: HTTP 404"
    teachers = {i["id"]: i for i in result.items if i["entity"] == "teacher"}
    assert teachers["T_邓老师"]["about"] == "教授"
    assert result.stat("mooc/courses/empty") == 2
    assert result.stat("mooc/xuetangx/http_404") == 1


def test_xuetangx_api_with_rate_limit(mooc_demo, run_spider) -> None:
    result = run_spider(
        "xuetangx",
        args={"base_url": f"{mooc_demo}/mooc/xuetangx"},
        settings={"XUETANGX_COOKIE": "sessionid=secret-value; csrftoken=tok123"},
    )
    _check_xuetangx(result)
    assert result.stat("retry_after/retried") == 1
    assert result.stat("retry_after/waited_s") == 1.0
    assert "secret-value" not in result.log


def test_xuetangx_catalogue_through_chromium(mooc_demo, run_spider) -> None:
    chromium = os.environ.get("EDUSCRAPE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"{chromium} is missing: `make test` installs it (apt-get install chromium)")
    result = run_spider(
        "xuetangx",
        args={
            "base_url": f"{mooc_demo}/mooc/xuetangx",
            "catalogue_url": f"{mooc_demo}/mooc/xuetangx/catalogue",
        },
    )
    assert result.stat("mooc/xuetangx/catalogue_cards") == 3  # only in the rendered DOM
    assert result.stat("playwright/browser_count") == 1
    _check_xuetangx(result)


def test_ocw_export_matches_the_mooccube_sample(
    serve_folder, run_spider, mongo_uri, tmp_path: Path
) -> None:
    """The crawl + export of 21G.107 has MOOCCube's layout, fields and ids, as the sample."""
    root = shared_data("mooc", "dev", "ocw", "21g-107-chinese-i-streamlined-fall-2014")
    sample = shared_data("mooc", "dev", "mooccube-sample")
    base = serve_folder(root / "site")
    result = run_spider("ocw", args={"start_url": f"{base}/index.html"})
    out = tmp_path / "mooccube"
    proc = scrapy_command(
        "mooccube-export",
        str(out),
        env=crawl_env(mongo_uri, MONGO_DATABASE=result.extra["database"]),
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("course-video", "teacher-course", "school-course", "school-teacher"):
        assert (out / "relations" / f"{name}.json").read_text() == (
            sample / "relations" / f"{name}.json"
        ).read_text(), name
    for entity in ("course", "video", "concept", "teacher", "school"):
        ours = [
            json.loads(x) for x in (out / "entities" / f"{entity}.json").read_text().splitlines()
        ]
        theirs = [
            json.loads(x) for x in (sample / "entities" / f"{entity}.json").read_text().splitlines()
        ]
        assert set(ours[0]) == set(theirs[0]), entity
    ours = [json.loads(x) for x in (out / "entities" / "video.json").read_text().splitlines()]
    theirs = [json.loads(x) for x in (sample / "entities" / "video.json").read_text().splitlines()]
    assert [v["id"] for v in ours] == [v["id"] for v in theirs]
    for mine, ref in zip(ours, theirs, strict=True):
        assert mine["name"] == ref["name"] and mine["text"] == ref["text"]
        assert mine["start"] == ref["start"] and mine["end"] == ref["end"]
        assert mine["duration"] == ref["duration"]
    course = json.loads((out / "entities" / "course.json").read_text())
    ref = json.loads((sample / "entities" / "course.json").read_text())
    for key in ("id", "name", "about", "video_order", "video_name", "chapter"):
        assert course[key] == ref[key], key


@pytest.mark.parametrize(
    ("spider", "args"),
    [
        ("ocw", {"start_url": "{demo}/mooc/ocw/8-01-physics/"}),
        ("openedx", {"start_url": "{demo}/mooc/edx/courses/course-v1:Demo+PHY101x+2026_T1/about"}),
        ("xuetangx", {"base_url": "{demo}/mooc/xuetangx"}),
    ],
)
def test_mooc_feed_holds_each_entity_once(mooc_demo, run_spider, spider, args) -> None:
    result = run_spider(spider, args={k: v.format(demo=mooc_demo) for k, v in args.items()})
    counts = Counter(_entity_key(i) for i in result.items)
    assert counts and {k: n for k, n in counts.items() if n > 1} == {}
    # The course went out once, after its videos, with the concepts aggregated from them.
    videos = {v["id"]: v for v in _videos(result.items)}
    course = max(
        (i for i in result.items if i["entity"] == "course"), key=lambda c: len(c["video_order"])
    )
    assert set(course["video_order"]) == set(videos)
    assert course["concepts"]
    course_concepts = [
        i["tail"]
        for i in result.items
        if i.get("type") == "course-concept" and i["head"] == course["id"]
    ]
    assert len(course_concepts) == len(course["concepts"])
    concepts = {i["id"] for i in result.items if i["entity"] == "concept"}
    relations = [i for i in result.items if i["entity"] == "relation"]
    assert {r["tail"] for r in relations if r["type"].endswith("-concept")} <= concepts
    assert result.stat("mooc/courses/unfinished") == 0
    # Every video with subtitles carries its concepts, ranked with its course as context.
    with_text = [v for v in videos.values() if v["text"]]
    assert with_text and all(v["concepts"] for v in with_text)
    assert result.stat("mooc/concepts/context/course") == len(with_text)


def _authored_course(path: Path, videos: int) -> tuple[str, list[tuple[str, list]]]:
    """The first *videos* lectures of an authored course (tests/fixtures/courses/*.txt)."""
    title, sections, count = "", [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, _, text = line.partition(": ")
        if kind == "# course":
            title = text
        elif kind == "## section":
            sections.append((text, []))
        elif kind == "### video":
            count += 1
            if count > videos:
                break
            sections[-1][1].append((text, []))
        elif line.strip() and count:
            sections[-1][1][-1][1].extend(re.split(r"(?<=[.?!])\s+", line.strip()))
    return title, [(name, lectures) for name, lectures in sections if lectures]


def test_ocw_concepts_use_the_course_as_context(serve_folder, run_spider, tmp_path: Path) -> None:
    """A course of four lectures: its vocabulary ranks in a video's top 10 with the course."""
    title, sections = _authored_course(PROJECT_DIR / "tests/fixtures/courses/mechanics.txt", 4)
    ids = write_ocw_course(tmp_path / "site", title, sections)
    result = run_spider("ocw", args={"start_url": f"{serve_folder(tmp_path / 'site')}/index.html"})
    counts = Counter(_entity_key(i) for i in result.items)
    assert {k: n for k, n in counts.items() if n > 1} == {}  # each entity once
    videos = _videos(result.items)
    assert [v["id"] for v in videos] == ids and all(v["concepts"] for v in videos)
    assert all(c in " ".join(v["text"]) for v in videos for c in v["concepts"])  # verbatim
    # The pipeline ranks as CourseContext does with the course's titles and transcripts.
    titles = [title, *(name for name, _ in sections), *(v["name"] for v in videos)]
    context = CourseContext.build([v["text"] for v in videos], titles=titles)
    for video in videos:
        assert video["concepts"] == [
            c.name for c in extract_concepts(video["text"], course=context)
        ]
    # "Motion in One Dimension" is kinematics (the section's name), said in passing:
    # a course term with the context, not in the top 10 of its subtitles alone.
    motion = videos[1]
    assert "kinematics" in motion["concepts"]
    assert "kinematics" not in [c.name for c in extract_concepts(motion["text"])]
    assert result.stat("mooc/concepts/context/course") == 4


def test_openedx_missing_course_is_recorded(mooc_demo, run_spider) -> None:
    result = run_spider(
        "openedx",
        args={"start_url": f"{mooc_demo}/mooc/edx/courses/course-v1:No+Such+Run/about"},
        check=False,
    )
    # Recorded, and the crawl that got nothing but a failure exits 1 (honest exits).
    assert result.returncode == 1 and result.items == []
    assert result.stat("mooc/openedx/about_failed") == 1


def test_xuetangx_rate_limit_exhausted_is_recorded(mooc_demo, run_spider) -> None:
    result = run_spider(
        "xuetangx",
        args={"base_url": f"{mooc_demo}/mooc/xuetangx"},
        settings={"RETRY_AFTER_TIMES": 0},
    )
    videos = _videos(result.items)
    assert videos[1]["text"] == [] and "HTTP 429" in videos[1]["transcript_error"]
    assert result.stat("retry_after/gave_up") == 1
    assert videos[0]["text"] and videos[2]["text"]  # the other videos are unaffected


# -- redesigned OCW sites: the page models repair, or say what broke -----------------

OCW_DEMO = "/mooc/ocw/8-01-physics/"


@pytest.fixture
def ocw_demo_copy(mooc_demo, tmp_path: Path) -> Path:
    """The demo OCW course as a static site (pages and caption files)."""
    mirror_site(mooc_demo, tmp_path / "ocw", OCW_DEMO)
    return tmp_path / "ocw"


def _demo_lectures() -> list[dict]:
    from eduscrape.demo.sites.mooc.app import CONTENT

    return [v for s in CONTENT["ocw"]["sections"] for v in s["videos"]]


@pytest.mark.parametrize("seed", [1, 3])  # CSS-module hashes, other words
def test_ocw_redesigned_course_is_repaired_cold(
    ocw_demo_copy, serve_folder, run_spider, tmp_path: Path, seed: int
) -> None:
    """Classes renamed, an extra wrapper, blocks moved, the video data-* attributes gone
    (embed and thumbnail URLs instead): a first crawl with an empty MongoDB (bundled
    tree-grams only) gets the same videos, in order, with the same transcripts."""
    redesign_copy(ocw_demo_copy, tmp_path / "v2", "moved", seed)
    page = (tmp_path / "v2" / OCW_DEMO.strip("/") / "index.html").read_text()
    assert "course-title" not in page and "course-number" not in page  # really redesigned
    base = serve_folder(tmp_path / "v2")
    result = run_spider(
        "ocw",
        args={"start_url": f"{base}{OCW_DEMO}"},
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
    )
    lectures = _demo_lectures()
    videos = _videos(result.items)
    assert [v["id"] for v in videos] == [f"V_{v['yt']}" for v in lectures]
    assert [v["name"] for v in videos] == [v["title"] for v in lectures]
    from eduscrape.demo.sites.mooc.app import CONTENT

    sections = CONTENT["ocw"]["sections"]
    assert [(v["chapter"], v["section"]) for v in videos] == [
        (f"{i}.{j}", [s["name"]])
        for i, s in enumerate(sections, 1)
        for j in range(1, 1 + len(s["videos"]))
    ]
    for got, want in zip(videos, lectures, strict=True):
        ok = want["transcript"] not in ("none", "srt-malformed")
        assert got["text"] == (want["text"] if ok else []), want["slug"]
        assert got["sources"][0] == f"https://www.youtube.com/watch?v={want['yt']}"
    assert videos[3]["transcript_url"].endswith("/lecture-4-momentum/")  # inline only
    assert videos[0]["start"][0] == 2.0 and videos[0]["end"][-1] > videos[0]["start"][-1]
    course = _course(result.items)
    assert course["id"] == "C_ocw+8.01D+Fall_2025"
    assert course["name"] == "Classical Mechanics (Demo)"
    assert course["teachers"] == ["Ada Whitfield", "Tomás Rivera"]
    assert course["video_order"] == [v["id"] for v in videos]
    assert course["broken"] == {}
    # The moved breadcrumb (after the transcript) is not repaired at these schemes: where
    # the page still shows the old crumbs' texts it is reported (never silent); chapter
    # and section come from the gallery and are right either way (asserted above).
    assert all(set(v["broken"]) <= {"crumb"} for v in videos)
    for v in videos:
        if v["broken"]:
            assert "holds its records' values" in v["broken"]["crumb"]
    assert result.stat("wrapper/bundled_treegrams") > 0
    # Repaired from the bundled tree-grams (course facts), the rest by fallbacks.
    assert result.stat("wrapper/repaired") >= 1
    assert result.stat("eduscrape/pages/broken") == sum(1 for v in videos if v["broken"])


def _text_only(folder: Path) -> None:
    """An unrepairable redesign: every page's text in plain paragraphs, no markup left."""
    for path in folder.rglob("*.html"):
        html = path.read_text("utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        path.write_text(
            f"<html><head><title>{title[1] if title else ''}</title></head>"
            f"<body><p>{visible_text(html)}</p></body></html>",
            encoding="utf-8",
        )


def test_ocw_unrepairable_redesign_is_flagged(
    ocw_demo_copy, serve_folder, run_spider, tmp_path: Path
) -> None:
    _text_only(ocw_demo_copy)
    base = serve_folder(ocw_demo_copy)
    result = run_spider(
        "ocw",
        args={"start_url": f"{base}{OCW_DEMO}"},
        settings={"WRAPPER_BROKEN_DIR": str(tmp_path / "broken")},
        check=False,
    )
    assert result.returncode == 1, result.log[-2000:]
    course = _course(result.items)
    assert {"course.number", "course.term"} <= set(course["broken"])
    assert course["name"] == "Classical Mechanics (Demo)"  # the <title> fallback
    assert course["page_path"] and Path(course["page_path"]).is_file()
    assert f"Broken page {base}{OCW_DEMO}: " in result.log
    assert result.stat("eduscrape/broken/ocw/number") == 1
    assert result.stat("eduscrape/pages/broken") == result.stat("eduscrape/pages/parsed") == 1
    assert _videos(result.items) == [] and result.stat("mooc/courses/empty") == 1
