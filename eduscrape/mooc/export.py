"""MOOCCube's file layout from the MOOC collections in MongoDB.

    entities/{course,video,concept,teacher,school}.json   JSON lines, MOOCCube fields
    relations/<type>.json                                  "head<TAB>tail" lines

Courses and videos keep course order; video-concept and course-concept lines
are best concept first; course-video lines follow ``order``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eduscrape.mooc.ids import ENTITIES

__all__ = ["ENTITY_FIELDS", "export_mooccube"]

# MOOCCube's fields per entity (see mooccube-sample/FIELDS.md); ``field`` and
# ``concepts`` are extras that make the export usable without the relations.
ENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "course": (
        "id",
        "name",
        "prerequisites",
        "about",
        "core_id",
        "video_order",
        "video_name",
        "chapter",
    ),
    "video": ("id", "name", "duration", "start", "end", "text"),
    "concept": ("id", "name", "en", "explanation"),
    "teacher": ("id", "name", "about"),
    "school": ("id", "name", "about"),
}


def _sort_key(entity: str, doc: dict[str, Any]) -> tuple[Any, ...]:
    if entity == "video":
        return (str(doc.get("course_id", "")), int(doc.get("order") or 0), str(doc.get("id")))
    return (str(doc.get("id")),)


def _relation_key(doc: dict[str, Any]) -> tuple[Any, ...]:
    order = doc.get("order")
    score = doc.get("score")
    return (
        str(doc.get("head")),
        order if isinstance(order, int) else 1 << 30,
        -(score if isinstance(score, (int, float)) else 0.0),
        str(doc.get("tail")),
    )


def export_mooccube(db: Any, out_dir: str | Path, *, prefix: str = "mooc_") -> dict[str, int]:
    """Write the export of database *db* (pymongo) to *out_dir*; returns line counts
    per file (``entities/course.json``...)."""
    out = Path(out_dir)
    (out / "entities").mkdir(parents=True, exist_ok=True)
    (out / "relations").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for entity in ENTITIES:
        docs = sorted(
            db[f"{prefix}{entity}"].find({}, {"_id": 0}), key=lambda d: _sort_key(entity, d)
        )
        path = out / "entities" / f"{entity}.json"
        with path.open("w", encoding="utf-8") as fh:
            for doc in docs:
                record = {
                    k: doc.get(k, "" if k != "video_order" else []) for k in ENTITY_FIELDS[entity]
                }
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts[f"entities/{entity}.json"] = len(docs)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for doc in db[f"{prefix}relation"].find({}, {"_id": 0}):
        if doc.get("type") and doc.get("head") and doc.get("tail"):
            by_type.setdefault(str(doc["type"]), []).append(doc)
    for rtype, docs in sorted(by_type.items()):
        docs.sort(key=_relation_key)
        path = out / "relations" / f"{rtype.replace('/', '_')}.json"
        with path.open("w", encoding="utf-8") as fh:
            for doc in docs:
                # Tabs/newlines inside ids would break the two-column format.
                head = " ".join(str(doc["head"]).split())
                tail = " ".join(str(doc["tail"]).split())
                fh.write(f"{head}\t{tail}\n")
        counts[f"relations/{rtype}.json"] = len(docs)
    return counts
