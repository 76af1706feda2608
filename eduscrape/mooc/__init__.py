"""MOOC repository core (Scrapy-free): subtitles, MOOCCube ids and records,
concept extraction, Open edX page parsing and the MOOCCube export.

- :mod:`eduscrape.mooc.subtitles`: SRT, WebVTT, OCW timed-span HTML, edX and XuetangX JSON;
- :mod:`eduscrape.mooc.ids`: ``C_``/``V_``/``K_``/``T_``/``S_`` ids and relation types;
- :mod:`eduscrape.mooc.records`: entity and relation items for a course and its concepts;
- :mod:`eduscrape.mooc.concepts`: concepts per video (English, Chinese), per course, RefD;
- :mod:`eduscrape.mooc.openedx`: video blocks of Open edX courseware pages;
- :mod:`eduscrape.mooc.export`: MOOCCube's file layout from MongoDB.
"""

from __future__ import annotations

from eduscrape.mooc.concepts import Concept, course_concepts, extract_concepts
from eduscrape.mooc.subtitles import SubtitleError, Subtitles, parse_subtitles

__all__ = [
    "Concept",
    "SubtitleError",
    "Subtitles",
    "course_concepts",
    "extract_concepts",
    "parse_subtitles",
]
