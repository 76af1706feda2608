"""Bedroom, bathroom, size, built-year and floor candidates of one text segment."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from eduscrape.housing._gated import Gated, gated
from eduscrape.housing._text import number_value

_NUMWORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|single|double)"

# -- bedrooms / bathrooms ------------------------------------------------------------
#
# "<number> <unit>" patterns are found unit first (a literal, which the regex
# engine scans fast), then the number is matched right before it: a pattern
# starting with a digit or a word boundary would be tried at every position.


def _unit_numbers(
    text: str, unit_rx: re.Pattern[str] | Gated, back_rx: re.Pattern[str], width: int = 24
) -> list[tuple[str, int, int]]:
    """``(number, start, end)`` for every unit match with a number just before it."""
    out = []
    for u in unit_rx.finditer(text):
        s = u.start()
        if s and text[s - 1].isalpha():
            continue
        m = back_rx.search(text, max(0, s - width), s)
        if m is not None:
            out.append((m.group(1), m.start(), u.end()))
    return out


_BED_UNIT = re.compile(r"b(?:edrooms?|ed\s*rooms?|edrms?|eds?|drms?|dr|rs?|ds?)(?![a-z])")
_BED_BACK = re.compile(rf"(?<![\w.])(\d{{1,2}}|{_NUMWORD})[ \t]*-?[ \t]*\Z")
_BED_LABEL = re.compile(r"bed(?:room)?s?\s*[:=]\s*(\d+)\b")
_STUDIO = gated(
    r"\b(?:studios?|efficiency(?=\s+(?:apartment|unit|apt))|bachelor(?=\s+apartment))\b",
    "studio",
    "efficiency",
    "bachelor",
)
_BATH_UNIT = re.compile(r"ba(?:th\s*rooms?|ths?)?(?![a-z])|bth(?![a-z])")
_BATH_BACK = re.compile(
    rf"(?<![\d.])((?:\d{{1,2}}|\b{_NUMWORD})(?:\.\d|[ \t]*1/2|[ \t]*½|[ \t]+(?:and|&)[ \t]+(?:a[ \t]+)?half)?)"
    r"[ \t]*-?[ \t]*(?:full[ \t]+)?\Z"
)
_BATH_LABEL = re.compile(r"bath(?:room)?s?\s*[:=]\s*(\d(?:\.\d)?)\b")
# "2x1", "2 x 1.5" (beds x baths), not "10 x 12 ft".
_BY = re.compile(r"x\s?(\d(?:\.5)?)(?![\d.])(?!\s*(?:ft|feet|'|\"|in\b))")
_BY_BACK = re.compile(r"(?<![\w.])(\d)\s?$")
# "2br/1ba", "2/1" next to bed/bath words.
_BED_BATH = re.compile(r"/\s*(\d(?:\.\d)?)\s*(?:ba|bath|b)(?![a-z])")
_BED_BATH_BACK = re.compile(r"(?<![\w.])(\d)\s*(?:br|bd|bed|b)?\s*$")


# "1, 2 and 3 bedroom", "one bedroom, two bedroom": floor-plan lists, not this unit.
def _list_patterns(unit: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    before = re.compile(
        rf"(?:\d|{_NUMWORD}|studios?(?:\s+(?:apartments?|units?|homes?))?|{unit}\w*)-?\s*"
        rf"(?:,|or|and|&|to)\s*(?:&\s*|and\s+|or\s+)?$"
    )
    after = re.compile(
        rf"^\s*(?:,|or|and|&|to)\s*(?:&\s*|and\s+|or\s+)?(?:\d|{_NUMWORD})[\s-]*{unit}"
    )
    return before, after


_BED_LIST = _list_patterns(r"(?:bed|br|bd)")
_BATH_LIST = _list_patterns(r"(?:bath|ba)")
# Rooms that are not bedrooms: "fitness studio", "yoga studio".
_NOT_STUDIO = re.compile(
    r"(?:fitness|yoga|pilates|art|dance|music|recording|tanning|photo|spin|cycling|wellness|"
    r"resident|pet|grooming|media|podcast|creative|sound|game)\s*$"
)


# "studio, one and two bedroom apartments", "studios in addition to 1, 2 and 3 bedrooms",
# "from studio apartments to two-bedroom": a studio named in a floor-plan list.
_STUDIO_LIST_AFTER = re.compile(
    rf"s?\s*(?:apartments?|apts?|units?|homes?|floor\s*plans?)?\s*"
    rf"(?:,|or\b|and\b|&|to\b|through\b|in\s+addition\s+to\b)\s*(?:&\s*|and\s+|or\s+)?"
    rf"(?:\d|{_NUMWORD}\b)(?:[\s,&/-]|and\b|or\b|\d|{_NUMWORD}\b)*(?:bed|br\b|bd\b|apartment|home)"
)


def _in_list(text: str, start: int, end: int, patterns: tuple[re.Pattern[str], ...]) -> bool:
    return bool(
        patterns[0].search(text[max(0, start - 24) : start])
        or patterns[1].match(text[end : end + 24])
    )


def _by(text: str) -> list[tuple[int, float]]:
    out: list[tuple[int, float]] = []
    if "x" not in text:
        return out
    for m in _BY.finditer(text):
        b = _BY_BACK.search(text, max(0, m.start() - 3), m.start())
        if b is not None:
            out.append((int(b.group(1)), float(m.group(1))))
    return out


def _bed_bath(text: str) -> list[tuple[int, float]]:
    out: list[tuple[int, float]] = []
    if "/" not in text:
        return out
    for m in _BED_BATH.finditer(text):
        b = _BED_BATH_BACK.search(text, max(0, m.start() - 8), m.start())
        if b is not None:
            out.append((int(b.group(1)), float(m.group(1))))
    return out


def _num(word: str) -> float | None:
    word = word.strip().lower()
    half = 0.0
    for suffix in (" 1/2", "1/2", "½", " and a half", " and half", " & a half", " & half"):
        if word.endswith(suffix):
            word, half = word[: -len(suffix)].strip(), 0.5
            break
    if not word:
        return None
    try:
        return float(word) + half
    except ValueError:
        pass
    value = _word_number(word)
    return None if value is None else value + half


_WORDS = {
    "zero": 0,
    "single": 1,
    "double": 2,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


@lru_cache(maxsize=256)
def _word_number(word: str) -> int | None:
    if word in _WORDS:
        return _WORDS[word]
    try:
        from word2number import w2n  # rare words only: the table covers the usual ones

        return int(w2n.word_to_num(word))
    except (ValueError, IndexError):
        return None


# Counts that are not this unit's: "at least 2 bedrooms" (a wanted ad), "some one
# bedroom units are also available", "not available for one bedroom".
_BED_OTHER_BEFORE = re.compile(
    r"\b(?:at\s+least|up\s+to|not\s+available\s+(?:for|in)|except|excluding|some)\s+$"
)


def bedroom_candidates(text: str) -> list[int]:
    found: list[tuple[int, int]] = []
    for raw, start, end in _unit_numbers(text, _BED_UNIT, _BED_BACK, 16):
        if not (
            _in_list(text, start, end, _BED_LIST)
            or _BED_OTHER_BEFORE.search(text, max(0, start - 24), start)
        ):
            v = _num(raw)
            if v is not None and 0 <= v <= 10 and v == int(v):
                found.append((start, int(v)))
    if "bed" in text:
        found.extend((m.start(), int(m.group(1))) for m in _BED_LABEL.finditer(text))
    for m in _STUDIO.finditer(text):
        before = text[max(0, m.start() - 16) : m.start()]
        if not (
            _NOT_STUDIO.search(before)
            or _in_list(text, m.start(), m.end(), _BED_LIST)
            or _STUDIO_LIST_AFTER.match(text, m.end(), m.end() + 60)
        ):
            found.append((m.start(), 0))
    found.sort()
    out = [v for _, v in found]
    out.extend(b for b, _ in _by(text))
    out.extend(b for b, _ in _bed_bath(text))
    return [v for v in out if 0 <= v <= 10]


def bathroom_candidates(text: str) -> list[float]:
    out: list[float] = []
    for raw, start, end in _unit_numbers(text, _BATH_UNIT, _BATH_BACK, 30):
        if _in_list(text, start, end, _BATH_LIST):
            continue
        v = _num(raw)
        if v is not None and 0.5 <= v <= 10:
            out.append(v)
    if "bath" in text:
        out.extend(float(m.group(1)) for m in _BATH_LABEL.finditer(text))
    out.extend(b for _, b in _by(text))
    out.extend(b for _, b in _bed_bath(text))
    return [v for v in out if 0.5 <= v <= 10]


# -- size ------------------------------------------------------------------------------

# Grouped by leading literal ("sq", "sf", "ft") so each part scans fast (see Gated).
_SIZE_UNIT = gated(
    r"sq(?:\.?\s*f(?:ee)?t|\.?\s*f\b|ft|uare\s*f(?:ee|oo)?t|\b|\.|uare\b)|sf\b|ft(?:2|\.?²)"
)
_SIZE_BACK = re.compile(
    r"(?<![\d$.,])(\d{1,2},\d{3}|\d{3,5})(?:\.\d+)?[ \t]*\+?[ \t]*(?:-[ \t]*)?\Z"
)
_SIZE_LABEL = gated(
    r"(?:sq\.?\s*ft\.?|sqft|square\s+f(?:ee|oo)t(?:age)?|footage|size)\s*[:=-]?\s*(?:of\s+|is\s+)?"
    r"(?:approx\.?\s*|approximately\s+|about\s+|~)?(\d{1,2},\d{3}|\d{3,5})\b",
    "sq",
    "square",
    "footage",
    "size",
)


# Sizes that are not the unit's living area: the upper end of a range ("619 - 636 sq
# ft", "580-613sq. ft."), a bound ("up to 1300 sq. ft.", "over 1100 sq ft") or the
# size of one room ("about 222 sf) kitchen").
_SIZE_RANGE_BEFORE = re.compile(
    r"(?:\d[\d,]*\s*(?:-|–|to)\s*|\b(?:up\s+to|over|more\s+than|under|less\s+than|nearly|"
    r"almost|between|from)\s+(?:approx\w*\.?\s+|about\s+)?)$"
)
_SIZE_ROOM_AFTER = re.compile(
    r"^\)?[ \t]*(?:kitchen|bedroom|living|dining|deck|patio|porch|yard|lot|garage|basement|"
    r"storage|office|room|closet|balcony|studio\s+space)"
)


def size_candidates(text: str) -> list[int]:
    found = [
        (start, end, raw) for raw, start, end in _unit_numbers(text, _SIZE_UNIT, _SIZE_BACK, 16)
    ]
    found.extend((m.start(1), m.end(), m.group(1)) for m in _SIZE_LABEL.finditer(text))
    found.sort()
    out: list[int] = []
    for start, end, raw in found:
        if _SIZE_RANGE_BEFORE.search(text, max(0, start - 24), start) or _SIZE_ROOM_AFTER.match(
            text[end : end + 20]
        ):
            continue
        v = number_value(raw)
        if v is not None and 100 <= v <= 20000:
            out.append(v)
    return out


def plausible_size(sqft: int, bedrooms: int | None) -> bool:
    """Whether ``sqft`` can be the size of a unit with that many bedrooms: a 3BR is
    not 300 sq ft, a studio not 4,000 (a building's or a gym's size, a lot)."""
    if bedrooms is None:
        return True
    rooms = max(bedrooms, 1)
    return 100 + 150 * (rooms - 1) <= sqft <= 1500 + 1000 * bedrooms


# -- built year / floors -----------------------------------------------------------------------

# "built in 1985" and "1985 construction": two patterns, each starting with a
# literal or a digit (a pattern starting with a group is scanned position by position).
_BUILT = gated(
    r"\b(?:built|constructed|renovated\s+and\s+built|year\s+built|build\s+year|construction)"
    r"\s*(?:in|:|-|circa|around|was)?\s*(?:the\s+year\s+)?((?:18|19|20)\d\d)\b",
    "built",
    "construct",
    "build",
)
_BUILT_BEFORE = gated(
    r"\b((?:18|19|20)\d\d)\s+(?:built|construction|build)\b", "built", "construct", "build"
)
_FLOOR_UNIT = re.compile(r"(?:stor(?:y|ies|ey)|levels?|floors?)(?![a-z])(?!\s+(?:unit|apartment))")
_FLOOR_BACK = re.compile(rf"(?<![\w.])({_NUMWORD}|\d{{1,2}}|\d\.5|single)[ \t]*-?[ \t]*\Z")
_FLOOR_LABEL = re.compile(r"floors?\s*[:=]\s*(\d)\b")


def built_year_candidates(text: str, posted: date | None) -> list[int]:
    limit = (posted or date.today()).year + 2
    out = []
    matches = sorted([*_BUILT.finditer(text), *_BUILT_BEFORE.finditer(text)], key=re.Match.start)
    for m in matches:
        y = int(m.group(1))
        if 1800 <= y <= limit:
            out.append(y)
    return out


def floor_candidates(text: str) -> list[int]:
    out = []
    for raw, start, _ in _unit_numbers(text, _FLOOR_UNIT, _FLOOR_BACK, 12):
        # "on the 3 floor": a position, not a count.
        if "on the" in text[max(0, start - 8) : start]:
            continue
        v = _num(raw)
        if v is not None and 1 <= v <= 60 and v == int(v):
            out.append(int(v))
    if "floor" in text:
        out.extend(int(m.group(1)) for m in _FLOOR_LABEL.finditer(text))
    return out


_ORDINAL = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
}
_ORD = f"({'|'.join(_ORDINAL)})"
# Found from the word "floor" back (a literal scans fast): "on the 2nd & 3rd floor" (the
# floors the unit spans), "two 1st floor bedrooms ... the 2nd floor offers" (rooms on each).
_FLOOR_WORD = re.compile(r"floors?\b")
_FLOOR_ORD_BACK = re.compile(rf"(?<!\w)(?:{_ORD}\s*(?:&|and|-|to)\s*)?(?<!\w){_ORD}[\s-]+$")
_FLOOR_OF_UNIT = re.compile(r"\s+(?:unit|apartment|apt|condo|flat)s?\b")
_UNITS_BEFORE = re.compile(r"\b(?:units|apartments|apts|homes)\b")


def floors_from_ordinals(text: str) -> int | None:
    """Floors of a unit described floor by floor, when no count is stated.

    A pair ("2nd & 3rd floor") gives its span; otherwise rooms on the 1st floor and
    on higher floors give the highest. Floors named for several units ("units on the
    1st and 2nd floor") are where units are, not one unit's floors.
    """
    numbered: set[int] = set()
    for f in _FLOOR_WORD.finditer(text):
        m = _FLOOR_ORD_BACK.search(text, max(0, f.start() - 30), f.start())
        if m is None or _UNITS_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        high = _ORDINAL[m.group(2)]
        if m.group(1):
            low = _ORDINAL[m.group(1)]
            if high > low:
                return high - low + 1
        if not _FLOOR_OF_UNIT.match(text, f.end()):
            numbered.add(high)
    if len(numbered) > 1 and min(numbered) == 1:
        return max(numbered)
    return None
