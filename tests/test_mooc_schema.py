"""Declared JSON reply shapes: every drift is named by its field path."""

from __future__ import annotations

from eduscrape.mooc.schema import (
    EDX_BLOCKS,
    XUETANGX_CHAPTERS,
    XUETANGX_LEAF_INFO,
    XUETANGX_PRODUCT_LIST,
    XUETANGX_SUBTITLES,
    Either,
    ListOf,
    MapOf,
    Problem,
    as_broken,
    check,
    obj,
    opt,
    req,
    within,
)


def _product(**changes: object) -> dict:
    product = {
        "classroom_id": 1001,
        "sign": "THU0001",
        "name": "数据结构",
        "org": {"name": "清华大学"},
        "teacher": [{"name": "邓老师", "job_title": "教授"}],
        "short_intro": "线性表、树、图",
    }
    product.update(changes)
    return {k: v for k, v in product.items() if v is not ...}


def _list(*products: dict) -> dict:
    return {"success": True, "data": {"count": len(products), "product_list": list(products)}}


def test_intact_replies_have_no_problems() -> None:
    assert check(XUETANGX_PRODUCT_LIST, _list(_product(), _product(org="清华大学"))) == []
    chapters = {
        "data": {
            "course_chapter": [
                {
                    "name": "第一章",
                    "section_leaf_list": [
                        {"name": "1.1", "leaf_list": [{"id": 11, "name": "a", "leaf_type": 0}]},
                        {"id": 12, "name": "a bare leaf in the chapter", "leaf_type": 0},
                    ],
                }
            ]
        }
    }
    assert check(XUETANGX_CHAPTERS, chapters) == []
    media = {"ccid": "CC1", "duration": 120}  # an int where a float may be
    assert check(XUETANGX_LEAF_INFO, {"data": {"content_info": {"media": media}}}) == []
    assert check(XUETANGX_LEAF_INFO, {"data": media}) == []  # the older form
    cues = {"start": [1.0, 2.5], "end": [2.0, 3], "text": ["a", "b"]}
    assert check(XUETANGX_SUBTITLES, cues) == []
    assert check(XUETANGX_SUBTITLES, {"data": cues}) == []


def test_each_drift_is_named_by_its_path() -> None:
    reply = _list(
        _product(),
        _product(teacher={"name": "邓老师"}),  # a list became an object
        _product(classroom_id=..., cid="1003"),  # another name the spider reads
        _product(classroom_id=..., name=7),  # renamed key; wrong type
        _product(org=5),
    )
    assert check(XUETANGX_PRODUCT_LIST, reply) == [
        Problem("data.product_list[1].teacher", "expected list, got object"),
        Problem("data.product_list[3].classroom_id", "missing (nor cid, course_id)"),
        Problem("data.product_list[3].name", "expected str, got int"),
        Problem("data.product_list[4].org", "expected object or str, got int"),
    ]
    assert check(XUETANGX_PRODUCT_LIST, {"data": {"product_list": {"0": _product()}}}) == [
        Problem("data.product_list", "expected list, got object")
    ]
    assert check(XUETANGX_PRODUCT_LIST, {"result": {}}) == [Problem("data", "missing")]


def test_null_is_absent_for_optional_keys_and_reported_for_required_ones() -> None:
    assert check(XUETANGX_PRODUCT_LIST, _list(_product(teacher=None, org=None))) == []
    assert check(XUETANGX_PRODUCT_LIST, _list(_product(name=None))) == [
        Problem("data.product_list[0].name", "null (nor course_name, product_name)")
    ]


def test_a_value_is_checked_as_the_form_it_claims() -> None:
    # A section whose leaf list became an object is a broken section, not a bare leaf.
    chapters = {
        "data": {
            "course_chapter": [
                {"section_leaf_list": [{"id": 1, "name": "1.1", "leaf_list": {"11": {}}}]}
            ]
        }
    }
    assert check(XUETANGX_CHAPTERS, chapters) == [
        Problem(
            "data.course_chapter[0].section_leaf_list[0].leaf_list", "expected list, got object"
        )
    ]
    renamed = {"data": {"content_info": {"media": {"cc_id": "CC1"}}}}
    assert check(XUETANGX_LEAF_INFO, renamed) == [
        Problem("data.content_info.media.ccid", "missing")
    ]
    assert check(XUETANGX_LEAF_INFO, {"data": {"ccid": 5}}) == [
        Problem("data.ccid", "expected str, got int")
    ]
    truncated = {"start": "0", "end": None, "text": "损坏"}
    assert check(XUETANGX_SUBTITLES, truncated) == [
        Problem("start", "expected list, got str"),
        Problem("end", "null"),
        Problem("text", "expected list, got str"),
    ]
    assert check(Either((obj(a=req(int)), str)), 3.5, "x") == [
        Problem("x", "expected object or str, got float")
    ]


def test_booleans_are_not_numbers_and_ints_are_floats() -> None:
    shape = obj(n=req((int, float)), f=req(float), flag=opt(bool))
    assert check(shape, {"n": 1, "f": 2, "flag": False}) == []
    assert check(shape, {"n": True, "f": 2.5}) == [Problem("n", "expected int or float, got bool")]


def test_maps_and_lists_of_records() -> None:
    block = "block-v1:X+Y+Z+type@video+block@v1"
    reply = {
        "root": "r",
        "blocks": {
            "r": {"id": "r", "type": "course", "children": ["c"]},
            block: {"id": block, "type": "video", "student_view_data": {"transcripts": ["u"]}},
        },
    }
    assert check(EDX_BLOCKS, reply) == [
        Problem(f"blocks[{block}].student_view_data.transcripts", "expected object, got list")
    ]
    assert check(EDX_BLOCKS, {"root": "r", "blocks": list(reply["blocks"].values())}) == [
        Problem("blocks", "expected object, got list")
    ]
    assert check(MapOf(ListOf(int)), {"a": [1, "2"]}, "m") == [
        Problem("m[a][1]", "expected int, got str")
    ]


def test_broken_fields_of_a_record_and_a_bound_on_their_number() -> None:
    problems = [Problem(f"data.list[{i}].name", "missing") for i in range(30)]
    broken = as_broken(problems, limit=20)
    assert len(broken) == 21 and broken["..."] == "10 more problems"
    assert within(broken, "data.list[1]") == {"data.list[1].name": "missing"}
    assert within({"data.list[10]": "x", "data.list[1]x": "y"}, "data.list[1]") == {}
