"""eduscrape.mooc: subtitle parsers, ids, concepts, Open edX parsing, export."""

from __future__ import annotations

import json

import pytest
from _support import shared_data

from eduscrape.items import MoocCourseItem, MoocRelationItem, MoocVideoItem
from eduscrape.middlewares.retry_after import retry_delay
from eduscrape.mooc.concepts import (
    course_concepts,
    detect_language,
    extract_concepts,
    normalize_text,
    prerequisite_candidates,
)
from eduscrape.mooc.export import export_mooccube
from eduscrape.mooc.ids import concept_id, course_id, ocw_course_key, split_concept_id, video_id
from eduscrape.mooc.openedx import course_key_from_url, parse_courseware
from eduscrape.mooc.records import course_records
from eduscrape.mooc.subtitles import (
    SubtitleError,
    parse_edx_json,
    parse_srt,
    parse_subtitles,
    parse_timed_html,
    parse_vtt,
    parse_xuetangx,
)

SRT = """1
00:00:05,290 --> 00:00:06,730
MIN-MIN LIANG: My name
is Min-Min Liang.

2
00:00:06,730 --> 00:00:12,190
I'm from Taiwan.

garbage block without timing

3
01:02:03,400 --> 01:02:05,000
<i>Last</i> cue &amp; done
"""


def test_srt_cues_times_and_skips() -> None:
    subs = parse_srt(SRT.encode("utf-8-sig"))
    assert subs.text == [
        "MIN-MIN LIANG: My name is Min-Min Liang.",
        "I'm from Taiwan.",
        "Last cue & done",
    ]
    assert subs.start == [5.29, 6.73, 3723.4]
    assert subs.end[-1] == 3725.0
    assert subs.skipped == 1


def test_vtt_without_hours_with_ids_and_settings() -> None:
    vtt = "WEBVTT\n\nNOTE made by hand\n\ncue-1\n00:05.290 --> 00:06.730 align:start\nHello\nworld\n\n00:07.000 --> 00:08.000\n\n"
    subs = parse_vtt(vtt)
    assert subs.text == ["Hello world"]
    assert subs.start == [5.29] and subs.end == [6.73]
    assert subs.skipped == 1  # the empty cue
    with pytest.raises(SubtitleError):
        parse_vtt("00:01.000 --> 00:02.000\nno header")


def test_timed_html_spans() -> None:
    page = "<p><span m='5290'>First cue</span> <span m=\"7000\">second &amp; last</span></p>"
    subs = parse_timed_html(page)
    assert subs.text == ["First cue", "second & last"]
    assert subs.start == [5.29, 7.0]
    assert subs.end[0] == 7.0
    assert subs.end[1] == 8.5  # last cue: 70 ms per char, at least 1.5 s


def test_edx_and_xuetangx_json() -> None:
    edx = parse_edx_json('{"start": [18104, 20569], "end": [20428, 24721], "text": ["a", "b"]}')
    assert edx.start == [18.104, 20.569] and edx.end == [20.428, 24.721]
    assert len(parse_edx_json("{}")) == 0
    assert parse_edx_json('{"start": [1], "end": [2], "text": [""]}').skipped == 1
    xt = parse_xuetangx({"data": {"start": [0, 2.5], "end": [2.5, 4], "text": ["你好", "世界"]}})
    assert xt.start == [0.0, 2.5] and xt.text == ["你好", "世界"]
    with pytest.raises(SubtitleError):
        parse_xuetangx('{"start": "0", "end": null, "text": "x"}')
    with pytest.raises(SubtitleError):
        parse_edx_json("not json")


def test_sniffing() -> None:
    assert parse_subtitles("WEBVTT\n\n00:01.000 --> 00:02.000\nhi").text == ["hi"]
    assert parse_subtitles('{"start": [1000], "end": [2000], "text": ["ms"]}').start == [1.0]
    assert parse_subtitles('{"start": [1.5], "end": [2.0], "text": ["s"]}').start == [1.5]
    assert parse_subtitles("<span m='1000'>x</span>").start == [1.0]
    with pytest.raises(SubtitleError):
        parse_subtitles("just some text")


def test_ocw_caption_files_match_expected() -> None:
    root = shared_data("mooc", "dev", "ocw", "21g-107-chinese-i-streamlined-fall-2014")
    expected = json.loads((root / "expected.json").read_text())
    total = 0
    for video in expected["videos"]:
        folder = root / "site" / "resources" / video["slug"]
        srt = parse_srt((folder / f"{video['youtube_id']}.srt").read_bytes())
        vtt = parse_vtt((folder / f"{video['youtube_id']}.vtt").read_text())
        inline = parse_subtitles((folder / "index.html").read_text())
        for subs in (srt, vtt, inline):
            assert len(subs) == video["n_cues"], video["slug"]
            assert len(subs.joined) == video["transcript_chars"]
            assert round(subs.start[0] * 1000) == video["first_start_ms"]
            assert round(subs.start[-1] * 1000) == video["last_start_ms"]
        total += len(srt)
    assert total == 569
    big = parse_srt(
        shared_data("mooc", "dev", "ocw", "captions_example", "captions_example.srt").read_text()
    )
    assert len(big) == 1178 and big.skipped == 0


def test_ids_match_mooccube_sample() -> None:
    assert course_id(ocw_course_key("21G.107", "Fall 2014")) == "C_ocw+21G.107+Fall_2014"
    assert course_id("course-v1:BNU+CSL21148501+2018_T2") == "C_course-v1:BNU+CSL21148501+2018_T2"
    assert video_id("M_gQolc3clM") == "V_M_gQolc3clM"
    assert concept_id("heritage learners", "Language") == "K_heritage learners_Language"
    assert split_concept_id("K_数学_微积分") == ("数学", "微积分")
    with pytest.raises(ValueError):
        video_id("  ")


def test_course_records_relations() -> None:
    course = MoocCourseItem(
        id="C_x", name="X", teachers=["Min-Min Liang"], school="MIT", video_order=["V_1", "V_2"]
    )
    items = list(course_records(course, school_key="MIT"))
    rel = [(i.type, i.head, i.tail, i.order) for i in items if isinstance(i, MoocRelationItem)]
    assert ("teacher-course", "T_Min-Min Liang", "C_x", None) in rel
    assert ("school-course", "S_MIT", "C_x", None) in rel
    assert ("school-teacher", "S_MIT", "T_Min-Min Liang", None) in rel
    assert [r for r in rel if r[0] == "course-video"] == [
        ("course-video", "C_x", "V_1", 1),
        ("course-video", "C_x", "V_2", 2),
    ]
    assert {getattr(i, "entity", None) for i in items} == {
        "course",
        "teacher",
        "school",
        "relation",
    }


LECTURE = [
    "Okay so today we talk about prime numbers.",
    "A prime number has exactly two divisors. Okay so, prime equals two here.",
    "The sieve of Eratosthenes finds every prime number below a bound.",
    "Um, you know, the sieve crosses out multiples. Prime equals five, right?",
    "The fundamental theorem of arithmetic says every integer has a prime factorization.",
    "Prime factorization is unique. So the prime factorization of twelve is two two three.",
    "Okay so we use the sieve of Eratosthenes again for prime numbers below one hundred.",
]


def test_english_concepts_are_terms_not_fillers() -> None:
    names = [c.name for c in extract_concepts(LECTURE)]
    assert len(names) <= 10
    assert "prime factorization" in names[:3]
    assert any("prime number" in n for n in names[:3])
    for filler in ("okay so", "prime equals", "okay", "you know", "right"):
        assert filler not in [n.lower() for n in names]
    assert all(c.score > 0 for c in extract_concepts(LECTURE))
    assert extract_concepts([]) == [] and extract_concepts(["um okay so"]) == []


def test_modifiers_start_terms_but_are_not_concepts() -> None:
    lecture = [
        "Simple harmonic motion is the motion of a mass on a spring.",
        "Newton's second law gives simple harmonic motion again.",
        "The boiling point of water. The boiling point rises with pressure.",
        "Newton's second law, okay? The normal force and the second law.",
        "In simple harmonic motion the period is independent of the amplitude.",
    ]
    names = [c.name for c in extract_concepts(lecture)]
    assert names[0] == "simple harmonic motion"
    assert "second law" in names and "boiling point" in names
    for alone in ("simple", "second", "normal", "point", "harmonic motion"):
        assert alone not in names  # modifiers/generic nouns alone; a folded sub-phrase


def test_chinese_concepts_and_normalization() -> None:
    text = [
        "今天我们讲二叉树。二叉树的每个结点最多有两个子树。",
        "二叉树的遍历有先序遍历、中序遍历和后序遍历。",
        "然后呢，我们用队列实现层次遍历，就是一层一层地访问结点。",
    ]
    assert detect_language(" ".join(text)) == "zh"
    names = [c.name for c in extract_concepts(text)]
    assert names[0] == "二叉树"
    assert "然后" not in names and "我们" not in names
    # Kangxi radicals pasted before their character (PDF extraction) are dropped.
    assert normalize_text("学⽣生发明") == "学生发明"


def test_course_concepts_and_prerequisites() -> None:
    agg = course_concepts([["vectors", "forces"], ["Forces", "torque"], ["force", "energy"]])
    assert agg[0].name.lower() == "forces"  # case and plural merged, in 3 videos
    videos = [
        ("vectors add head to tail; vectors have components", ["vectors"]),
        ("a force is one of the vectors; force components", ["force"]),
        ("torque is a force times a lever arm; torque uses vectors", ["torque"]),
    ]
    pairs = prerequisite_candidates(videos, threshold=0.5)
    assert ("vectors", "torque", 1.0) in pairs
    assert all(a != "torque" for a, _, _ in pairs)  # taught last: prerequisite of nothing


def test_openedx_courseware_pages() -> None:
    html_dir = shared_data("mooc", "dev", "edx", "html")
    blocks = parse_courseware((html_dir / "multiple_units_youtube_link.html").read_text())
    assert len(blocks) == 6
    first = blocks[0]
    assert first.title == "Video: Welcome to Week 1!"
    assert first.youtube_ids == ["rjOpZ3i6pRo"]
    assert first.sources[0].endswith(".mp4")
    url = first.transcript_url("https://courses.edx.org/x")
    assert url and url.endswith("/handler/transcript/translation/en")
    old = parse_courseware((html_dir / "old_single_unit_multiple_subs.html").read_text())
    assert len(old) == 1 and set(old[0].transcript_languages) == {"zh", "en"}
    # Truncated markup: still found by the attribute fallback.
    assert (
        len(parse_courseware((html_dir / "multiple_units_no_youtube_ids.html").read_text())) == 11
    )
    assert parse_courseware((html_dir / "empty_sections.html").read_text()) == []
    assert course_key_from_url("/courses/course-v1:MITx+24.118x+2T2015/courseware/") == (
        "course-v1:MITx+24.118x+2T2015"
    )


def test_openedx_own_fixture() -> None:
    meta = json.dumps(
        {
            "streams": "1.00:abcdEFGH123",
            "sources": ["https://v.example/a.mp4"],
            "transcriptLanguages": {"en": "English"},
            "transcriptTranslationUrl": "/courses/X/xblock/b@1/handler/transcript/translation/__lang__",
        }
    ).replace('"', "&#34;")
    page = f"<div data-usage-id='b@1'><h2>Intro</h2><div class='video' data-metadata='{meta}'></div></div>"
    (block,) = parse_courseware(page)
    assert block.key == "1" and block.title == "Intro"
    assert (
        block.transcript_url("http://h/")
        == "http://h/courses/X/xblock/b@1/handler/transcript/translation/en"
    )


def test_retry_delay() -> None:
    assert retry_delay("2", 0, 0.5, 60) == 2.0
    assert retry_delay(None, 2, 0.5, 60) == 2.0  # backoff 0.5 * 2**2
    assert retry_delay("3600", 0, 0.5, 10) == 10  # capped
    assert retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 0, 0.5, 60) == 0.0  # in the past


def test_export_layout(mongo_db, tmp_path) -> None:
    from itemadapter import ItemAdapter

    video = MoocVideoItem(
        id="V_2", name="b", course_id="C_x", order=2, start=[0.0], end=[1.0], text=["t"]
    )
    first = MoocVideoItem(id="V_1", name="a", course_id="C_x", order=1)
    mongo_db.mooc_video.insert_many([ItemAdapter(video).asdict(), ItemAdapter(first).asdict()])
    mongo_db.mooc_course.insert_one(
        ItemAdapter(MoocCourseItem(id="C_x", name="X", video_order=["V_1", "V_2"])).asdict()
    )
    mongo_db.mooc_relation.insert_many(
        [
            ItemAdapter(MoocRelationItem("course-video", "C_x", "V_2", order=2)).asdict(),
            ItemAdapter(MoocRelationItem("course-video", "C_x", "V_1", order=1)).asdict(),
            ItemAdapter(MoocRelationItem("video-concept", "V_1", "K_b_F", score=1.0)).asdict(),
            ItemAdapter(MoocRelationItem("video-concept", "V_1", "K_a_F", score=3.0)).asdict(),
        ]
    )
    out = tmp_path / "export"
    counts = export_mooccube(mongo_db, out)
    assert counts["entities/video.json"] == 2
    videos = [json.loads(line) for line in (out / "entities/video.json").read_text().splitlines()]
    assert [v["id"] for v in videos] == ["V_1", "V_2"]
    assert set(videos[1]) == {"id", "name", "duration", "start", "end", "text"}
    assert (out / "relations/course-video.json").read_text() == "C_x\tV_1\nC_x\tV_2\n"
    assert (out / "relations/video-concept.json").read_text() == "V_1\tK_a_F\nV_1\tK_b_F\n"
    assert (out / "entities/concept.json").read_text() == ""


def test_participles_start_terms() -> None:
    names = [
        c.name
        for c in extract_concepts(
            [
                "Standing waves form when two identical waves travel in opposite directions.",
                "The standing wave has nodes. A traveling wave carries energy.",
                "A traveling wave on a string. The standing waves are going to ring.",
                "Language teaching is hard. Good language teaching takes time.",
            ]
        )
    ]
    assert {"standing waves", "traveling wave", "language teaching"} <= set(names)
    assert not {"standing", "traveling", "going"} & set(names)


def test_every_mooc_item_has_entity_and_one_csv_layout() -> None:
    from dataclasses import fields

    from eduscrape.items import MOOC_CSV_FIELDS, MOOC_ITEM_TYPES

    for cls in MOOC_ITEM_TYPES:
        names = {f.name for f in fields(cls)}
        assert "entity" in names, cls
        assert cls.csv_fields == MOOC_CSV_FIELDS  # one column order for every entity
        assert set(cls.csv_fields) & names >= {"entity"}
    assert {"type", "head", "tail", "id", "concepts"} <= set(MOOC_CSV_FIELDS)
