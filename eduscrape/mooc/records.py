"""MOOCCube records (items) from what a spider found: entities and relations.

Spiders describe a course once (:func:`course_records`); the concepts middleware
(:mod:`eduscrape.middlewares.mooc`) adds the concept records (:func:`concept_records`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from eduscrape.items import (
    MoocConceptItem,
    MoocCourseItem,
    MoocRelationItem,
    MoocSchoolItem,
    MoocTeacherItem,
)
from eduscrape.mooc.ids import concept_id, school_id, teacher_id

__all__ = ["concept_records", "course_records"]


def course_records(
    course: MoocCourseItem,
    *,
    school_key: str | None = None,
    school_about: str = "",
    teacher_about: dict[str, str] | None = None,
) -> Iterator[Any]:
    """The course, its teachers and school, and the relations between them
    (course-video in course order, teacher-course, school-course, school-teacher)."""
    yield course
    teacher_about = teacher_about or {}
    teacher_ids = []
    for name in dict.fromkeys(course.teachers):
        tid = teacher_id(name)
        teacher_ids.append(tid)
        yield MoocTeacherItem(id=tid, name=name, about=teacher_about.get(name, ""))
        yield MoocRelationItem("teacher-course", tid, course.id)
    if course.school:
        sid = school_id(school_key or course.school)
        yield MoocSchoolItem(id=sid, name=course.school, about=school_about)
        yield MoocRelationItem("school-course", sid, course.id)
        for tid in teacher_ids:
            yield MoocRelationItem("school-teacher", sid, tid)
    for order, vid in enumerate(course.video_order, 1):
        yield MoocRelationItem("course-video", course.id, vid, order=order)


def concept_records(
    head: str, relation: str, names: Sequence[str], field: str, scores: Sequence[float] = ()
) -> Iterator[Any]:
    """Concept entities for *names* and ``relation`` (video-concept or
    course-concept) from *head* to each, with the rank score when given."""
    for i, name in enumerate(names):
        cid = concept_id(name, field or "General")
        yield MoocConceptItem(id=cid, name=name, field=field, en=name if name.isascii() else "")
        yield MoocRelationItem(relation, head, cid, score=scores[i] if i < len(scores) else None)
