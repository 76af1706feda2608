"""MOOCCube ids and relation types.

Formats follow MOOCCube (Yu et al., ACL 2020) as seen in its releases:
``C_course-v1:BNU+CSL21148501+2018_T2``, ``V_<video key>``, ``K_<name>_<field>``,
``T_<name>``, ``S_<school key>``.
"""

from __future__ import annotations

import re

__all__ = [
    "ENTITIES",
    "RELATION_TYPES",
    "concept_id",
    "course_id",
    "ocw_course_key",
    "school_id",
    "split_concept_id",
    "teacher_id",
    "video_id",
]

ENTITIES = ("course", "video", "concept", "teacher", "school")
# MOOCCube relation files we produce (head entity-tail entity), plus the scored
# prerequisite candidates (MOOCCube's prerequisite-dependency).
RELATION_TYPES = (
    "course-video",
    "video-concept",
    "course-concept",
    "teacher-course",
    "school-course",
    "school-teacher",
    "prerequisite-dependency",
)

_WS = re.compile(r"\s+")


def _norm(value: str) -> str:
    value = _WS.sub(" ", str(value)).strip()
    if not value:
        raise ValueError("empty id component")
    # A tab or newline would break MOOCCube's tab-separated relation files.
    return value.replace("\t", " ")


def course_id(key: str) -> str:
    """``C_<key>``; *key* is the platform's course key (spaces become ``_``)."""
    return "C_" + _norm(key).replace(" ", "_")


def ocw_course_key(number: str, term: str) -> str:
    """OCW courses: ``ocw+21G.107+Fall_2014``."""
    return f"ocw+{_norm(number)}+{_norm(term).replace(' ', '_')}"


def video_id(key: str) -> str:
    """``V_<key>`` (a YouTube id, an edX usage id or a XuetangX ccid)."""
    return "V_" + _norm(key).replace(" ", "_")


def concept_id(name: str, field: str) -> str:
    """``K_<name>_<field>``: the name keeps its spaces, as in MOOCCube."""
    return f"K_{_norm(name)}_{_norm(field)}"


def split_concept_id(cid: str) -> tuple[str, str]:
    """Inverse of :func:`concept_id` (the field is after the last ``_``)."""
    if not cid.startswith("K_") or "_" not in cid[2:]:
        raise ValueError(f"not a concept id: {cid!r}")
    name, field = cid[2:].rsplit("_", 1)
    return name, field


def teacher_id(name: str) -> str:
    """MOOCCube's teacher id (``T_<name>``)."""
    return "T_" + _norm(name)


def school_id(key: str) -> str:
    """MOOCCube's school id (``S_<key>``)."""
    return "S_" + _norm(key)
