"""Available-date candidates of one text segment."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from eduscrape.housing._gated import gated

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
_AVAIL_CTX = gated(  # no gate keys: each literal-led alternative is gated by its own prefix
    r"avail|move[\s-]*in|starting|start\s+date|begin|lease\s+start|as\s+of|ready|occupancy|"
    r"vacant|date",
)
# One top-level alternative per leading word: each then starts with a literal
# (see Gated), several times faster than a leading group.
_NOW_AFTER = r"\b[^.\n]{0,25}?\b(?:now|immediately|immediate|today|asap|right\s+away)\b"
_NOW = gated(
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
_FIRST_OF_MONTH = gated(
    "|".join(
        rf"\b{word}\b[^.\n]{{0,20}}?(?:the\s+)?(?:1st|first)\s+of\s+(?:the\s+)?(?:next\s+)?month\b"
        for word in (r"avail\w*", r"move[\s-]*in", "starting")
    ),
    "month",
)
_RELATIVE = gated(
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


# Plausible available dates, in days from the posting date.
_EARLIEST, _LATEST = -31, 270
_SENTENCE_END = re.compile(r"[.!?;\n](?!\d)")
# "open house July 2", "office hours 9/5", "call 1/2" are not availability.
_NOT_AVAIL = re.compile(r"open\s+house|showing|tour|hours|call|text|apply\s+by|deadline")


def date_candidates(text: str, posted: date | None) -> list[date]:
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
        # Not a date long past (stale text, a past event), nor one rolled over to next
        # year from a few months ago ("available June 1st" posted in August).
        if d is not None and (posted is None or _EARLIEST <= (d - posted).days <= _LATEST):
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
