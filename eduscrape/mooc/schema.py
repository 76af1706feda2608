"""Declared shapes of the JSON API replies the MOOC spiders read, and their check.

A platform that renames a key, changes a type or turns a list into an object
would otherwise give quietly empty items (``.get(key) or []`` finds nothing).
Each reply a spider parses is declared here (required and optional keys, their
types, nested records) and :func:`check` names every difference by its field
path: ``data.product_list[3].teacher: expected list, got dict``. Keys a spider
does not read are not declared: new keys are not drift.

    >>> check(obj(name=req(str)), {"name": 3})
    [Problem(path='name', why='expected str, got int')]

Optional keys may be absent or null; a required key that is null is reported.
Scrapy-free: the spiders turn the problems into ``broken`` items and stats
(:func:`eduscrape.spiders._broken.record_broken_page`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

__all__ = [
    "EDX_BLOCKS",
    "EDX_TRANSCRIPT",
    "XUETANGX_CHAPTERS",
    "XUETANGX_LEAF_INFO",
    "XUETANGX_PRODUCT_LIST",
    "XUETANGX_SUBTITLES",
    "Either",
    "Key",
    "ListOf",
    "MapOf",
    "Obj",
    "Problem",
    "as_broken",
    "check",
    "obj",
    "opt",
    "req",
    "within",
]


@dataclass(frozen=True)
class Key:
    """A key of an object: its shape, whether it must be there, other names read for it."""

    shape: Shape
    required: bool = True
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obj:
    """A JSON object with these keys (others are allowed and not checked)."""

    keys: Mapping[str, Key]


@dataclass(frozen=True)
class ListOf:
    """A JSON array whose every element has *item*'s shape."""

    item: Shape


@dataclass(frozen=True)
class MapOf:
    """A JSON object used as a map (ids to records): every value has *value*'s shape."""

    value: Shape


@dataclass(frozen=True)
class Either:
    """One of several forms of a value (a reply that comes in two forms).

    The value is checked as the first form it claims to be (an object with one of
    the form's required keys, else a value of the form's JSON type), as a spider
    tells them apart; an object that claims none is checked as the first form.
    """

    options: tuple[Shape, ...]


# A Python type (or types) for a scalar, or a structure above.
Shape: TypeAlias = type | tuple[type, ...] | Obj | ListOf | MapOf | Either


class Problem(NamedTuple):
    """A difference between a reply and its declared shape."""

    path: str  # "data.product_list[3].teacher"
    why: str  # "missing", "null", "expected list, got dict"


def req(shape: Shape, *aliases: str) -> Key:
    """A required key (*aliases*: other names the spider also accepts for it)."""
    return Key(shape, True, aliases)


def opt(shape: Shape, *aliases: str) -> Key:
    """An optional key: absent or null is fine, another type is not."""
    return Key(shape, False, aliases)


def obj(**keys: Key) -> Obj:
    return Obj(keys)


_JSON_NAMES = {
    dict: "object",
    list: "list",
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    type(None): "null",
}


def _name(kind: type) -> str:
    return _JSON_NAMES.get(kind, kind.__name__)


def _expected(shape: Shape) -> str:
    if isinstance(shape, Obj | MapOf):
        return "object"
    if isinstance(shape, ListOf):
        return "list"
    if isinstance(shape, Either):
        return " or ".join(dict.fromkeys(_expected(s) for s in shape.options))
    kinds = shape if isinstance(shape, tuple) else (shape,)
    return " or ".join(_name(k) for k in kinds)


def _scalar_ok(kinds: tuple[type, ...], value: Any) -> bool:
    # JSON true is not a number, and a float field may hold an integer (12 for 12.0).
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check(shape: Shape, value: Any, path: str = "") -> list[Problem]:
    """Every difference between *value* and *shape*, by field path (empty: as declared)."""
    problems: list[Problem] = []
    _check(shape, value, path, problems)
    return problems


def _wrong_type(shape: Shape, value: Any, path: str, problems: list[Problem]) -> None:
    problems.append(Problem(path, f"expected {_expected(shape)}, got {_name(type(value))}"))


def _check(shape: Shape, value: Any, path: str, problems: list[Problem]) -> None:
    if isinstance(shape, Obj):
        if not isinstance(value, dict):
            _wrong_type(shape, value, path, problems)
            return
        for name, key in shape.keys.items():
            found = next((n for n in (name, *key.aliases) if value.get(n) is not None), None)
            if found is None:
                if key.required:
                    null = any(n in value for n in (name, *key.aliases))
                    also = f" (nor {', '.join(key.aliases)})" if key.aliases else ""
                    problems.append(
                        Problem(_join(path, name), ("null" if null else "missing") + also)
                    )
                continue
            _check(key.shape, value[found], _join(path, found), problems)
    elif isinstance(shape, ListOf):
        if not isinstance(value, list):
            _wrong_type(shape, value, path, problems)
            return
        for index, element in enumerate(value):
            _check(shape.item, element, f"{path}[{index}]", problems)
    elif isinstance(shape, MapOf):
        if not isinstance(value, dict):
            _wrong_type(shape, value, path, problems)
            return
        for key, element in value.items():
            _check(shape.value, element, f"{path}[{key}]", problems)
    elif isinstance(shape, Either):
        # The form the value claims to be (as the spider reads it) names the drift.
        chosen = next((o for o in shape.options if _claims(o, value)), None)
        if chosen is None:
            first = shape.options[0]
            if not (isinstance(value, dict) and isinstance(first, Obj)):
                _wrong_type(shape, value, path, problems)
                return
            chosen = first
        _check(chosen, value, path, problems)
    else:
        kinds = shape if isinstance(shape, tuple) else (shape,)
        if not _scalar_ok(kinds, value):
            _wrong_type(shape, value, path, problems)


def _claims(shape: Shape, value: Any) -> bool:
    """Whether *value* is meant as *shape*: an object with one of its required keys
    (even null or of another type), else a value of its JSON type."""
    if isinstance(shape, Obj):
        required = [n for name, k in shape.keys.items() if k.required for n in (name, *k.aliases)]
        return isinstance(value, dict) and (not required or any(n in value for n in required))
    if isinstance(shape, MapOf):
        return isinstance(value, dict)
    if isinstance(shape, ListOf):
        return isinstance(value, list)
    if isinstance(shape, Either):
        return any(_claims(o, value) for o in shape.options)
    return _scalar_ok(shape if isinstance(shape, tuple) else (shape,), value)


def as_broken(problems: list[Problem], limit: int = 20) -> dict[str, str]:
    """``{path: why}`` for an item's ``broken`` (at most *limit* paths, then a count)."""
    broken = {p.path: p.why for p in problems[:limit]}
    if len(problems) > limit:
        broken["..."] = f"{len(problems) - limit} more problems"
    return broken


def within(broken: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The problems at or under *prefix* (one record's part of a reply)."""
    return {
        path: why
        for path, why in broken.items()
        if path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))
    }


# -- XuetangX (eduscrape.spiders.xuetangx) ------------------------------------------

NUMBER = (int, float)
ID = (int, str)

_XT_TEACHER = obj(name=req(str), job_title=opt(str), about=opt(str))
_XT_PRODUCT = obj(
    classroom_id=req(ID, "cid", "course_id"),
    sign=opt(str, "course_sign"),
    name=req(str, "course_name", "product_name"),
    short_intro=opt(str, "about"),
    org=opt(Either((obj(name=opt(str)), str))),
    teacher=opt(ListOf(_XT_TEACHER)),
)
# POST /api/v1/lms/get_product_list/?page=N
XUETANGX_PRODUCT_LIST = obj(data=req(obj(product_list=req(ListOf(_XT_PRODUCT)))))

_XT_LEAF = obj(id=req(ID), name=opt(str), leaf_type=opt(int))
# A section holds leaves; a bare leaf can also sit in the chapter.
_XT_SECTION = Either((obj(name=opt(str), leaf_list=req(ListOf(_XT_LEAF))), _XT_LEAF))
# GET /api/v1/lms/learn/course/chapter?cid=&sign=
XUETANGX_CHAPTERS = obj(
    data=req(
        obj(
            course_chapter=req(
                ListOf(obj(name=opt(str), section_leaf_list=req(ListOf(_XT_SECTION))))
            )
        )
    )
)

_XT_MEDIA = obj(ccid=req(str), duration=opt(NUMBER))
# GET /api/v1/lms/learn/leaf_info/{cid}/{leaf}/?sign= (older replies: the media at the top)
XUETANGX_LEAF_INFO = obj(
    data=req(Either((obj(content_info=req(obj(media=req(_XT_MEDIA)))), _XT_MEDIA)))
)

_CUES = obj(start=req(ListOf(NUMBER)), end=req(ListOf(NUMBER)), text=req(ListOf(str)))
# GET /api/v1/lms/service/subtitle_parse/?c_d={ccid}&lg=0 (seconds; sometimes wrapped in data)
XUETANGX_SUBTITLES = Either((_CUES, obj(data=req(_CUES))))

# -- Open edX (eduscrape.spiders.openedx) -------------------------------------------

# The transcript translation handler: {start, end, text} (milliseconds).
EDX_TRANSCRIPT = _CUES

_EDX_VIDEO_DATA = obj(
    encoded_videos=opt(MapOf(obj(url=req(str)))),
    transcripts=opt(MapOf(str)),
    duration=opt(NUMBER),
)
_EDX_BLOCK = obj(
    id=req(str),
    type=req(str),
    display_name=opt(str),
    children=opt(ListOf(str)),
    student_view_data=opt(_EDX_VIDEO_DATA),
)
# GET /api/courses/v1/blocks/?course_id=&depth=all&requested_fields=children,display_name,
# student_view_data&student_view_data=video (the blocks by id, from the course's root)
EDX_BLOCKS = obj(root=req(str), blocks=req(MapOf(_EDX_BLOCK)))
