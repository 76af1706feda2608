"""Course concepts (eduscrape.mooc.concepts): course vocabulary, spread over the course,
formulas and fillers kept out, verbatim concepts, Chinese quality.

The full-course checks use the authored lectures in tests/fixtures/courses/ (see
its README); the Chinese check uses the OCW dev course in ../shared/data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _support import shared_data

from eduscrape.mooc._lexicon import CHINESE_STOPWORDS
from eduscrape.mooc.concepts import CourseContext, extract_concepts, normalize_text
from eduscrape.mooc.subtitles import parse_srt

COURSES = Path(__file__).parent / "fixtures" / "courses"
SYMBOLS = {"equals", "squared", "plus", "minus", "naught", "delta", "theta", "omega", "hat"}
FILLERS = {"okay", "so", "um", "uh", "yeah", "right", "alright", "know", "like", "kind"}


def _cues(paragraph: str) -> list[str]:
    """Caption-sized cues (<= 64 characters), cut anywhere like real captions."""
    cues, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > 64:
            cues.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*cues, line] if line else cues


def _course(name: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """(titles, [(video title, section, cues)]) of an authored course."""
    titles: list[str] = []
    videos: list[tuple[str, str, list[str]]] = []
    section = ""
    for line in (COURSES / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"#+\s*(course|section|video):\s*(.+)", line):
            titles.append(m[2])
            if m[1] == "section":
                section = m[2]
            elif m[1] == "video":
                videos.append((m[2], section, []))
        elif line.strip():
            videos[-1][2].extend(_cues(line))
    return titles, videos


def _stem_terms(text: str) -> set[str]:
    stop = {"and", "the", "of", "in", "to", "a", "with", "its", "for", "on", "one", "first"}
    return {w.lower()[:5] for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in stop}


def test_formulas_and_fillers_stay_out_of_the_top_10() -> None:
    lecture = [
        "Okay so, um, the centripetal acceleration is v squared over r. Okay?",
        "F equals m a, so F equals m v squared over r, you know, for circular motion.",
        "Delta t goes to zero and delta v over delta t is the centripetal acceleration.",
        "x of t equals x naught plus v naught t. Theta hat and r hat are unit vectors.",
        "Omega equals the square root of k over m. Omega squared r, minus omega squared.",
        "So the unit vectors rotate. Circular motion needs the centripetal acceleration.",
        "Alright, so, right, the unit vectors, okay, and circular motion, yeah.",
    ]
    names = [c.name for c in extract_concepts(lecture)]
    assert names[:3] and "centripetal acceleration" in names[:3]
    assert {"circular motion", "unit vectors"} <= set(names)
    for name in names:
        words = name.lower().split()
        assert not SYMBOLS & set(words), name
        assert not FILLERS & set(words), name
        assert all(len(w) > 1 for w in words), name  # "m a", "x hat": symbols
        assert name.lower() not in ("square root", "root")


def test_concepts_are_verbatim_spans_of_the_subtitles() -> None:
    titles, videos = _course("mechanics")
    context = CourseContext.build([cues for _, _, cues in videos], titles=titles)
    for title, _, cues in videos:
        text = normalize_text(" ".join(cues)).lower()
        for concept in extract_concepts(cues, course=context):
            assert concept.name.lower() in text, (title, concept.name)
    # Possessives keep their own apostrophe; a term is cut before a possessive "'s".
    cues = [
        "Kepler’s third law relates the period and the orbit.",
        "With Kepler’s third law we weigh the Sun. Kepler’s third law again.",
    ]
    names = [c.name for c in extract_concepts(cues)]
    assert "Kepler’s third law" in names
    assert all(n in " ".join(cues) for n in names)


def test_course_vocabulary_and_spread_over_the_course() -> None:
    # "lever arm" is this lecture's term (a title term); "experiment" is in every lecture.
    lecture = [
        "The experiment today. In this experiment, the experiment shows torque.",
        "The lever arm matters. The experiment again, with a longer lever arm.",
        "Another experiment, and the experiment works. Torque needs a lever arm.",
    ]
    others = [
        ["The experiment with springs. Each experiment, springs, springs again."],
        ["An experiment with pendulums. The experiment and the pendulum swing."],
        ["Our experiment on gravity. The experiment measures gravity and orbits."],
    ]
    alone = [c.name for c in extract_concepts(lecture)]
    assert alone.index("experiment") < alone.index("torque")
    context = CourseContext.build(
        [lecture, *others], titles=["Physics", "Lever Arm and Torque", "Springs", "Gravity"]
    )
    with_course = [c.name for c in extract_concepts(lecture, course=context)]
    assert with_course[:2] == ["lever arm", "torque"]
    assert with_course.index("experiment") > with_course.index("torque")
    # Titles alone (no transcripts) already favour the course's vocabulary.
    titles_only = CourseContext.build(titles=["Lever Arm and Torque"])
    assert extract_concepts(lecture, course=titles_only)[0].name == "lever arm"


def test_a_title_term_said_once_does_not_lead() -> None:
    lecture = [
        "Friction opposes sliding. Static friction holds the box, kinetic friction slows it.",
        "Static friction has a maximum. Kinetic friction does not depend on the speed.",
        "Next time we look at terminal velocity.",
    ]
    context = CourseContext.build(titles=["Friction", "Drag Forces and Terminal Velocity"])
    names = [c.name for c in extract_concepts(lecture, course=context)]
    assert names[:2] == ["static friction", "kinetic friction"] or names[:2] == [
        "kinetic friction",
        "static friction",
    ]
    assert "terminal velocity" in names[2:]  # a pointer to another lecture: the tail


def test_authored_course_meets_the_targets() -> None:
    """Design course (mechanics): title/section term in the top 10, multi-word, no symbols."""
    titles, videos = _course("mechanics")
    context = CourseContext.build([cues for _, _, cues in videos], titles=titles)
    hit = multi = symbols = total = 0
    for title, section, cues in videos:
        keys = _stem_terms(f"{title} {section}")
        names = [c.name for c in extract_concepts(cues, course=context)]
        matching = [n for n in names if _stem_terms(n) & keys]
        hit += bool(matching)
        multi += any(" " in n for n in matching)
        symbols += sum(bool(SYMBOLS & set(n.lower().split())) for n in names)
        total += len(names)
    assert hit / len(videos) >= 0.9
    assert multi / len(videos) >= 0.7
    assert symbols == 0 and total == 10 * len(videos)


def _chinese_title_terms(titles: list[str]) -> list[set[str]]:
    import jieba

    terms = [
        {
            w
            for w in jieba.lcut(normalize_text(t.split("/")[-1]))
            if len(w) >= 2 and w not in CHINESE_STOPWORDS
        }
        for t in titles
    ]
    return terms


def test_chinese_dev_check_keeps_four_of_five() -> None:
    course = shared_data("mooc", "dev", "ocw", "21g-107-chinese-i-streamlined-fall-2014")
    expected = json.loads((course / "expected.json").read_text())
    videos = [v for v in expected["videos"] if re.search(r"[\u4e00-\u9fff]", v["title"])]
    cues = [
        parse_srt(
            (course / "site" / "resources" / v["slug"] / f"{v['youtube_id']}.srt").read_text()
        ).text
        for v in videos
    ]
    terms = _chinese_title_terms([v["title"] for v in videos])
    for with_course in (False, True):
        context = (
            CourseContext.build(cues, titles=[v["title"] for v in videos]) if with_course else None
        )
        hits = 0
        for video_cues, keys in zip(cues, terms, strict=True):
            names = [c.name for c in extract_concepts(video_cues, course=context)]
            assert len(names) == 10
            text = normalize_text(" ".join(video_cues))
            assert all(n in text for n in names)
            hits += any(t in n or n in t for n in names for t in keys)
        assert hits >= 4, (with_course, hits)


def test_spread_over_the_course_background_and_neighbours() -> None:
    def lecture(*terms: str) -> list[str]:
        return [f"The {t} matters. Again the {t}." for t in ("lab notebook", *terms)]

    videos = [
        lecture("phase space", "energy level"),
        lecture("phase space"),
        lecture("wave packet"),
        lecture("wave packet"),
        lecture("wave packet"),
        lecture("energy level"),
    ]
    context = CourseContext.build(videos, titles=["Quantum Physics"])
    weight = context.weight
    # Two neighbouring lectures beat two lectures far apart; in every lecture: background.
    assert weight("phase space", ["phase", "space"]) > weight("energy level", ["energy", "level"])
    assert weight("energy level", ["energy", "level"]) > 1.0
    assert weight("lab notebook", ["lab", "notebook"]) < 0.5
    # Built on a title word: favoured like the word itself.
    assert weight("quantum state", ["quantum", "state"]) == weight("quantum", ["quantum"]) > 1


def test_sort_of_is_a_hedge_but_merge_sort_a_term() -> None:
    lecture = [
        "So this is sort of the idea, sort of. Merge sort is sort of fast.",
        "Merge sort again, and insertion sort. Insertion sort is simple, sort of.",
    ]
    names = [c.name for c in extract_concepts(lecture)]
    assert {"merge sort", "insertion sort"} <= set(names)
    assert not any("sort of" in n or n == "sort" for n in names)
