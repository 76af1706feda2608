"""Field extraction from the free text of housing ads (title + body).

    from eduscrape.extraction.housing import extract_fields
    extract_fields("$1,895 / 2br - Sunny flat", "Rent and deposit are $1895 and $1000 ...",
                   posted="2022-06-28")
    -> {"rent": 1895, "deposit": 1000, "bedrooms": 2, ...}

Each field has its own extractor that returns candidate values found in one text
segment. The candidates of the title and the body are merged per field:

- objective numbers (rent, bedrooms, bathrooms, size): the title is precise, so a
  title value wins; a value found in both title and body wins over everything;
- otherwise the most frequent body value (first seen on ties);
- booleans: a negation ("no dogs", "sorry, no pets") beats a generic "pets ok".

Scrapy-free and fast: regexes are precompiled, number words use a table (with
word2number as a fallback), amounts are parsed with price-parser, phone numbers
with phonenumbers, and dateparser is only called on rare relative date spans.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from eduscrape.extraction._housing_text import (
    email_candidates,
    number_value,
    phone_candidates,
    postal_candidates,
    street_candidates,
)

FIELDS = (
    "rent",
    "deposit",
    "bedrooms",
    "bathrooms",
    "size_sqft",
    "available_date",
    "built_year",
    "floors",
    "type",
    "laundry",
    "parking",
    "cats_ok",
    "dogs_ok",
    "smoking",
    "furnished",
    "street_address",
    "postal_code",
    "phone",
    "email",
)
AMENITIES = (
    "pool",
    "air_conditioning",
    "fireplace",
    "dishwasher",
    "utilities_included",
    "balcony",
    "gym",
)

# Extractors see lower-cased text (see extract_fields), so no IGNORECASE: it
# disables the regex engine's literal-prefix scan and costs ~10x.


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex on its top-level ``|`` (outside groups and character classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


_LITERAL_PREFIX = re.compile(r"[a-z0-9/$' -]+")


def _literal_prefix(alternative: str) -> str:
    """The plain characters an alternative must start with ("dogs?" -> "dog")."""
    m = _LITERAL_PREFIX.match(alternative)
    prefix = m.group(0) if m else ""
    if len(prefix) < len(alternative) and alternative[len(prefix)] in "?*{":
        prefix = prefix[:-1]  # the last character is optional
    return prefix if len(prefix) >= 3 else ""


class _Gated:
    """A regex run only when one of its literal keys occurs in the text.

    ``key in text`` is a fast C scan; most ads lack most keywords. Patterns
    without capturing groups are split into their top-level alternatives, each
    compiled alone and gated by its own literal prefix: Python's regex engine
    scans fast only for a pattern that starts with a literal. A leading ``\\b``
    is checked in Python for the same reason, and so is ``not_after`` (words that
    must not come right before a match), which as a leading lookbehind would make
    the engine try every position.
    """

    __slots__ = ("keys", "not_after", "parts", "rx")

    def __init__(self, pattern: str, *keys: str, not_after: str | None = None) -> None:
        self.rx = re.compile(pattern)
        self.keys = keys
        self.not_after = re.compile(rf"(?:{not_after})$") if not_after else None
        alternatives = [pattern] if self.rx.groups else _top_level_alternatives(pattern)
        self.parts: list[tuple[str, bool, re.Pattern[str]]] = []
        for alt in alternatives:
            word_start = alt.startswith("\\b")
            if word_start:
                alt = alt[2:]
            key = _literal_prefix(alt) if len(alternatives) > 1 or word_start else ""
            self.parts.append((key, word_start, re.compile(alt)))

    def _open(self, text: str) -> bool:
        # A plain loop: any() over a generator costs more than the scans themselves.
        for k in self.keys:
            if k in text:
                return True
        return not self.keys

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        if not self._open(text):
            return ()
        if len(self.parts) == 1 and not self.parts[0][1] and self.not_after is None:
            return self.parts[0][2].finditer(text)
        not_after = self.not_after
        found: list[re.Match[str]] = []
        matched_parts = 0
        for key, word_start, rx in self.parts:
            if key and key not in text:
                continue
            before = len(found)
            for m in rx.finditer(text):
                s = m.start()
                if (not word_start or s == 0 or not text[s - 1].isalnum()) and (
                    not_after is None or not not_after.search(text, max(0, s - 16), s)
                ):
                    found.append(m)
            matched_parts += len(found) > before
        # Matches of one alternative are already ordered and disjoint.
        if matched_parts > 1:
            found.sort(key=lambda m: m.start())
            # Keep non-overlapping matches, leftmost first (like one alternation).
            kept: list[re.Match[str]] = []
            end = -1
            for m in found:
                if m.start() >= end:
                    kept.append(m)
                    end = m.end()
            found = kept
        return found

    def search(self, text: str) -> re.Match[str] | None:
        for m in self.finditer(text):
            return m
        return None

    def sub(self, repl: str, text: str) -> str:
        if not self._open(text):
            return text
        return "".join(repl if isinstance(part, re.Match) else part for part in self._split(text))

    def _split(self, text: str) -> list[Any]:
        parts: list[Any] = []
        pos = 0
        for m in self.finditer(text):
            parts.extend((text[pos : m.start()], m))
            pos = m.end()
        parts.append(text[pos:])
        return parts


def _g(pattern: str, *keys: str, not_after: str | None = None) -> _Gated:
    return _Gated(pattern, *keys, not_after=not_after)


_NUMWORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|single|double)"

# -- amounts (rent, deposit) -------------------------------------------------------

_DOLLAR = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2}|\.0)?(k\b)?")
# "1600/mo", "1,600 per month", "1600 dollars": found from the unit back.
_PER_MONTH = _g(
    r"/\s*mo\b|/\s*month|per\s+month|a\s+month|monthly|dollars|/mth",
    "/",
    "month",
    "dollar",
)
_PER_MONTH_BACK = re.compile(r"(?<![\w$.,])(\d{1,2},\d{3}|\d{3,5})(\.\d{1,2})?\s*$")


def _amount_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of every money amount."""
    out = []
    if "$" in text:
        for m in _DOLLAR.finditer(text):
            if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "."):
                continue
            value = number_value(m.group(1) + (m.group(2) or ""))
            if value is not None:
                out.append((m.start(), m.end(), value * 1000 if m.group(3) else value))
    for u in _PER_MONTH.finditer(text):
        b = _PER_MONTH_BACK.search(text, max(0, u.start() - 14), u.start())
        if b is not None and (not out or all(b.start() != o[0] for o in out)):
            value = number_value(b.group(1) + (b.group(2) or ""))
            if value is not None:
                out.append((b.start(), b.end(), value))
    out.sort()
    return out


# "Rent = 766", "rent: 1,200" (no currency sign).
_RENT_LABEL = _g(
    r"\brent(?:\s+(?:fee|price|amount))?\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{3,5})(?:\.\d\d?)?\b"
    r"(?!\s*(?:sq|sf|ft|%))",
    "rent",
)
# "Deposit: 250 (150 NREF)", "security deposit = 500" (no currency sign).
_DEPOSIT_LABEL = _g(
    r"\bdeposit\s*(?:[:=]|is)\s*(\d{1,2},\d{3}|\d{2,5})(?:\.\d\d?)?\b(?!\s*(?:sq|sf|ft|%|/|month|mo\b))",
    "deposit",
)
_RESPECTIVELY = _g(
    r"rent\s+and\s+(?:security\s+)?deposit\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*"
    r"(?:and|&|/)\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:,?\s*respectively)?"
    r"|deposit\s+and\s+rent\s+(?:are|is|of|:)?\s*\$?\s?([\d,]+(?:\.\d+)?)\s*(?:and|&|/)\s*\$?\s?"
    r"([\d,]+(?:\.\d+)?)",
    "deposit",
)
# Context words before an amount; the one closest to the amount decides its role.
_CTX_WORDS = re.compile(
    r"(?P<dep>deposit|security|\bsd\b|\bdep\b)"
    r"|(?P<rent>\brent(?:al)?\s+(?:fee|rate|price|amount|cost)|weekly\s+(?:fee|rate|price)|\brent\b|\brents\b|\bprice|\bpriced|\brate\b|\blease\b|monthly|weekly|per\s+week"
    r"|/mo|\bmonth\b)"
    r"|(?P<weak>starting|starts|\bfrom\b|\bonly\b|\bjust\b|\bfor\b|\bat\b)"
    r"|(?P<other>\bfees?\b|application|\bapp\b|admin|income|earn|salary|\bmake|\bpets?\b|utilit"
    r"|water|trash|sewer|electric|\bgas\b|internet|cable|credit|background|bonus|\boff\b|\bsave"
    r"|discount|special|valued|reward|gift|\blate\b|holding|parking|garage|storage|\bcharge"
    r"|insurance|renters|refundable|\bper\s+person|\bmax|\bmin\b|minimum|up\s+to|exceed"
    r"|waive|rebate|concession|referral|cleaning|\bkey\b|redecorat|move[\s-]*in\s+cost|total"
    r"|\btax|\bvalue|budget|\bmortgage|\bpurchase|\bsale\b|\bsold\b|\bworth)"
)
# Words right after an amount that make it a fee, a discount or a move-in total.
_AFTER_OTHER = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*(?:/[ \t]*)?(?!plus|\+)(?:[\w']+[ \t]+){0,2}?(?:application|app\b|admin|fee|"
    r"pet|non-?refundable|off\b|of\b|credit|income|holding|utilities\b(?!\s+(?:are\s+)?(?:included|incl|paid))|water|parking|garage|"
    r"storage|bonus|gift|discount|towards|toward|to\s+move|moves?\s+you|move[\s-]*in\s+special|"
    r"rebate|savings|tax)"
)
_AFTER_DEPOSIT = re.compile(
    r"^[ \t]*(?:\.\d+)?[ \t]*"
    # "$500-1 months rent deposit": a range up to a month's rent, then the word.
    r"(?:(?:-|to|or)[ \t]*(?:1|one)[ \t]*(?:full[ \t]+)?months?'?s?'?[ \t]+rent[ \t]*)?"
    r"(?:security(?:[ \t]*(?:deposit|dep\b))?|(?:refundable|sec\.?|damage)?[ \t]*(?:deposit|dep\b))"
)
# "No deposit required", "no security deposit": a deposit of $0.
_NO_DEPOSIT = _g(r"\bno\s+(?:security\s+)?deposit\b(?!\s+(?:alternative|option))", "deposit")
_AFTER_UNIT = re.compile(r"\s*(?:sq|sf|ft|square|acre|mile|lbs?\b|pounds)")
_MONTH_RENT_DEPOSIT = _g(
    r"deposit[^.\n]{0,40}?\b(?:one|1|first)\s*(?:full\s+)?month'?s?'?\s*rent"
    r"|(?:one|1)\s*month'?s?'?\s*rent\s*(?:as\s+|for\s+|security\s+)*deposit"
    r"|deposit[^.\n]{0,20}?equal\s+to\s+(?:one\s+month'?s?'?\s+)?rent",
    "month",
    "equal",
)


_CLAUSE_SPLIT = re.compile(r"[.!?\n]|\s-\s|\s\|\s")


def _amount_value(text: str) -> int | None:
    return number_value(text)


def _amounts(text: str) -> tuple[list[int], list[int]]:
    """Return (rent candidates, deposit candidates) of one text segment."""
    rents: list[int] = []
    deposits: list[int] = []
    for m in _RESPECTIVELY.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        r, d = _amount_value(a), _amount_value(b)
        if r:
            rents.append(r)
        if d:
            deposits.append(d)
    if rents or deposits:
        return rents, deposits
    for m in _RENT_LABEL.finditer(text):
        value = _amount_value(m.group(1))
        if value is not None and 100 <= value <= 50000:
            rents.append(value)
    for m in _DEPOSIT_LABEL.finditer(text):
        value = _amount_value(m.group(1))
        if value is not None and 50 <= value <= 50000:
            deposits.append(value)
    # Words right after an amount ("$1500 security") are its own, not the next one's.
    owned_until = 0
    for start, end, value in _amount_spans(text):
        before = text[max(0, start - 40, owned_until) : start]
        # Only the clause that leads to the amount counts as its context.
        before = _CLAUSE_SPLIT.split(before)[-1][-28:]
        after = text[end : end + 40]
        if _AFTER_UNIT.match(after):
            continue
        role = None
        for c in _CTX_WORDS.finditer(before):
            # "Deposit: starting at $299": weak words keep an earlier role.
            if c.lastgroup != "weak" or role is None:
                role = "rent" if c.lastgroup == "weak" else c.lastgroup
        after_deposit = _AFTER_DEPOSIT.match(after)
        if after_deposit:
            role = "dep"
            owned_until = end + after_deposit.end()
        elif role != "dep" and _AFTER_OTHER.match(after):
            role = "other"
        if role == "dep":
            # "Security Deposit: $0" states a deposit; other small amounts are fees.
            if 50 <= value <= 50000 or value == 0:
                deposits.append(value)
        elif role != "other" and 100 <= value <= 50000:
            rents.append(value)
    if not deposits and _NO_DEPOSIT.search(text):
        deposits.append(0)
    return rents, deposits


# -- bedrooms / bathrooms ------------------------------------------------------------
#
# "<number> <unit>" patterns are found unit first (a literal, which the regex
# engine scans fast), then the number is matched right before it: a pattern
# starting with a digit or a word boundary would be tried at every position.


def _unit_numbers(
    text: str, unit_rx: re.Pattern[str] | _Gated, back_rx: re.Pattern[str], width: int = 24
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
_BED_BACK = re.compile(rf"(?<![\w.])(\d{{1,2}}|{_NUMWORD})[ \t]*-?[ \t]*$")
_BED_LABEL = re.compile(r"bed(?:room)?s?\s*[:=]\s*(\d+)\b")
_STUDIO = _g(
    r"\b(?:studios?|efficiency(?=\s+(?:apartment|unit|apt))|bachelor(?=\s+apartment))\b",
    "studio",
    "efficiency",
    "bachelor",
)
_BATH_UNIT = re.compile(r"ba(?:th\s*rooms?|ths?)?(?![a-z])|bth(?![a-z])")
_BATH_BACK = re.compile(
    rf"(?<![\d.])((?:\d{{1,2}}|\b{_NUMWORD})(?:\.\d|[ \t]*1/2|[ \t]*½|[ \t]+(?:and|&)[ \t]+(?:a[ \t]+)?half)?)"
    r"[ \t]*-?[ \t]*(?:full[ \t]+)?$"
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
    out = []
    if "x" not in text:
        return out
    for m in _BY.finditer(text):
        b = _BY_BACK.search(text, max(0, m.start() - 3), m.start())
        if b is not None:
            out.append((int(b.group(1)), float(m.group(1))))
    return out


def _bed_bath(text: str) -> list[tuple[int, float]]:
    out = []
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


def _bedrooms(text: str) -> list[int]:
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


def _bathrooms(text: str) -> list[float]:
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

# Grouped by leading literal ("sq", "sf", "ft") so each part scans fast (see _Gated).
_SIZE_UNIT = _g(
    r"sq(?:\.?\s*f(?:ee)?t|\.?\s*f\b|ft|uare\s*f(?:ee|oo)?t|\b|\.|uare\b)|sf\b|ft(?:2|\.?²)"
)
_SIZE_BACK = re.compile(
    r"(?<![\d$.,])(\d{1,2},\d{3}|\d{3,5})(?:\.\d+)?[ \t]*\+?[ \t]*(?:-[ \t]*)?$"
)
_SIZE_LABEL = _g(
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


def _sizes(text: str) -> list[int]:
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


# -- dates -----------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b(?P<m1>{_MON})\s+{_DAY.replace('(', '(?P<d1>', 1)}\b(?:,?\s*(?P<y1>20\d\d))?"
    rf"|\b{_DAY.replace('(', '(?P<d2>', 1)}\s+(?:of\s+)?(?P<m2>{_MON})\b(?:,?\s*(?P<y2>20\d\d))?"
    r"|(?<![\d/$.])(?P<m3>1[0-2]|0?[1-9])[/-](?P<d3>3[01]|[12]\d|0?[1-9])(?:[/-](?P<y3>20\d\d|\d\d))?"
    r"(?![\d/%]|\.\d)"
    r"|\b(?P<iy>20\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b"
    rf"|\b(?P<mid>mid|early|end\s+of|late|beginning\s+of|first\s+of)[\s-]+(?P<m4>{_MON})"
    rf"|\b(?P<m5>{_MON})\s+(?P<ord>1st|first)\b",
)
_AVAIL_CTX = _g(  # no gate keys: each literal-led alternative is gated by its own prefix
    r"avail|move[\s-]*in|starting|start\s+date|begin|lease\s+start|as\s+of|ready|occupancy|"
    r"vacant|date",
)
# One top-level alternative per leading word: each then starts with a literal
# (see _Gated), several times faster than a leading group.
_NOW_AFTER = r"\b[^.\n]{0,25}?\b(?:now|immediately|immediate|today|asap|right\s+away)\b"
_NOW = _g(
    "|".join(
        rf"\b{word}{_NOW_AFTER}"
        for word in (r"avail\w*", r"move[\s-]*in", "ready", "vacant", "occupancy")
    )
    + r"|\bavailable\s+(?:to\s+move\s+in\s+)?(?:now|immediately|today)\b"
    r"|\bready\s+(?:to\s+move\s+in\s+)?(?:now|immediately|today)\b"
    r"|\bimmediate\s+(?:move[\s-]*in|occupancy|availability)\b"
    r"|\bmove[\s-]*in\s+ready\b",
    "now",
    "immediate",
    "today",
    "asap",
    "right away",
    "ready",
)
_FIRST_OF_MONTH = _g(
    "|".join(
        rf"\b{word}\b[^.\n]{{0,20}}?(?:the\s+)?(?:1st|first)\s+of\s+(?:the\s+)?(?:next\s+)?month\b"
        for word in (r"avail\w*", r"move[\s-]*in", "starting")
    ),
    "month",
)
_RELATIVE = _g(
    r"\b(?:avail\w*|move[\s-]*in)\b[^.\n]{0,15}?\b(in\s+(?:\d+|one|two|three|four)\s+"
    r"(?:days?|weeks?|months?)|next\s+(?:week|month|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday))\b",
    "week",
    "month",
    "day",
    "next",
)


def _resolve(month: int, day: int, year: int | None, posted: date | None) -> date | None:
    if year is not None and year < 100:
        year += 2000
    ref = posted or date.today()
    try:
        if year is not None:
            return date(year, month, day)
        d = date(ref.year, month, day)
        # No year: the next such date, allowing a date a few weeks in the past.
        if d < ref - timedelta(days=45):
            d = date(ref.year + 1, month, day)
        return d
    except ValueError:
        return None


def _date_match(m: re.Match[str], posted: date | None) -> date | None:
    g = m.groupdict()
    if g["m1"]:
        return _resolve(
            _MONTHS[g["m1"][:3].lower()],
            int(g["d1"]),
            int(g["y1"]) if g["y1"] else None,
            posted,
        )
    if g["m2"]:
        return _resolve(
            _MONTHS[g["m2"][:3].lower()], int(g["d2"]), int(g["y2"]) if g["y2"] else None, posted
        )
    if g["m3"]:
        return _resolve(int(g["m3"]), int(g["d3"]), int(g["y3"]) if g["y3"] else None, posted)
    if g["iy"]:
        try:
            return date(int(g["iy"]), int(g["im"]), int(g["id"]))
        except ValueError:
            return None
    if g["m4"]:
        word = g["mid"].lower()
        day = 15 if word == "mid" else 1
        if word.startswith(("end", "late")):
            day = 28 if word.startswith("end") else 25
        return _resolve(_MONTHS[g["m4"][:3].lower()], day, None, posted)
    if g["m5"]:
        return _resolve(_MONTHS[g["m5"][:3].lower()], 1, None, posted)
    return None


@lru_cache(maxsize=1024)
def _dateparser_relative(span: str, posted: date) -> date | None:
    import datetime as _dt

    import dateparser  # slow to import and to call: only for rare relative spans

    base = _dt.datetime(posted.year, posted.month, posted.day, 12)
    parsed = dateparser.parse(
        span,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
    )
    return parsed.date() if parsed else None


_SENTENCE_END = re.compile(r"[.!?;\n](?!\d)")
# "open house July 2", "office hours 9/5", "call 1/2" are not availability.
_NOT_AVAIL = re.compile(r"open\s+house|showing|tour|hours|call|text|apply\s+by|deadline")


def _dates(text: str, posted: date | None) -> list[date]:
    """Available-date candidates: dates in an availability context, else "now"."""
    out: list[date] = []
    seen: set[int] = set()
    # Anchor on availability words and look for a date right after them (within
    # the sentence): cheaper than scanning every date, and more precise.
    for a in _AVAIL_CTX.finditer(text):
        window_end = min(len(text), a.end() + 45)
        m = _DATE.search(text, a.end(), window_end)
        if m is None or m.start() in seen:
            continue
        between = text[a.end() : m.start()]
        if _SENTENCE_END.search(between) or _NOT_AVAIL.search(between):
            continue
        seen.add(m.start())
        d = _date_match(m, posted)
        if d is not None and (posted is None or -60 <= (d - posted).days <= 400):
            out.append(d)
    if out or posted is None:
        return out
    if _FIRST_OF_MONTH.search(text):
        return [date(posted.year + posted.month // 12, posted.month % 12 + 1, 1)]
    if _NOW.search(text):
        return [posted]
    m = _RELATIVE.search(text)
    if m:
        d = _dateparser_relative(m.group(1).lower(), posted)
        if d is not None:
            out.append(d)
    return out


# -- categorical fields -------------------------------------------------------------------

_TYPE = [
    ("assisted living", _g(r"\bassisted[\s-]+living\b", "assisted")),
    ("townhouse", _g(r"\btown\s*-?\s*(?:house|home)s?\b|\brow\s*house", "town", "row")),
    (
        "manufactured",
        _g(r"\bmobile\s+homes?\b|\bmanufactured\b|\btrailer\b", "mobile", "manuf", "trailer"),
    ),
    (
        "in-law",
        _g(
            r"\bin[\s-]*law\b|\bgranny\b|\badu\b|\bcarriage\s+house",
            "law",
            "granny",
            "adu",
            "carriage",
        ),
    ),
    ("cottage/cabin", _g(r"\bcottage\b|\bcabin\b", "cottage", "cabin")),
    ("condo", _g(r"\bcondo(?:minium)?s?\b", "condo")),
    ("duplex", _g(r"\bduplex\b|\btriplex\b|\bfourplex\b|\bquadplex\b", "plex")),
    ("loft", _g(r"\bloft\b(?!\s+(?:bed|area|space|style))", "loft")),
    (
        "apartment",
        _g(
            r"\bapartments?\b|\bapts?\b|\bapt\.|\bstudio\b|\bunits?\b",
            "apt",
            "apartment",
            "studio",
            "unit",
        ),
    ),
    (
        "house",
        _g(
            r"\bsingle[\s-]*family\b|\bhouse\b(?!\s*(?:rules|keeping))|\bhome\s+for\s+rent\b|"
            # One alternative per word: each starts with a literal (fast scan).
            + "|".join(
                rf"\b{word}\s+home\b"
                for word in (
                    "ranch",
                    "brick",
                    "story",
                    "bedroom",
                    "br",
                    "bed",
                    "family",
                    "rental",
                    "entire",
                    "whole",
                    r"cape\s+cod",
                    "colonial",
                    "bungalow",
                    "craftsman",
                    r"split[\s-]level",
                )
            ),
            "house",
            "home",
            "family",
        ),
    ),
    ("flat", _g(r"\bflat\b(?!\s+(?:fee|rate|screen|top|surface|roof))", "flat")),
    ("land", _g(r"\bland\s+(?:for\s+rent|lease)\b|\blot\s+for\s+rent\b", "land", "lot")),
]
# "apartment home(s)" and "apartment community" are the same thing as apartment.
_APT_HOME = _g(r"\bapartment\s+homes?\b", "apartment")

# After a bare "washer/dryer": words that make it hookups or a shared room.
_NOT_SHARED = (
    r"(?!\s*(?:hook|connect|coin|rental|in\s+(?:the\s+)?(?:basement|building|bldg)|on[\s-]*site))"
)

# In priority order: "washer/dryer hookups" also says "washer/dryer", a shared
# laundry room is often mentioned next to the unit's own hookups.
_LAUNDRY = [
    ("no laundry on site", _g(r"\bno\s+(?:on[\s-]*site\s+)?laundry\b|\bno\s+washer", "no")),
    (
        "w/d in unit",
        _g(
            r"\bw\s*/\s*d\s+in[\s-]*(?:unit|suite|home)|\bin[\s-]*(?:unit|suite|home)\s+(?:laundry|"
            r"washer|w\s*/\s*d)|"
            + "|".join(
                rf"{machine}s?\s+(?:are\s+|is\s+)?(?:in[\s-]*(?:each\s+|the\s+|every\s+|your\s+)?"
                r"(?:unit|suite|home|apartment)|included|provided)"
                for machine in ("washer", "dryer", "laundry")
            )
            + r"|laundry\s*:\s*in[\s-]*unit|stackable(?![^.\n]{0,25}(?:hook|connection))",
            "unit",
            "suite",
            "home",
            "include",
            "provided",
            "stackable",
        ),
    ),
    (
        "w/d hookups",
        _g(
            r"hook[\s-]*ups?\b|hook[\s-]*up\s+for|connections?\s+for\s+(?:a\s+)?washer|"
            r"(?:washer|dryer)\s+connections?|room\s+for\s+(?:a\s+)?washer|"
            # Rented machines need connections in the unit.
            r"(?:washers?|dryers?|w\s*/\s*d)\s*(?:(?:/|and|&)\s*dryers?\s*)?rentals?\b",
            "hook",
            "connection",
            "room for",
            "rental",
        ),
    ),
    # A bare "washer/dryer" amenity: in unit, unless followed by hookups or a shared room.
    (
        "w/d in unit",
        _g(
            rf"full[\s-]*size\s+washer{_NOT_SHARED}|washer\s*(?:/|and|&|\+)\s*dryer\b{_NOT_SHARED}"
            rf"|\bw\s*/\s*d\b{_NOT_SHARED}",
            "washer",
            "w/d",
            "w / d",
            not_after=r"coin-operated |coin-op |coin operated |shared |common ",
        ),
    ),
    (
        "laundry in bldg",
        _g(
            r"laundry\s+(?:room\s+|facilit\w*\s+)?(?:in|inside)\s+(?:the\s+|each\s+|every\s+)?"
            r"(?:bldg|building)|(?:building|in-building|shared|common)\s+laundry|"
            r"(?:washer|dryer|laundry)s?\s+in\s+(?:the\s+)?building",
            "laundry",
            "building",
        ),
    ),
    (
        "laundry on site",
        _g(
            r"on[\s-]*site\s+laundry|laundr\w*\s+(?:on[\s-]*site|facilit|room|center|care)|"
            r"laundry\s+(?:is\s+)?available|coin[\s-]*(?:op(?:erated)?\s+)?(?:laundry|washer)|"
            r"laundry\s+in\s+(?:the\s+)?basement|w\s*/\s*d\s+coin",
            "laundr",
            "coin",
        ),
    ),
]


# "w/d hookups in select 3 bedrooms", "connections only in 2bedrooms": a feature of
# some of the community's units, not necessarily this one.
_LAUNDRY_HEDGE = re.compile(
    r"[^.\n*]{0,30}?(?:\bonly\s+(?:in|for|available)|\bin\s+select|\bselect\s+"
    r"(?:units|homes|apartments)|\bnot\s+available|\bin\s+some\b)"
)


def _laundry_found(rx: _Gated, text: str) -> bool:
    return any(not _LAUNDRY_HEDGE.match(text, m.end(), m.end() + 40) for m in rx.finditer(text))


def _laundry(title: str, body: str) -> str | None:
    """The first pattern of :data:`_LAUNDRY` (priority order) found in title or body."""
    for value, rx in _LAUNDRY:
        if _laundry_found(rx, title) or _laundry_found(rx, body):
            return value
    return None


_PARKING = [
    ("valet parking", _g(r"\bvalet\b(?!\s+(?:trash|waste|garbage|dry|laundry))", "valet")),
    ("no parking", _g(r"\bno\s+parking\b", "no")),
    ("detached garage", _g(r"\bdetached\b[^.\n]{0,20}\bgarage", "detached")),
    ("attached garage", _g(r"\battached\b[^.\n]{0,20}\bgarage|\bgarage\s+attached", "attached")),
    ("carport", _g(r"\bcarports?\b|\bcovered\s+parking\b", "carport", "covered")),
    (
        "off-street parking",
        _g(
            r"\boff[\s-]*street\b|\bdriveway\b|\bparking\s+lot\b|\bassigned\s+parking\b|"
            r"\breserved\s+parking\b|\bparking\s+space|\bparking\s+spot|\bon[\s-]*site\s+parking|"
            r"\bsurface\s+parking|\bprivate\s+parking|\bparking\s+included|\bfree\s+parking",
            "off",
            "driveway",
            "parking",
        ),
    ),
    (
        "street parking",
        _g(r"(?<!off-)(?<!off )(?<!off)street\s+parking\b|\bon[\s-]*street\b", "street"),
    ),
    (
        "attached garage",
        _g(
            r"\b(?:\d|one|two|three)[\s-]*car\s+garage\b|\bgarage\s+parking|\bprivate\s+garage",
            "garage",
        ),
    ),
]


def _categorical(text: str, table: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """Every value whose phrases occur, once per occurrence (ordered by position)."""
    hits: list[tuple[int, str]] = []
    for value, rx in table:
        hits.extend((m.start(), value) for m in rx.finditer(text))
    hits.sort()
    return [v for _, v in hits]


# "parking: street parking", "parking type: attached garage": the ad's own field line.
_PARKING_LINE = _g(r"\bparking(?:\s+type)?\s*::?[ \t]*([^\n]*)", "parking")
# "off-street or garage parking", "garage or off street": the tenant's choice, not one value.
_OR = re.compile(r"\s+(?:or|and/or)\s+")


def _parking(text: str) -> list[str]:
    """Parking values of one text segment (see :func:`_categorical`), with these rules:
    a "parking: X" field line decides alone (a list of several values there means
    several kinds on offer: none); two values joined by "or" and plural garages
    are dropped.
    """
    if "parking" in text:
        for m in _PARKING_LINE.finditer(text):
            line = m.group(1)[:80]
            values = set(_categorical(line, _PARKING))
            if len(values) > 1 or (values and "," in line):
                return []
            if values:
                return list(values)
    hits: list[tuple[int, int, str]] = []
    for value, rx in _PARKING:
        for m in rx.finditer(text):
            # "detached garages", "villas with attached garages": what a community
            # offers (often at extra rent), not this unit's parking.
            if not (value.endswith("garage") and text.startswith("s", m.end())):
                hits.append((m.start(), m.end(), value))
    if len(hits) < 2:
        return [v for _, _, v in hits]
    hits.sort()
    drop: set[int] = set()
    for i in range(len(hits) - 1):
        (_, end, a), (start, _, b) = hits[i], hits[i + 1]
        if a != b and 0 <= start - end < 30 and _OR.search(text, end, start):
            drop.update((i, i + 1))
    return [v for i, (_, _, v) in enumerate(hits) if i not in drop]


def _types(text: str) -> list[str]:
    return _categorical(_APT_HOME.sub("apartment", text), _TYPE)


# -- booleans --------------------------------------------------------------------------------

_NO_PETS = _g(
    r"\bno\s+pets?\b|\bpets?\s+(?:are\s+)?not\s+(?:allowed|permitted|accepted)|"
    r"\bno\s+animals\b|\bnot\s+pet[\s-]*friendly|pet[\s-]*free\b",
    "no",
    "pet",
)
_PETS_OK = _g(
    r"\bpet[\s-]*friendly\b|\bpets?\s+(?:are\s+)?(?:welcome|allowed|ok|okay|accepted|considered|"
    r"negotiable)|\bpet\s+(?:fee|deposit|rent|policy|park)|\bpets\s+(?:up\s+to|under)\b|"
    r"\ballows?\s+pets\b|\bbring\s+your\s+(?:pet|furry)|\bpets?\s+(?:friendly|love)",
    "pet",
)
_NO_CATS = _g(r"\bno\s+cats?\b|\bcats?\s+(?:are\s+)?not\s+(?:allowed|permitted)", "cat")
_NO_DOGS = _g(
    r"\bno\s+(?:large\s+|big\s+)?dogs?\b|\bdogs?\s+(?:are\s+)?not\s+(?:allowed|permitted)", "dog"
)
_CATS = _g(r"\bcats?\b|\bkittens?\b|\bfeline", "cat", "kitten", "feline")
_DOGS = _g(r"\bdogs?\b|\bpupp(?:y|ies)\b|\bcanine", "dog", "pupp", "canine")
_NO_SMOKING = _g(
    r"\bno\s+smok\w*|\bnon[\s-]*smok\w*|\bsmoke[\s-]*free\b|\bnot?\b[^.\n]{0,25}\bsmok\w*|"
    r"\bsmoking\s+(?:is\s+)?(?:not|prohibited)",
    "smok",
)
_SMOKING_OK = _g(r"\bsmoking\s+(?:is\s+)?(?:allowed|ok|permitted|welcome)\b", "smoking")
_UNFURNISHED = _g(r"\bun[\s-]*furnished\b|\bnot\s+furnished\b", "furnished")
_FURNISHED = _g(
    r"(?<!un)(?<!un-)\bfurnished\b|\bfurniture\s+(?:is\s+)?included|\bfully\s+furnished", "furni"
)
_AMENITY_RX = {
    "pool": _g(r"\bpools?\b|swimming", "pool", "swimming"),
    "air_conditioning": _g(
        r"\bair[\s-]*condition\w*|\bcentral\s+air\b|\ba\s*/\s*c\b|\bhvac\b",
        "air",
        "a/c",
        "a / c",
        "hvac",
    ),
    "fireplace": _g(r"\bfire[\s-]*places?\b", "fire"),
    "dishwasher": _g(r"\bdish[\s-]*washers?\b", "dish"),
    "utilities_included": _g(
        r"\butilities\s+(?:are\s+)?(?:included|incl\b|paid)|\ball\s+utilities\b|"
        r"\bincludes?\s+(?:all\s+)?utilities",
        "utilities",
    ),
    "balcony": _g(r"\bbalcon(?:y|ies)\b|\bpatio\b", "balcon", "patio"),
    "gym": _g(r"\bgym\b|\bfitness\s+(?:center|room)", "gym", "fitness"),
}


def _pets(text: str) -> tuple[bool | None, bool | None]:
    cats: bool | None = None
    dogs: bool | None = None
    if _PETS_OK.search(text):
        cats = dogs = True
    if cats is None and _CATS.search(text):
        cats = True
    if dogs is None and _DOGS.search(text):
        dogs = True
    if _NO_PETS.search(text):
        cats = dogs = False
    if _NO_CATS.search(text):
        cats = False
    if _NO_DOGS.search(text):
        dogs = False
    return cats, dogs


# -- built year / floors -----------------------------------------------------------------------

# "built in 1985" and "1985 construction": two patterns, each starting with a
# literal or a digit (a pattern starting with a group is scanned position by position).
_BUILT = _g(
    r"\b(?:built|constructed|renovated\s+and\s+built|year\s+built|build\s+year|construction)"
    r"\s*(?:in|:|-|circa|around|was)?\s*(?:the\s+year\s+)?((?:18|19|20)\d\d)\b",
    "built",
    "construct",
    "build",
)
_BUILT_BEFORE = _g(
    r"\b((?:18|19|20)\d\d)\s+(?:built|construction|build)\b", "built", "construct", "build"
)
_FLOOR_UNIT = re.compile(r"(?:stor(?:y|ies|ey)|levels?|floors?)(?![a-z])(?!\s+(?:unit|apartment))")
_FLOOR_BACK = re.compile(rf"(?<![\w.])({_NUMWORD}|\d{{1,2}}|\d\.5|single)[ \t]*-?[ \t]*$")
_FLOOR_LABEL = re.compile(r"floors?\s*[:=]\s*(\d)\b")


def _built_years(text: str, posted: date | None) -> list[int]:
    limit = (posted or date.today()).year + 2
    out = []
    matches = sorted([*_BUILT.finditer(text), *_BUILT_BEFORE.finditer(text)], key=re.Match.start)
    for m in matches:
        y = int(m.group(1))
        if 1800 <= y <= limit:
            out.append(y)
    return out


def _floors(text: str) -> list[int]:
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
_ORD = r"(1st|first|2nd|second|3rd|third|4th|fourth)"
# Found from the word "floor" back (a literal scans fast): "on the 2nd & 3rd floor" (the
# floors the unit spans), "two 1st floor bedrooms ... the 2nd floor offers" (rooms on each).
_FLOOR_WORD = re.compile(r"floors?\b")
_FLOOR_ORD_BACK = re.compile(rf"(?<!\w)(?:{_ORD}\s*(?:&|and|-|to)\s*)?(?<!\w){_ORD}[\s-]+$")
_FLOOR_OF_UNIT = re.compile(r"\s+(?:unit|apartment|apt|condo|flat)s?\b")
_UNITS_BEFORE = re.compile(r"\b(?:units|apartments|apts|homes)\b")


def _floor_span(text: str) -> int | None:
    """Floors of a unit described floor by floor, when no count is stated.

    A pair ("2nd & 3rd floor") gives its span; otherwise rooms on the 1st floor and
    on higher floors give the highest. Floors named for several units ("units on the
    1st and 2nd floor") are where units are, not one unit's floors.
    """
    floors: set[int] = set()
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
            floors.add(high)
    if len(floors) > 1 and min(floors) == 1:
        return max(floors)
    return None


# -- merge rules -------------------------------------------------------------------------------


def _merge(title: Iterable[Any], body: Iterable[Any], title_first: bool = True) -> Any:
    """One value from title and body candidates (see the module docstring)."""
    t = list(title)
    b = list(body)
    if not t and not b:
        return None
    both = [v for v in t if v in b]
    if both:
        return both[0]
    if t and title_first:
        return t[0]
    values = b or t
    if len(values) == 1:
        return values[0]
    counts = Counter(values)
    best = max(counts.values())
    for v in values:
        if counts[v] == best:
            return v
    return None


# Extended-stay hotels call their rooms "studio" but post them as 1BR (all six such
# ads in ads/dev, four cities): the text does not give the count, so don't answer.
_SHORT_STAY = _g(
    r"extended[\s-]*stay|weekly\s+(?:rates?|rental|housekeeping|stays?)|\d\s*weekly|nightly"
    r"|per\s+(?:week|night)\b|/\s*(?:week|night)\b|month\s+minimum|\bhotel\b",
    "stay",
    "weekly",
    "night",
    "week",
    "minimum",
    "hotel",
)


def _plan_lines(body: str, bedrooms: int | None) -> str:
    """The body lines that describe a floor plan with ``bedrooms`` bedrooms."""
    if bedrooms is None:
        return ""
    lines = [
        line
        for line in body.split("\n")
        if len(line) < 200 and bedrooms in _bedrooms(line) and len(set(_bedrooms(line))) == 1
    ]
    return "\n".join(lines)


def _parse_posted(posted: Any) -> date | None:
    if posted is None or posted == "":
        return None
    if isinstance(posted, date):
        return posted
    try:
        return date.fromisoformat(str(posted)[:10])
    except ValueError:
        return None


def extract_fields(title: str | None, body: str | None, posted: Any = None) -> dict[str, Any]:
    """Extract housing fields from an ad's title and body.

    ``posted`` (ISO date string or ``date``) anchors relative dates ("now",
    "mid-April"). Returns every name in :data:`FIELDS` and :data:`AMENITIES`;
    ``None`` means not found in the text.
    """
    title_raw = title or ""
    body_raw = body or ""
    # The extractors' patterns are lower-case (faster than IGNORECASE); contact and
    # address extractors need the original case.
    title = title_raw.lower()
    body = body_raw.lower()
    posted_date = _parse_posted(posted)
    out: dict[str, Any] = {}

    t_rent, t_dep = _amounts(title)
    b_rent, b_dep = _amounts(body)
    out["bedrooms"] = _merge(_bedrooms(title), _bedrooms(body))
    if out["bedrooms"] == 0 and (_SHORT_STAY.search(body) or _SHORT_STAY.search(title)):
        out["bedrooms"] = None
    out["bathrooms"] = _merge(_bathrooms(title), _bathrooms(body))
    t_size, b_size = _sizes(title), _sizes(body)
    # Several floor plans in one ad: keep the values on the lines of the plan with
    # the ad's bedroom count ("2 Bed/ 1 Bath 975 Sq Ft $710 Month").
    if (not t_rent and len(set(b_rent)) > 1) or (not t_size and len(set(b_size)) > 1):
        plan = _plan_lines(body, out["bedrooms"])
        if plan:
            p_rent, _ = _amounts(plan)
            p_size = _sizes(plan)
            if p_rent and not t_rent and len(set(b_rent)) > 1:
                b_rent = p_rent
            if p_size and not t_size and len(set(b_size)) > 1:
                b_size = p_size
    out["rent"] = _merge(t_rent, b_rent)
    out["deposit"] = _merge(t_dep, b_dep)
    # "deposit: one month's rent" -> deposit = rent.
    if (
        out["rent"] is not None
        and (out["deposit"] is None or out["deposit"] < 100)
        and (_MONTH_RENT_DEPOSIT.search(body) or _MONTH_RENT_DEPOSIT.search(title))
    ):
        out["deposit"] = out["rent"]
    out["size_sqft"] = _merge(t_size, b_size)

    avail = _merge(_dates(title, posted_date), _dates(body, posted_date))
    out["available_date"] = avail.isoformat() if avail else None
    out["built_year"] = _merge(_built_years(title, posted_date), _built_years(body, posted_date))
    out["floors"] = _merge(_floors(title), _floors(body)) or _floor_span(f"{title}\n{body}")

    out["type"] = _merge(_types(title), _types(body))
    out["laundry"] = _laundry(title, body)
    out["parking"] = _merge(_parking(title), _parking(body), title_first=False)

    text = f"{title}\n{body}"
    out["cats_ok"], out["dogs_ok"] = _pets(text)
    if _NO_SMOKING.search(text):
        out["smoking"] = False
    elif _SMOKING_OK.search(text):
        out["smoking"] = True
    else:
        out["smoking"] = None
    if _UNFURNISHED.search(text):
        out["furnished"] = False
    elif _FURNISHED.search(text):
        out["furnished"] = True
    else:
        out["furnished"] = None

    out["street_address"] = _merge(street_candidates(title_raw), street_candidates(body_raw))
    out["postal_code"] = _merge(postal_candidates(title_raw), postal_candidates(body_raw))
    out["phone"] = _merge(phone_candidates(title_raw), phone_candidates(body_raw))
    out["email"] = _merge(email_candidates(title_raw), email_candidates(body_raw))
    for name, rx in _AMENITY_RX.items():
        out[name] = True if rx.search(text) else None
    return out


def merge_fields(
    attributes: dict[str, Any], text_fields: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Page attributes where the page states them, text values where it doesn't.

    Returns ``(fields, sources)``; ``sources[name]`` is ``"attributes"`` or ``"text"``.
    Only names in :data:`FIELDS` and :data:`AMENITIES` are merged.
    """
    fields: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in FIELDS + AMENITIES:
        if attributes.get(name) is not None:
            fields[name], sources[name] = attributes[name], "attributes"
        elif text_fields.get(name) is not None:
            fields[name], sources[name] = text_fields[name], "text"
    return fields, sources
