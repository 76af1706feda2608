"""Courses for the concept benchmark: the OCW dev course and the authored fixture courses.

A course is ``{"name", "language", "titles", "videos": [{"title", "section_path", "cues"}]}``
with the videos in course order; ``titles`` is the course's own structure (course, section
and video titles), the course-level vocabulary the extractor may use.

Authored courses (``tests/fixtures/courses/*.txt``) are plain text::

    # course: TITLE
    ## section: TITLE
    ### video: TITLE
    transcript paragraphs...

Their paragraphs are cut into caption cues the way 3Play captions are (at most 64
characters, a cue closes after '.', '?' or '!' once it holds 30), so a phrase can be
split across two cues as in real subtitles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from _common import SHARED_DATA

PROJECT = Path(__file__).resolve().parents[1]
AUTHORED = PROJECT / "tests" / "fixtures" / "courses"
OCW = SHARED_DATA / "mooc" / "dev" / "ocw"
OCW_COURSE = OCW / "21g-107-chinese-i-streamlined-fall-2014"


def caption_cues(paragraph: str, width: int = 64, sentence_min: int = 30) -> list[str]:
    cues: list[str] = []
    line = ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            cues.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
        if len(line) >= sentence_min and line.endswith((".", "?", "!")):
            cues.append(line)
            line = ""
    if line:
        cues.append(line)
    return cues


def load_authored(path: Path) -> dict[str, Any]:
    course: dict[str, Any] = {"name": path.stem, "language": "en", "titles": [], "videos": []}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if m := re.match(r"#\s*course:\s*(.+)", line):
            course["title"] = m[1]
            course["titles"].append(m[1])
        elif m := re.match(r"##\s*section:\s*(.+)", line):
            section = m[1]
            course["titles"].append(section)
        elif m := re.match(r"###\s*video:\s*(.+)", line):
            course["videos"].append({"title": m[1], "section_path": [section], "cues": []})
            course["titles"].append(m[1])
        elif line:
            if not course["videos"]:
                raise ValueError(f"{path}: text before the first '### video:' line")
            course["videos"][-1]["cues"].extend(caption_cues(line))
    return course


def authored_courses() -> list[dict[str, Any]]:
    return [load_authored(p) for p in sorted(AUTHORED.glob("*.txt"))]


def ocw_courses() -> list[dict[str, Any]]:
    """The OCW dev course, as one English and one Chinese course (its two halves)."""
    from eduscrape.mooc.subtitles import parse_srt

    expected = json.loads((OCW_COURSE / "expected.json").read_text())
    out = []
    for lang in ("en", "zh"):
        videos = []
        for v in expected["videos"]:
            if (lang == "zh") != bool(re.search(r"[\u4e00-\u9fff]", v["title"])):
                continue
            srt = OCW_COURSE / "site" / "resources" / v["slug"] / f"{v['youtube_id']}.srt"
            cues = parse_srt(srt.read_text()).text
            videos.append({"title": v["title"], "section_path": v["section_path"], "cues": cues})
        titles = [expected["course"]["title"]]
        titles += sorted({s for v in videos for s in v["section_path"]})
        titles += [v["title"] for v in videos]
        out.append(
            {
                "name": f"ocw-21g107-{lang}",
                "title": expected["course"]["title"],
                "language": lang,
                "titles": titles,
                "videos": videos,
            }
        )
    return out
